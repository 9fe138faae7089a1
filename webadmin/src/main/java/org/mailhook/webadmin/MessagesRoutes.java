package org.mailhook.webadmin;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.function.Supplier;

import javax.inject.Inject;

import org.apache.james.lifecycle.api.LifecycleUtil;
import org.apache.james.mailrepository.api.MailKey;
import org.apache.james.mailrepository.api.MailRepository;
import org.apache.james.mailrepository.api.MailRepositoryStore;
import org.apache.james.server.core.MimeMessageInputStream;
import org.apache.james.webadmin.Routes;
import org.apache.mailet.Mail;
import org.mailhook.archive.ArchiveKeys;
import org.mailhook.auth.DmarcPassRate;
import org.mailhook.json.AttachmentExtractor;
import org.mailhook.json.ParseOptions;
import org.mailhook.mailets.ArchivedRevisions;
import org.mailhook.mailets.MailAttributes;
import org.mailhook.mailets.repository.SortedKeys;
import org.mailhook.ops.MailhookSettings;
import org.mailhook.ops.WebhookQueueAccess;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import spark.Request;
import spark.Response;
import spark.Service;

/**
 * The pull API over the archive ({@code Archive} mailet): a second path to every mail when webhooks
 * fail. Pages are in arrival order with a cursor a consumer stores and resumes from.
 *
 * <pre>
 * GET /mailhook/messages?after=&lt;cursor&gt;&amp;limit=N   {"messages":[{"id","archivedAt","message":{…}}],"next":"…","more":bool}
 *     &amp;recipient=&amp;sender=&amp;subject=&amp;since=ISO&amp;until=ISO  search ({@link MessageSearch}); a request reads at most 5,000 mails
 *     &amp;spf=&amp;dkim=&amp;dmarc=&amp;arc=RESULT                 only mails whose verdict, taken at receipt, has that result
 *     &amp;report=any|dmarc-aggregate|tls-rpt|dmarc-failure  only mails with a report; each entry then also has
 *                                                   "reportCounts":[{"domain","pass","fail"}] (as the metrics count them)
 * GET /mailhook/dmarc?hours=24&amp;limit=2000          DMARC pass rate by sender domain of the newest archived mails
 * GET /mailhook/messages/{id}                       the message JSON, its latest revision ({id}: the archive key or the mailhook id mh1_…)
 * GET /mailhook/messages/{id}/revisions             {"latest":n,"revisions":[1,…,n]}
 * GET /mailhook/messages/{id}/revisions/{n}         revision n of the message JSON (1: as made at receipt)
 * GET /mailhook/messages/{id}/raw                   the raw MIME (message/rfc822)
 * GET /mailhook/messages/{id}/attachments/{partId}  the decoded attachment
 * </pre>
 *
 * <p>Both downloads are always {@code Content-Disposition: attachment}, {@code nosniff} and sandboxed
 * ({@link SafeDownload}): the bytes are the sender's.
 */
public class MessagesRoutes implements Routes {
    public static final String BASE = "/mailhook/messages";
    /** The DMARC pass rate by sender domain over the newest archived mails ({@link #dmarcPassRate}). */
    public static final String DMARC = "/mailhook/dmarc";
    static final int DMARC_DEFAULT_MAILS = 2000;
    static final int DMARC_MAX_MAILS = 10_000;
    private static final int MAX_LIMIT = 1000;
    /** At most this many mails read by one search request. */
    private static final int MAX_SCAN = 5000;
    private static final int SCAN_BATCH = 500;
    /** The admin routes see every archived mail. */
    static final Predicate<Mail> EVERY_MAIL = mail -> true;

    private final Supplier<MailRepository> archive;
    private final MailhookSettings settings;
    private final Clock clock;
    private final AttachmentExtractor attachments = new AttachmentExtractor(ParseOptions.defaults());

    @Inject
    public MessagesRoutes(MailRepositoryStore repositories, MailhookSettings settings) throws Exception {
        this(repositories, settings, Clock.systemUTC());
    }

    MessagesRoutes(MailRepositoryStore repositories, MailhookSettings settings, Clock clock) throws Exception {
        this.settings = settings;
        this.clock = clock;
        this.archive = WebhookQueueAccess.repository(repositories, settings.archiveRepository());
    }

    @Override
    public String getBasePath() {
        return BASE;
    }

