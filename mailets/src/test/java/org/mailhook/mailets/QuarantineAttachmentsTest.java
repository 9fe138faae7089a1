package org.mailhook.mailets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.Properties;

import javax.mail.MessagingException;
import javax.mail.Multipart;
import javax.mail.Session;
import javax.mail.internet.MimeMessage;

import org.apache.james.mailrepository.api.MailKey;
import org.apache.james.mailrepository.api.MailRepository;
import org.apache.james.mailrepository.api.MailRepositoryPath;
import org.apache.james.mailrepository.api.MailRepositoryUrl;
import org.apache.james.queue.api.MailQueue;
import org.apache.james.queue.api.MailQueueFactory;
import org.apache.james.queue.api.RawMailQueueItemDecoratorFactory;
import org.apache.james.queue.memory.MemoryMailQueueFactory;
import org.apache.james.server.core.MailImpl;
import org.apache.james.util.streams.Limit;
import org.apache.james.webadmin.service.MailRepositoryStoreService;
import org.apache.james.webadmin.service.ReprocessingService;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMailContext;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailhook.attachments.Samples;
import org.mailhook.attachments.SecuritySummary;
import org.mailhook.attachments.TestMails;
import org.mailhook.attachments.Verdict;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import reactor.core.publisher.Flux;

/** The mailet in-process with James' own mail, memory repository, spool queue and WebAdmin reprocessing service. */
class QuarantineAttachmentsTest {
    private static final String REPOSITORY = Repositories.QUARANTINE;
    private final InMemoryMailRepositoryStore store = new InMemoryMailRepositoryStore();

    private QuarantineAttachments mailet(String... parameters) throws MessagingException {
        FakeMailetConfig.Builder config = FakeMailetConfig.builder().mailetName("QuarantineAttachments").mailetContext(FakeMailContext.defaultContext());
        for (int i = 0; i < parameters.length; i += 2) {
            config.setProperty(parameters[i], parameters[i + 1]);
        }
        QuarantineAttachments mailet = new QuarantineAttachments(store, new PipelineSteps());
        mailet.init(config.build());
        return mailet;
    }

    private static Mail mail(String name, byte[] mime) throws Exception {
        return MailImpl.builder().name(name).sender("sender@example.com").addRecipient("inbox@example.org").state("transport")
            .mimeMessage(new MimeMessage(Session.getDefaultInstance(new Properties()), new ByteArrayInputStream(mime))).build();
    }

