package org.mailhook.mailets.delivery;

import java.time.Duration;
import java.util.function.Supplier;

import org.apache.james.metrics.api.GaugeRegistry;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.metrics.api.TimeMetric;
import org.mailhook.webhook.AttemptResult;
import org.mailhook.mailets.LatencyHistogram;

/**
 * The webhook consumer's metrics, through James' {@link MetricFactory} (so they reach whatever
 * backend the James server exports: WebAdmin {@code /metrics}, JMX, ...). The SMTP-accept to
 * webhook-ack latency spans queue waits and restarts, so it is a {@link LatencyHistogram}.
 */
public final class WebhookMetrics {
    /** Followed by {@code 2xx}, {@code 3xx}, {@code 4xx}, {@code 5xx} or {@code network}. */
    public static final String ATTEMPTS_PREFIX = "mailhook_webhook_attempts_";
    public static final String DELIVERED = "mailhook_webhook_delivered";
    public static final String DEAD_LETTERS = "mailhook_webhook_dead_letters";
    /** Dead letters redelivered and delivered mails replayed through the deliveries API. */
    public static final String REDELIVERIES = "mailhook_webhook_redeliveries";
    /** Repeated queue items of an acknowledged delivery that were not sent again ({@link DeliveredStore#acknowledgedBefore}). */
    public static final String DUPLICATES_SUPPRESSED = "mailhook_webhook_duplicates_suppressed";
    /** Acknowledged deliveries whose record ({@link DeliveredStore}) could not be stored. */
    public static final String DELIVERED_RECORD_FAILURES = "mailhook_webhook_delivered_record_failures";
    /** Gauge, followed by the queue name ({@code mailhook_webhooks}). */
    public static final String QUEUE_DEPTH_PREFIX = "mailhook_webhook_queue_depth_";
    /** Gauge: mails in the dead-letter repository. */
    public static final String DEAD_LETTERS_STORED = "mailhook_webhook_dead_letters_stored";
    /** A James timer around each HTTP attempt. */
    public static final String HTTP_TIME = "mailhook_webhook_http_time";
    /** Followed by {@code le_<bound>}, {@code count} and {@code sum_ms}. */
    public static final String ACK_LATENCY_PREFIX = "mailhook_webhook_ack_latency_";
    /** Mails parked because their endpoint's breaker was open (each time one is parked). */
    public static final String PARKED = "mailhook_webhook_parked";
    /** Parked mails delivered once their endpoint was up again. */
    public static final String DRAINED = "mailhook_webhook_drained";
    /** Gauge, followed by the endpoint name: 0 closed, 1 open, 2 probing ({@link org.mailhook.webhook.EndpointBreaker.State}). */
    public static final String ENDPOINT_STATE_PREFIX = "mailhook_webhook_endpoint_state_";
    /** Gauge, followed by the endpoint name: mails parked, waiting for the endpoint. */
    public static final String ENDPOINT_BACKLOG_PREFIX = "mailhook_webhook_endpoint_backlog_";
    /** For code paths without James (unit tests of the mailet). */
    public static final WebhookMetrics NONE = new WebhookMetrics(null, null);

    private final MetricFactory factory;
    private final GaugeRegistry gauges;
    private final LatencyHistogram ackLatency;

    public WebhookMetrics(MetricFactory factory, GaugeRegistry gauges) {
        this.factory = factory;
        this.gauges = gauges;
        this.ackLatency = factory == null ? null : new LatencyHistogram(factory, ACK_LATENCY_PREFIX);
    }

    /** A metric name's suffix for an endpoint name ({@code instant-ab.c} → {@code instant_ab_c}). */
    static String suffix(String name) {
        return name.replaceAll("[^A-Za-z0-9_]", "_");
    }

    /** The state and backlog gauges of an endpoint, registered once its breaker has opened. */
    void endpointGauges(String endpoint, Supplier<Long> state, Supplier<Long> backlog) {
        if (gauges != null) {
            gauges.register(ENDPOINT_STATE_PREFIX + suffix(endpoint), state::get);
            gauges.register(ENDPOINT_BACKLOG_PREFIX + suffix(endpoint), backlog::get);
        }
    }

    void parked() {
        increment(PARKED);
    }

    void drained() {
        increment(DRAINED);
    }

    /** Starts timing an HTTP attempt: call {@link TimeMetric#stopAndPublish()} when it returns. */
    Runnable startHttpTimer() {
        if (factory == null) {
            return () -> { };
        }
        TimeMetric timer = factory.timer(HTTP_TIME);
        return timer::stopAndPublish;
    }

    void attempted(AttemptResult result) {
        int status = result.status();
        increment(ATTEMPTS_PREFIX + (status >= 200 && status < 600 ? (status / 100) + "xx" : "network"));
    }

    /** A 2xx ack, {@code latency} after the mail was accepted (or redelivered). */
    void delivered(Duration latency) {
        increment(DELIVERED);
        if (ackLatency != null) {
            ackLatency.record(latency);
        }
    }

    void duplicateSuppressed() {
        increment(DUPLICATES_SUPPRESSED);
    }

    void deliveredRecordFailed() {
        increment(DELIVERED_RECORD_FAILURES);
    }

    void deadLettered() {
        increment(DEAD_LETTERS);
    }

    private void increment(String name) {
        if (factory != null) {
            factory.generate(name).increment();
        }
    }
}