    @Override
    public void define(Service service) {
        service.get(BASE, (request, response) -> pageOf(request, response, EVERY_MAIL));
        service.get(DMARC, this::dmarcPassRate);
        service.get(BASE + "/:id", (request, response) -> messageOf(request, response, EVERY_MAIL));
        service.get(BASE + "/:id/raw", (request, response) -> rawOf(request, response, EVERY_MAIL));
        service.get(BASE + "/:id/revisions", (request, response) -> withMail(request, response, EVERY_MAIL, this::revisions));
        service.get(BASE + "/:id/revisions/:revision", (request, response) -> withMail(request, response, EVERY_MAIL, this::revision));
        service.get(BASE + "/:id/attachments/:partId", (request, response) -> attachmentOf(request, response, EVERY_MAIL));
    }

    /** A page of the archive (or of a search); mails {@code visible} refuses are left out, so a page may hold fewer than {@code limit}. */
    Object pageOf(Request request, Response response, Predicate<Mail> visible) throws Exception {
        int limit;
        MessageSearch search;
        try {
            limit = JsonResponses.intParam(request.queryParams("limit"), 100, 1, MAX_LIMIT, "limit");
            search = MessageSearch.parse(request.queryParams("recipient"), request.queryParams("sender"), request.queryParams("subject"),
                request.queryParams("since"), request.queryParams("until"), request.queryParams("report"), request::queryParams);
        } catch (IllegalArgumentException e) {
            return JsonResponses.error(response, 400, e.getMessage());
        }
        Optional<String> after = Optional.ofNullable(request.queryParams("after")).filter(s -> !s.isBlank());
        if (after.isPresent() && !ArchiveKeys.isKey(after.get())) {
            return JsonResponses.error(response, 400, "after: not a cursor returned by this API");
        }
        long horizon = clock.millis() - settings.pullSettle().toMillis();
        ObjectNode body = JsonResponses.JSON.createObjectNode();
        ArrayNode messages = body.putArray("messages");
        String start = after.orElse("");
        String next = start;
        // A search from a time on starts at that time's first key: the mails archived before are not scanned.
        String from = search.since().map(since -> ArchiveKeys.cursorBefore(since.toEpochMilli())).filter(c -> c.compareTo(start) > 0)
            .orElse(start);
        int scanned = 0;
        boolean more = true;
        // A search reads mails until the page is full or MAX_SCAN were read; the cursor says where it stopped.
        while (more && messages.size() < limit && scanned < MAX_SCAN) {
            String position = next.compareTo(from) > 0 ? next : from;
            ArchiveKeys.Page page = ArchiveKeys.page(keysAfter(position), position.isEmpty() ? Optional.empty() : Optional.of(position),
                search.isEverything() ? limit - messages.size() : Math.min(SCAN_BATCH, MAX_SCAN - scanned), horizon);
            more = page.more();
            for (int i = 0; i < page.keys().size(); i++) {
                String key = page.keys().get(i);
                if (messages.size() >= limit) {
                    more = true;
                    break;
                }
                scanned++;
                next = key;
                if (!search.archivedInRange(ArchiveKeys.archivedAtMillis(key).orElseThrow())) {
                    continue;
                }
                addIfMatching(messages, key, search, visible);
            }
            if (page.keys().isEmpty()) {
                more = false;
            }
        }
        body.put("next", next);
        body.put("more", more);
        return JsonResponses.ok(response, body);
    }

