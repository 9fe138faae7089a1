package org.mailhook.mailets;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;

import javax.mail.MessagingException;

import org.apache.james.metrics.tests.RecordingMetricFactory;
import org.apache.james.queue.api.RawMailQueueItemDecoratorFactory;
import org.apache.james.queue.memory.MemoryMailQueueFactory;
import org.apache.mailet.base.test.FakeMailContext;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A configured URL the address policy refuses stops the mailet's init, naming the parameter. */
class WebhookDeliveryUrlPolicyTest {
    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    private static WebhookDelivery mailet() {
        return new WebhookDelivery(new MemoryMailQueueFactory(new RawMailQueueItemDecoratorFactory()),
            new InMemoryMailRepositoryStore(), new RecordingMetricFactory(), null, null);
    }

    private static FakeMailetConfig.Builder config() {
        return FakeMailetConfig.builder().mailetName("WebhookDelivery").mailetContext(FakeMailContext.defaultContext())
            .setProperty("secret", SECRET).setProperty("queue", "url-policy");
    }

    @Test
    void aDecimalLoopbackUrlStopsInitNamingTheParameter() {
        assertThatThrownBy(() -> mailet().init(config().setProperty("url", "http://2130706433:8025/webhook").build()))
            .isInstanceOf(MessagingException.class)
            .hasMessageContaining("WebhookDelivery: <url>: host '2130706433' is IPv4 127.0.0.1: 127.0.0.1 is loopback");
        // Loopback is only allowed when opted in, and then only as a dotted quad.
        assertThatThrownBy(() -> mailet().init(config().setProperty("url", "http://127.0.0.1:8025/webhook").build()))
            .hasMessageContaining("<url>: host '127.0.0.1': 127.0.0.1 is loopback");
        assertThatThrownBy(() -> mailet().init(config().setProperty("url", "http://0x7f000001:8025/webhook")
            .setProperty("allowLoopback", "true").build()))
            .hasMessageContaining("<url>: host '0x7f000001' is IPv4 127.0.0.1 in a non-standard notation");
    }

    @Test
    void aRoutesFileEndpointIsNamedByItsKey(@TempDir Path dir) throws Exception {
        Path routes = Files.writeString(dir.resolve("routes.json"), """
            {"endpoints": {"meta": {"url": "http://[::ffff:a9fe:a9fe]/latest", "secrets": ["%s"]}},
             "routes": [{"recipient": "*", "endpoints": ["meta"]}]}""".formatted(SECRET));
        assertThatThrownBy(() -> mailet().init(config().setProperty("routesFile", routes.toString()).build()))
            .isInstanceOf(MessagingException.class)
            .hasMessageContaining("<routesFile>: endpoints.meta.url: host '169.254.169.254': 169.254.169.254 is metadata");
    }
}