    private static byte[] bytes(Mail mail) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        mail.getMessage().writeTo(out);
        return out.toByteArray();
    }

    private static JsonNode security(Mail mail) throws Exception {
        String json = MailAttributes.string(mail, MailAttributes.SECURITY).orElseThrow();
        return new ObjectMapper().readTree(json);
    }

    private MailRepository quarantine() {
        return store.select(MailRepositoryUrl.from(REPOSITORY));
    }

    private static byte[] dangerousMail() {
        return TestMails.mail("invoice", TestMails.multipart("mixed", "b1", TestMails.textPart("Please pay."),
            TestMails.attachment("application/pdf", "invoice.pdf", Samples.peExecutable()),
            TestMails.attachment("application/pdf", "terms.pdf", Samples.plainPdf())));
    }

    @Test
    void dangerousPartIsStrippedAndTheOriginalKeptIntact() throws Exception {
        byte[] original = dangerousMail();
        Mail mail = mail("mail-1", original);
        mailet().service(mail);

        JsonNode security = security(mail);
        assertThat(security.path("verdict").asText()).isEqualTo("dangerous");
        assertThat(security.path("action").asText()).isEqualTo("stripped");
        assertThat(security.path("quarantined")).hasSize(1);
        assertThat(security.path("quarantined").get(0).path("partId").asText()).isEqualTo("2");
        assertThat(security.path("quarantined").get(0).path("filename").asText()).isEqualTo("invoice.pdf");
        assertThat(security.path("quarantined").get(0).path("reasons").toString()).contains("executable", "type-mismatch");
        assertThat(security.path("quarantine").path("key").asText()).isEqualTo("mail-1");
        assertThat(java.time.Instant.parse(security.path("checkedAt").asText())).isBeforeOrEqualTo(java.time.Instant.now());

        Multipart parts = (Multipart) mail.getMessage().getContent();
        assertThat(parts.getCount()).isEqualTo(3);
        assertThat(parts.getBodyPart(1).getContentType()).startsWith("text/plain");
        assertThat(parts.getBodyPart(1).getContent().toString()).contains("invoice.pdf").contains("executable").contains("mail-1");
        assertThat(parts.getBodyPart(2).getFileName()).isEqualTo("terms.pdf");
        assertThat(mail.getState()).isEqualTo("transport");

        assertThat(quarantine().size()).isEqualTo(1);
        Mail stored = quarantine().retrieve(new MailKey("mail-1"));
        assertThat(bytes(stored)).isEqualTo(original);
        assertThat(stored.getState()).isEqualTo("transport");
        assertThat(stored.getAttribute(QuarantineAttachments.QUARANTINE)).isPresent();
        assertThat(SecuritySummary.parse(MailAttributes.string(stored, MailAttributes.SECURITY).orElseThrow())
            .orElseThrow().verdict()).isEqualTo(Verdict.DANGEROUS);
    }

    @Test
    void originalSurvivesTheShippedRepository(@TempDir Path jamesHome) throws Exception {
        // The shipped repository type: one file per mail, its attributes as JSON, its message as the raw bytes.
        InMemoryMailRepositoryStore files = InMemoryMailRepositoryStore.files(jamesHome);
        QuarantineAttachments mailet = new QuarantineAttachments(files, new PipelineSteps());
        mailet.init(FakeMailetConfig.builder().mailetName("QuarantineAttachments").mailetContext(FakeMailContext.defaultContext()).build());
        byte[] original = dangerousMail();
        mailet.service(mail("file-1", original));

        Mail stored = files.select(MailRepositoryUrl.from(REPOSITORY)).retrieve(new MailKey("file-1"));
        assertThat(bytes(stored)).isEqualTo(original);
        assertThat(MailAttributes.string(stored, QuarantineAttachments.QUARANTINE).orElseThrow()).contains("\"executable\"");
        try (Stream<Path> written = Files.walk(jamesHome)) {
            assertThat(written.map(Path::toString)).anyMatch(name -> name.contains("quarantine"));
        }
    }

    @Test
    void verdictPartIdsAgreeWithTheMessageJson() throws Exception {
        String inner = "From: a@example.com\r\nSubject: inner\r\nMIME-Version: 1.0\r\n"
            + TestMails.multipart("mixed", "inner", TestMails.textPart("inner text"),
            TestMails.attachment("application/octet-stream", "tool.exe", Samples.peExecutable()));
        byte[] rar = {'R', 'a', 'r', '!', 0x1A, 0x07, 0x01, 0x00, 0, 0, 0, 0};
        byte[] original = TestMails.mail("agree", TestMails.multipart("mixed", "outer",
            TestMails.multipart("alternative", "alt", TestMails.textPart("plain"), "Content-Type: text/html\r\n\r\n<p>html</p>\r\n"),
            TestMails.attachment("application/zip", "docs.zip", Samples.zip("setup.exe", Samples.peExecutable())),
            TestMails.attachment("application/x-rar-compressed", "files.rar", rar),
            TestMails.attachedMessage(inner)));
        Mail mail = mail("agree-1", original);
        mailet("onDangerous", "keep").service(mail);
        ToJson toJson = new ToJson(new PipelineSteps());
        toJson.init(FakeMailetConfig.builder().mailetName("ToJson").mailetContext(FakeMailContext.defaultContext()).build());
        toJson.service(mail);

        JsonNode document = new ObjectMapper().readTree(MailAttributes.string(mail, MailAttributes.JSON).orElseThrow());
        JsonNode security = document.path("security");
        assertThat(security.path("verdict").asText()).isEqualTo("dangerous");
        List<String> flagged = new ArrayList<>();
        security.path("quarantined").forEach(part -> flagged.add(part.path("partId").asText()));
        assertThat(flagged).containsExactly("2", "3", "4.2");
        List<String> jsonPartIds = new ArrayList<>();
        document.findValues("partId").forEach(id -> jsonPartIds.add(id.asText()));
        assertThat(jsonPartIds).containsAll(flagged);
    }

    @Test
    void cleanMailIsUntouched() throws Exception {
        byte[] original = TestMails.mailWithAttachment("report.pdf", "application/pdf", Samples.plainPdf());
        Mail mail = mail("clean-1", original);
        mailet().service(mail);
        assertThat(bytes(mail)).isEqualTo(original);
        assertThat(security(mail).path("verdict").asText()).isEqualTo("clean");
        assertThat(security(mail).path("action").asText()).isEqualTo("kept");
        assertThat(quarantine().size()).isZero();
    }

    @Test
    void processorActionDivertsTheWholeMail() throws Exception {
        byte[] original = dangerousMail();
        Mail mail = mail("mail-2", original);
        mailet("onDangerous", "processor", "processor", "mailhook-quarantine").service(mail);
        assertThat(mail.getState()).isEqualTo("mailhook-quarantine");
        assertThat(bytes(mail)).isEqualTo(original);
        assertThat(security(mail).path("action").asText()).isEqualTo("diverted");
        assertThat(quarantine().size()).isEqualTo(1);
    }

    @Test
    void suspiciousIsKeptByDefaultAndStrippedOnRequest() throws Exception {
        byte[] rar = {'R', 'a', 'r', '!', 0x1A, 0x07, 0x01, 0x00, 0, 0, 0, 0};
        byte[] original = TestMails.mailWithAttachment("files.rar", "application/x-rar-compressed", rar);
        Mail kept = mail("rar-1", original);
        mailet().service(kept);
        assertThat(bytes(kept)).isEqualTo(original);
        assertThat(security(kept).path("verdict").asText()).isEqualTo("suspicious");
        assertThat(security(kept).path("quarantined").get(0).path("action").asText()).isEqualTo("kept");
        assertThat(quarantine().size()).isZero();

        Mail stripped = mail("rar-2", original);
        mailet("onSuspicious", "strip").service(stripped);
        assertThat(((Multipart) stripped.getMessage().getContent()).getBodyPart(1).getContent().toString()).contains("archive-uninspectable");
        assertThat(quarantine().size()).isEqualTo(1);
    }

    @Test
    void releaseThroughJamesReprocessingPassesTheOriginalOnce() throws Exception {
        byte[] original = dangerousMail();
        QuarantineAttachments mailet = mailet();
        mailet.service(mail("mail-3", original));

        // What PATCH /mailRepositories/var%2Fmail%2Fquarantine/mails/mail-3?action=reprocess does in James 3.8.1.
        MemoryMailQueueFactory queues = new MemoryMailQueueFactory(new RawMailQueueItemDecoratorFactory());
        MailQueue spool = queues.createQueue(MailQueueFactory.SPOOL);
        // The {encodedPath} documented in docs/attachments.md, decoded as the WebAdmin route does.
        assertThat(MailRepositoryUrl.from(REPOSITORY).getPath().urlEncoded()).isEqualTo("var%2Fmail%2Fquarantine");
        new ReprocessingService(queues, new MailRepositoryStoreService(store)).reprocess(
            MailRepositoryPath.fromEncoded("var%2Fmail%2Fquarantine"), new MailKey("mail-3"),
            new ReprocessingService.Configuration(MailQueueFactory.SPOOL, Optional.empty(), Optional.empty(), true, Limit.unlimited()));
        MailQueue.MailQueueItem item = Flux.from(spool.deQueue()).blockFirst();
        Mail released = item.getMail();
        assertThat(released.getState()).isEqualTo("transport");
        assertThat(quarantine().size()).isZero();

        mailet.service(released);
        assertThat(bytes(released)).isEqualTo(original);
        assertThat(security(released).path("released").asBoolean()).isTrue();
        assertThat(security(released).path("action").asText()).isEqualTo("released");
        assertThat(security(released).path("verdict").asText()).isEqualTo("dangerous");
        assertThat(quarantine().size()).isZero();
        item.done(MailQueue.MailQueueItem.CompletionStatus.SUCCESS);
        spool.close();
    }

    @Test
    void clamdDownIsNeverASilentPass() throws Exception {
        byte[] original = TestMails.mailWithAttachment("notes.txt", "text/plain", Samples.text("harmless"));
        // Port 1 on loopback: nothing listens, the connection is refused at once.
        Mail warned = mail("av-1", original);
        mailet("clamd", "127.0.0.1:1", "clamdTimeout", "2000").service(warned);
        assertThat(security(warned).path("verdict").asText()).isEqualTo("clean");
        assertThat(security(warned).path("warnings").get(0).asText()).contains("not virus-scanned");

        Mail held = mail("av-2", original);
        mailet("clamd", "127.0.0.1:1", "clamdTimeout", "2000", "clamdUnavailable", "quarantine").service(held);
        assertThat(security(held).path("quarantined").get(0).path("reasons").get(0).asText()).isEqualTo("scan-unavailable");
        assertThat(quarantine().size()).isEqualTo(1);
    }

    @Test
    void badConfigurationFailsAtInit() {
        assertThatThrownBy(() -> mailet("onDangerous", "delete")).isInstanceOf(MessagingException.class).hasMessageContaining("onDangerous");
        assertThatThrownBy(() -> mailet("clamd", "host:notaport")).isInstanceOf(MessagingException.class).hasMessageContaining("clamd");
        assertThatThrownBy(() -> mailet("maxArchiveDepth", "deep")).isInstanceOf(MessagingException.class).hasMessageContaining("maxArchiveDepth");
        assertThatThrownBy(() -> mailet("clamdUnavailable", "shrug")).isInstanceOf(MessagingException.class);
        assertThatThrownBy(() -> mailet("maxParts", "0")).isInstanceOf(MessagingException.class).hasMessageContaining("maxParts");
        assertThatThrownBy(() -> mailet("maxMimeDepth", "deep")).isInstanceOf(MessagingException.class).hasMessageContaining("maxMimeDepth");
        assertThatThrownBy(() -> mailet("maxPartBytes", "10")).isInstanceOf(MessagingException.class).hasMessageContaining("maxPartBytes");
        assertThatThrownBy(() -> mailet("maxArchiveEntryBytes", "x")).isInstanceOf(MessagingException.class)
            .hasMessageContaining("maxArchiveEntryBytes");
    }

    private static byte[] manyParts(int count) {
        StringBuilder mime = new StringBuilder();
        for (int i = 0; i < count; i++) {
            mime.append("--b\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"f")
                .append(i).append(".txt\"\r\n\r\nx\r\n");
        }
        return TestMails.mail("many parts", "Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n" + mime + "--b--\r\n");
    }

    @Test
    void pastALimitTheMailGoesOnWithALimitExceededVerdict() throws Exception {
        byte[] original = manyParts(300);
        Mail kept = mail("parts-1", original);
        mailet("maxParts", "100").service(kept);
        JsonNode security = security(kept);
        assertThat(security.path("verdict").asText()).isEqualTo("suspicious");
        assertThat(security.path("action").asText()).isEqualTo("kept");
        assertThat(security.path("quarantined")).hasSize(1);
        assertThat(security.path("quarantined").get(0).path("partId").asText()).isEqualTo("101");
        assertThat(security.path("quarantined").get(0).path("reasons").toString()).isEqualTo("[\"limit-exceeded\"]");
        assertThat(security.path("quarantined").get(0).path("findings").get(0).path("detail").asText()).contains("maxParts");
        assertThat(bytes(kept)).isEqualTo(original);
        assertThat(kept.getState()).isEqualTo("transport");

        // Stripping suspicious parts replaces every part that was not scanned, and only those.
        Mail stripped = mail("parts-2", original);
        mailet("maxParts", "100", "onSuspicious", "strip").service(stripped);
        Multipart parts = (Multipart) stripped.getMessage().getContent();
        assertThat(parts.getCount()).isEqualTo(300);
        assertThat(parts.getBodyPart(99).getFileName()).isEqualTo("f99.txt");
        for (int i = 100; i < 300; i++) {
            assertThat(parts.getBodyPart(i).getHeader(org.mailhook.attachments.AttachmentStripper.QUARANTINED_HEADER))
                .containsExactly("part=" + (i + 1));
        }
        assertThat(bytes(quarantine().retrieve(new MailKey("parts-2")))).isEqualTo(original);
    }
}