    /**
     * {@code GET /mailhook/dmarc?hours=24&limit=2000}: the DMARC pass rate by sender domain of the newest
     * {@code limit} mails archived in the last {@code hours} (bounded: at most {@value #DMARC_MAX_MAILS} read).
     */
    private Object dmarcPassRate(Request request, Response response) throws Exception {
        int hours;
        int limit;
        try {
            hours = JsonResponses.intParam(request.queryParams("hours"), 24, 1, 24 * 31, "hours");
            limit = JsonResponses.intParam(request.queryParams("limit"), DMARC_DEFAULT_MAILS, 1, DMARC_MAX_MAILS, "limit");
        } catch (IllegalArgumentException e) {
            return JsonResponses.error(response, 400, e.getMessage());
        }
        Instant since = clock.instant().minus(Duration.ofHours(hours)).truncatedTo(ChronoUnit.SECONDS);
        List<String> keys = new ArrayList<>();
        for (Iterator<String> it = keysAfter(ArchiveKeys.cursorBefore(since.toEpochMilli())); it.hasNext(); ) {
            String key = it.next();
            if (ArchiveKeys.isKey(key)) {
                keys.add(key);
            }
        }
        List<String> newest = keys.subList(Math.max(0, keys.size() - limit), keys.size());
        DmarcPassRate rate = new DmarcPassRate();
        int read = 0;
        for (String key : newest) {
            Mail mail = archive.get().retrieve(new MailKey(key));
            if (mail == null) {
                continue;
            }
            try {
                Optional<String> json = ArchivedRevisions.latestJson(mail);
                if (json.isPresent()) {
                    rate.add(JsonResponses.JSON.readTree(json.get()));
                    read++;
                }
            } finally {
                LifecycleUtil.dispose(mail);
            }
        }
        ObjectNode body = JsonResponses.JSON.createObjectNode();
        body.put("since", since.toString()).put("hours", hours).put("limit", limit).put("mails", read)
            .put("capped", keys.size() > newest.size());
        ArrayNode domains = body.putArray("domains");
        for (DmarcPassRate.Domain domain : rate.domains()) {
            ObjectNode node = domains.addObject().put("domain", domain.domain()).put("mails", domain.mails()).put("passed", domain.passed())
                .put("passRate", domain.passRate());
            ObjectNode results = node.putObject("results");
            new TreeMap<>(domain.results()).forEach(results::put);
        }
        return JsonResponses.ok(response, body);
    }

    private void addIfMatching(ArrayNode messages, String key, MessageSearch search, Predicate<Mail> visible) throws Exception {
        Mail mail = archive.get().retrieve(new MailKey(key));
        if (mail == null) {
            // purged (retention) between listing and reading: the cursor still moves past it
            return;
        }
        try {
            if (!visible.test(mail)) {
                return;
            }
            Optional<String> json = ArchivedRevisions.latestJson(mail);
            JsonNode message = json.isPresent() ? JsonResponses.JSON.readTree(json.get()) : null;
            if (!search.matches(message)) {
                return;
            }
            ObjectNode entry = messages.addObject();
            entry.put("id", key);
            entry.put("archivedAt", Instant.ofEpochMilli(ArchiveKeys.archivedAtMillis(key).orElseThrow()).toString());
            entry.put("revision", ArchivedRevisions.latest(mail));
            if (message != null) {
                entry.set("message", message);
            } else {
                entry.putNull("message");
            }
            if (search.report().isPresent()) {
                // what the report says passed and failed per domain, exactly as the metrics count it (ToJson's summary)
                Optional<String> summary = MailAttributes.string(mail, MailAttributes.SUMMARY);
                JsonNode counts = summary.isPresent() ? JsonResponses.JSON.readTree(summary.get()).path("reportCounts") : null;
                entry.set("reportCounts", counts != null && counts.isArray() ? counts : JsonResponses.JSON.createArrayNode());
            }
        } finally {
            LifecycleUtil.dispose(mail);
        }
    }

    /** The JSON of message {@code :id}; 404 when {@code visible} refuses it. */
    Object messageOf(Request request, Response response, Predicate<Mail> visible) throws Exception {
        return withMail(request, response, visible, this::message);
    }

    /** The raw MIME of message {@code :id}; 404 when {@code visible} refuses it. */
    Object rawOf(Request request, Response response, Predicate<Mail> visible) throws Exception {
        return withMail(request, response, visible, this::raw);
    }

    /** The attachment {@code :partId} of message {@code :id} (signed links and consumers use it too); 404 when {@code visible} refuses it. */
    Object attachmentOf(Request request, Response response, Predicate<Mail> visible) throws Exception {
        return withMail(request, response, visible, this::attachment);
    }

    /** What a route does with an archived mail, which is disposed afterwards. */
    private interface MailHandler {
        Object handle(Mail mail, Request request, Response response) throws Exception;
    }

    private Object withMail(Request request, Response response, Predicate<Mail> visible, MailHandler handler) throws Exception {
        Optional<Mail> mail = find(request.params("id"));
        if (mail.isPresent() && !visible.test(mail.get())) {
            LifecycleUtil.dispose(mail.get());
            mail = Optional.empty();
        }
        if (mail.isEmpty()) {
            return JsonResponses.error(response, 404, "no archived message " + request.params("id"));
        }
        try {
            return handler.handle(mail.get(), request, response);
        } finally {
            LifecycleUtil.dispose(mail.get());
        }
    }

    /** The latest revision of the document; {@code X-Mailhook-Revision} says which. */
    private Object message(Mail mail, Request request, Response response) {
        return document(mail, ArchivedRevisions.latest(mail), request, response);
    }

    private Object revision(Mail mail, Request request, Response response) {
        int revision;
        try {
            revision = JsonResponses.intParam(request.params("revision"), 1, 1, Integer.MAX_VALUE, "revision");
        } catch (IllegalArgumentException e) {
            return JsonResponses.error(response, 400, e.getMessage());
        }
        return document(mail, revision, request, response);
    }

    private Object document(Mail mail, int revision, Request request, Response response) {
        Optional<String> json = ArchivedRevisions.json(mail, revision);
        if (json.isEmpty()) {
            return JsonResponses.error(response, 404, revision == 1 ? "message " + request.params("id") + " has no JSON (was ToJson before Archive?)"
                : "message " + request.params("id") + " has no revision " + revision);
        }
        response.type("application/json");
        response.header("X-Mailhook-Revision", String.valueOf(revision));
        return json.get();
    }

    private Object revisions(Mail mail, Request request, Response response) {
        ObjectNode body = JsonResponses.JSON.createObjectNode();
        int latest = ArchivedRevisions.latest(mail);
        body.put("latest", latest);
        ArrayNode revisions = body.putArray("revisions");
        for (int revision = 1; revision <= latest; revision++) {
            revisions.add(revision);
        }
        return JsonResponses.ok(response, body);
    }

    private Object raw(Mail mail, Request request, Response response) throws Exception {
        SafeDownload.apply(response.raw(), "message/rfc822", SafeDownload.filename(request.params("id") + ".eml", "message.eml"));
        try (OutputStream out = response.raw().getOutputStream()) {
            mail.getMessage().writeTo(out);
        }
        return response.raw();
    }

    private Object attachment(Mail mail, Request request, Response response) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Optional<AttachmentExtractor.Extracted> extracted;
        try (InputStream raw = new MimeMessageInputStream(mail.getMessage())) {
            extracted = attachments.extract(raw, request.params("partId"), bytes);
        }
        if (extracted.isEmpty()) {
            return JsonResponses.error(response, 404, "message " + request.params("id") + " has no attachment " + request.params("partId"));
        }
        // The sender chose the name and the type: always a download, never a page of WebAdmin's origin.
        String fallback = "attachment-" + extracted.get().partId().replaceAll("[^A-Za-z0-9.-]", "_") + ".bin";
        String name = SafeDownload.filename(extracted.get().filename(), fallback);
        boolean named = extracted.get().filename() != null && !name.equals(fallback);
        SafeDownload.apply(response.raw(), SafeDownload.contentType(extracted.get().contentType(), named), name);
        response.raw().setHeader("Content-Length", String.valueOf(bytes.size()));
        Optional.ofNullable(extracted.get().sha256()).ifPresent(sha -> response.raw().setHeader("X-Mailhook-SHA256", sha));
        try (OutputStream out = response.raw().getOutputStream()) {
            bytes.writeTo(out);
        }
        return response.raw();
    }

    /** By archive key, or by mailhook id (the {@code id} of the JSON and of webhook payloads). */
    private Optional<Mail> find(String id) throws Exception {
        Optional<String> key = keyOf(id);
        if (key.isEmpty()) {
            return Optional.empty();
        }
        return Optional.ofNullable(archive.get().retrieve(new MailKey(key.get())));
    }

    /** The archive key an {@code id} of these routes names (an archive key, or the first mail with that mailhook id), unchecked. */
    Optional<String> keyOf(String id) throws Exception {
        if (ArchiveKeys.isKey(id)) {
            return Optional.of(id);
        } else if (ArchiveKeys.isMailhookId(id)) {
            return ArchiveKeys.firstWithMailhookId(keys(), id);
        }
        return Optional.empty();
    }

    /** The archive's keys after {@code cursor}, ascending ({@link SortedKeys#after}). */
    Iterator<String> keysAfter(String cursor) throws Exception {
        return SortedKeys.after(archive.get(), cursor);
    }

    /** Every archive key, in no order. */
    List<String> keys() throws Exception {
        List<String> keys = new ArrayList<>();
        for (Iterator<MailKey> it = archive.get().list(); it.hasNext(); ) {
            keys.add(it.next().asString());
        }
        return keys;
    }
}
