package org.mailhook.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailhook.attachments.Samples;
import org.mailhook.reports.ReportSamples;
import org.mailhook.testing.RecordingReceiver;
import org.mailhook.testing.SmtpClient;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

/**
 * The operator console (docs/console.md) in a real browser: headless Chromium driven by Selenium
 * through Debian's chromedriver ({@code .ci/setup/chromium.sh}), against the assembled server with
 * JWT on, real mail over SMTP and a webhook receiver in this JVM (outside the server process). It
 * finds a mail, opens it, replays it, redelivers dead letters (one to another endpoint, two in bulk),
 * releases a quarantined attachment, shows a hostile HTML body without running it or loading anything,
 * lists DMARC and TLS reports, reads the audit log, checks
 * that every control of every page has an accessible name and is reached with Tab, and takes the
 * screenshots of docs/console.md: into target/ so a test run never changes tracked files, or into
 * docs/console with {@code -Dmailhook.console.screenshots=../../docs/console} to refresh them.
 */
class ConsoleIT {
    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path SCREENSHOTS = Path.of(System.getProperty("mailhook.console.screenshots", "target/console-screenshots"));
    private static final List<String> PAGES = List.of("overview", "messages", "reports", "deliveries", "quarantine", "endpoints", "addresses",
        "audit");

    @Test
    void anOperatorFindsInspectsReplaysRedeliversAndReleasesMailInARealBrowser(@TempDir Path dir) throws Exception {
        String chromedriver = executable("chromedriver");
        String chromium = executable("chromium");
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair keys = generator.generateKeyPair();
        Path publicKey = dir.resolve("webadmin-jwt.pub");
        Files.writeString(publicKey, "-----BEGIN PUBLIC KEY-----\n"
            + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(keys.getPublic().getEncoded())
            + "\n-----END PUBLIC KEY-----\n", StandardCharsets.US_ASCII);
        String token = WebAdminAuthIT.rs256(keys.getPrivate(), "{\"sub\":\"night-ops\",\"admin\":true,\"exp\":"
            + Instant.now().plus(Duration.ofHours(2)).getEpochSecond() + "}");

        // The canary: anything the hostile HTML body manages to load lands here.
        List<String> canaryHits = new CopyOnWriteArrayList<>();
        HttpServer canary = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
        canary.createContext("/", exchange -> {
            canaryHits.add(exchange.getRequestMethod() + " " + exchange.getRequestURI());
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        canary.start();
        String canaryUrl = "http://127.0.0.1:" + canary.getAddress().getPort();

        String run = UUID.randomUUID().toString().substring(0, 8);
        String findSubject = "console-find-" + run;
        String deadSubject = "console-dead-" + run;
        // the endpoint refuses these until it recovers: two are redelivered in bulk, one to the minted address's endpoint
        List<String> deadSubjects = List.of(deadSubject, "console-dead2-" + run, "console-deadmove-" + run);
        String deadMoveSubject = deadSubjects.get(2);
        String quarantineSubject = "console-quarantine-" + run;
        String hostileSubject = "console-hostile-" + run;
        String recipient = "night-" + run + "@inbound.localhost";
        AtomicBoolean endpointDown = new AtomicBoolean(true);

        Map<String, String> env = new HashMap<>();
        env.put("MAILHOOK_WEBADMIN_JWT", "true");
        env.put("MAILHOOK_WEBADMIN_JWT_PUBLIC_KEY", publicKey.toString());
        env.put("MAILHOOK_WEBHOOK_DELAYS", "1*1s");
        env.put("MAILHOOK_WEBHOOK_BREAKER_FAILURES", "0");
        env.put("MAILHOOK_DNS_TIMEOUT_MILLIS", "200");
        try (RecordingReceiver receiver = new RecordingReceiver(SECRET);
             ServerProcess server = ServerProcess.mailhook(dir.resolve("data"), receiver.url(), SECRET, env).start()) {
            List<RecordingReceiver.Delivery> acknowledged = new CopyOnWriteArrayList<>();
            receiver.replyWith(d -> {
                if (deadSubjects.stream().anyMatch(d.body()::contains) && endpointDown.get()) {
                    return RecordingReceiver.Reply.of(503);
                }
                acknowledged.add(d);
                return RecordingReceiver.Reply.of(204);
            });
            await().atMost(Duration.ofSeconds(60)).until(() -> ServerProcess.listening(server.webadminPort()));
            String base = "http://127.0.0.1:" + server.webadminPort();

            // Behind the admin API's authentication: no token, no console.
            assertThat(get(base + "/mailhook/console/", null).statusCode()).isEqualTo(401);
            assertThat(get(base + "/mailhook/console/console.js", null).statusCode()).isEqualTo(401);
            assertThat(get(base + "/mailhook/audit", null).statusCode()).isEqualTo(401);
            assertThat(get(base + "/mailhook/quarantine", null).statusCode()).isEqualTo(401);
            HttpResponse<String> page = get(base + "/mailhook/console/", token);
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.headers().firstValue("Content-Security-Policy").orElse("")).contains("default-src 'none'")
                .contains("script-src 'self'").contains("frame-ancestors 'none'");
            // Every asset is bundled: nothing in the page points outside WebAdmin.
            assertThat(page.body() + get(base + "/mailhook/console/console.js", token).body()).doesNotContain("http://").doesNotContain("https://");

            HttpResponse<String> minted = send(base, "POST", "/mailhook/addresses", token, "{\"url\":\"" + receiver.url() + "\"}");
            assertThat(minted.statusCode()).as(minted.body()).isEqualTo(201);
            smtp(server, recipient, "Subject: " + findSubject + "\r\nMessage-ID: <" + findSubject + "@example.org>\r\n\r\nfind me\r\n");
            for (String subject : deadSubjects) {
                smtp(server, "dead-" + run + "@inbound.localhost", "Subject: " + subject + "\r\n\r\nthe endpoint is down\r\n");
            }
            smtp(server, "q-" + run + "@inbound.localhost", "Subject: " + quarantineSubject + "\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nsee attachment\r\n"
                + "--b\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=setup.exe\r\n"
                + "Content-Transfer-Encoding: base64\r\n\r\n" + Base64.getEncoder().encodeToString("MZ not really a program".getBytes(
                    StandardCharsets.US_ASCII)) + "\r\n--b--\r\n");
            smtp(server, "h-" + run + "@inbound.localhost", "Subject: " + hostileSubject + "\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: text/html; charset=utf-8\r\n\r\n" + hostileHtml(canaryUrl) + "\r\n");

            String aggregateSubject = "console-dmarc-" + run;
            String tlsSubject = "console-tls-" + run;
            sendReports(server, aggregateSubject, tlsSubject);

            await().atMost(Duration.ofSeconds(90)).until(() -> bodies(receiver).stream().anyMatch(b -> b.contains(findSubject))
                && bodies(receiver).stream().anyMatch(b -> b.contains(hostileSubject))
                && bodies(receiver).stream().anyMatch(b -> b.contains(quarantineSubject))
                && bodies(receiver).stream().anyMatch(b -> b.contains(tlsSubject)));
            await().atMost(Duration.ofSeconds(90)).until(() -> JSON.readTree(get(base + "/mailhook/deliveries?status=dead", token).body())
                .path("deliveries").size() == 3);
            String instantEndpoint = "instant-" + JSON.readTree(minted.body()).path("address").asText().split("@")[0];
            await().atMost(Duration.ofSeconds(30)).until(() -> get(base + "/mailhook/quarantine", token).body().contains(quarantineSubject));
            String firstWebhookId = receiver.deliveries().stream().filter(d -> d.body().contains(findSubject)).findFirst().orElseThrow().webhookId();
            Map<String, String> deadWebhookIds = new HashMap<>();
            deadSubjects.forEach(subject -> deadWebhookIds.put(subject,
                receiver.deliveries().stream().filter(d -> d.body().contains(subject)).findFirst().orElseThrow().webhookId()));

            ChromeDriver browser = browser(chromedriver, chromium, dir.resolve("chromedriver.log"));
            try {
                WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
                // Without the token the browser gets James' 401, not the console.
                browser.get(base + "/mailhook/console/");
                assertThat(browser.findElements(By.cssSelector("nav a"))).isEmpty();
                // The operator's browser sends the admin token on every request (as a proxy or extension would).
                browser.executeCdpCommand("Network.enable", Map.of());
                browser.executeCdpCommand("Network.setExtraHTTPHeaders", Map.of("headers", Map.of("Authorization", "Bearer " + token)));
                // a new document (only the fragment would change otherwise, and the 401 answer would stay)
                browser.get("about:blank");

                open(browser, wait, base, "overview");
                wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("[data-count='Dead letters'] .n"), "3"));
                assertThat(browser.findElement(By.cssSelector("[data-count='Quarantined'] .n")).getText()).isEqualTo("1");
                screenshot(browser, "overview");

                // Find the mail by recipient, open it: verdicts, attempts with the webhook-id the receiver got.
                open(browser, wait, base, "messages");
                browser.findElement(By.id("f-recipient")).sendKeys(recipient);
                browser.findElement(By.id("f-recipient")).sendKeys(Keys.ENTER);
                // the search's answer: the one mail to that recipient (the unfiltered list has all six)
                wait.until(d -> d.getCurrentUrl().contains("recipient=") && d.findElements(By.cssSelector("#view tbody tr")).size() == 1
                    && !d.findElements(By.linkText(findSubject)).isEmpty());
                WebElement link = wait.until(ExpectedConditions.elementToBeClickable(By.linkText(findSubject)));
                screenshot(browser, "messages");
                link.click();
                wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#view h1"), findSubject));
                WebElement verdicts = browser.findElement(By.cssSelector("section[aria-labelledby='h-verdicts']"));
                assertThat(verdicts.getText()).contains("SPF").contains("DKIM").contains("DMARC").contains("ARC");
                WebElement attempts = browser.findElement(By.cssSelector("section[aria-labelledby='h-attempts']"));
                assertThat(attempts.getText()).contains("delivered").contains(firstWebhookId);
                assertThat(browser.findElement(By.id("json-as-sent")).getText()).contains("\"subject\"").contains(findSubject);
                browser.findElement(By.xpath("//button[text()='Show raw MIME']")).click();
                wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("raw-mime"), "Message-ID: <" + findSubject + "@example.org>"));
                screenshot(browser, "message");

                // Replay it: confirmation names the count; the receiver gets it again with the same webhook-id.
                attempts.findElement(By.xpath(".//button[text()='Replay']")).click();
                confirm(browser, wait, "Replay 1 mail");
                await().atMost(Duration.ofSeconds(60)).until(() -> receiver.deliveries().stream().filter(d -> d.body().contains(findSubject)).count() == 2);
                assertThat(receiver.deliveries().stream().filter(d -> d.body().contains(findSubject)))
                    .allSatisfy(d -> assertThat(d.webhookId()).isEqualTo(firstWebhookId)).allMatch(RecordingReceiver.Delivery::signatureValid);
                // Found again by the webhook-id the receiver logged; the DMARC filter (its result is permerror) leaves it out.
                open(browser, wait, base, "overview");
                browser.get(base + "/mailhook/console/#/messages?id=" + firstWebhookId);
                wait.until(ExpectedConditions.attributeToBe(By.id("view"), "data-page", "messages"));
                wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#view h1"), findSubject));
                open(browser, wait, base, "overview");
                browser.get(base + "/mailhook/console/#/messages?recipient=" + recipient + "&dmarc=pass");
                wait.until(ExpectedConditions.attributeToBe(By.id("view"), "data-page", "messages"));
                assertThat(browser.findElement(By.cssSelector("#view tbody")).getText()).isEqualTo("None.");
                assertThat(browser.findElements(By.linkText(findSubject))).isEmpty();

                // The endpoint recovers: one dead letter goes to the minted address's endpoint, chosen in the dialog.
                endpointDown.set(false);
                browser.get(base + "/mailhook/console/#/deliveries?status=dead");
                WebElement redeliver = wait.until(ExpectedConditions.elementToBeClickable(
                    By.xpath("//tbody/tr[td[text()='" + deadMoveSubject + "']]//button[text()='Redeliver']")));
                screenshot(browser, "deliveries");
                redeliver.click();
                WebElement dialog = endpointChoice(browser, wait);
                assertThat(new Select(browser.findElement(By.id("confirm-endpoint"))).getFirstSelectedOption().getText()).isEqualTo("default");
                new Select(browser.findElement(By.id("confirm-endpoint"))).selectByValue(instantEndpoint);
                assertThat(dialog.getText()).contains("Redeliver 1 dead letter").contains("to another endpoint, " + instantEndpoint)
                    .contains("not " + deadWebhookIds.get(deadMoveSubject));
                browser.findElement(By.id("confirm-ok")).click();
                wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("notice"), "Done: 1 mail touched"));
                await().atMost(Duration.ofSeconds(60)).until(() -> acknowledged.stream().anyMatch(d -> d.body().contains(deadMoveSubject)));
                RecordingReceiver.Delivery movedDead = acknowledged.stream().filter(d -> d.body().contains(deadMoveSubject)).findFirst().orElseThrow();
                assertThat(movedDead.webhookId()).startsWith("msg_").isNotEqualTo(deadWebhookIds.get(deadMoveSubject));
                assertThat(movedDead.signatureValid()).isTrue();
                assertThat(JSON.readTree(movedDead.body()).path("route").path("endpoint").asText()).isEqualTo(instantEndpoint);
                // the target's delivered record has the webhook-id the receiver got
                await().atMost(Duration.ofSeconds(30)).until(() -> get(base + "/mailhook/deliveries?status=delivered&endpoint=" + instantEndpoint,
                    token).body().contains(movedDead.webhookId()));

                // The other two in bulk, to their own endpoint: the page now counts two, the confirmation says so.
                WebElement bulkDead = wait.until(ExpectedConditions.elementToBeClickable(By.xpath("//button[text()='Redeliver 2 dead letter(s) shown']")));
                bulkDead.click();
                endpointChoice(browser, wait);
                assertThat(new Select(browser.findElement(By.id("confirm-endpoint"))).getFirstSelectedOption().getText())
                    .isEqualTo("each mail's own endpoint");
                confirm(browser, wait, "Redeliver all 2 dead letter(s) of this selection with their webhook-ids", "Done: 2 mails touched");
                await().atMost(Duration.ofSeconds(60)).until(() -> deadSubjects.stream().allMatch(subject ->
                    acknowledged.stream().anyMatch(d -> d.body().contains(subject))));
                wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#view tbody"), "None."));
                assertThat(browser.findElements(By.xpath("//button[contains(text(), 'dead letter(s) shown')]"))).isEmpty();
                assertThat(JSON.readTree(get(base + "/mailhook/deliveries?status=dead", token).body()).path("deliveries")).isEmpty();
                deadLettersArrivedOnce(acknowledged, deadSubjects, deadWebhookIds, movedDead.webhookId());

                // Release the quarantined attachment: the original reaches the webhook, marked released.
                open(browser, wait, base, "quarantine");
                WebElement release = wait.until(ExpectedConditions.elementToBeClickable(By.xpath("//button[text()='Release']")));
                assertThat(browser.findElement(By.id("view")).getText()).contains(quarantineSubject).contains("setup.exe");
                screenshot(browser, "quarantine");
                release.click();
                confirm(browser, wait, "Release 1 quarantined mail");
                JsonNode released = await().atMost(Duration.ofSeconds(60)).until(() -> releasedDelivery(receiver, quarantineSubject), r -> r != null);
                assertThat(released.path("attachments").findValuesAsText("filename")).contains("setup.exe");

                // The hostile HTML body: shown in a sandbox, runs nothing, loads nothing.
                String hostileId = archivedId(base, token, hostileSubject);
                browser.get(base + "/mailhook/console/#/message/" + hostileId);
                WebElement frame = wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("iframe.html-body")));
                assertThat(frame.getAttribute("sandbox")).isEmpty();
                Thread.sleep(3000);
                assertThat(alertShown(browser)).as("no alert").isFalse();
                browser.switchTo().frame(frame);
                assertThat(browser.findElement(By.id("hostile-text")).getText()).isEqualTo("Hostile body");
                assertThat(browser.findElements(By.id("pwned"))).as("no script ran in the frame").isEmpty();
                browser.switchTo().defaultContent();
                assertThat(browser.findElements(By.id("pwned"))).isEmpty();
                assertThat(browser.getTitle()).doesNotContain("pwned");
                assertThat(canaryHits).as("nothing remote was loaded").isEmpty();
                browser.executeScript("arguments[0].scrollIntoView({block: 'center'})", frame);
                save(browser, "hostile-html");

                reportsArePagedFilteredAndOpened(browser, wait, base, aggregateSubject, tlsSubject);

                // The audit log: who (the token's subject), when, what.
                open(browser, wait, base, "audit");
                wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("view"), "quarantine-release"));
                assertThat(browser.findElement(By.id("view")).getText()).contains("night-ops").contains("replay-delivered").contains("redeliver-dead");
                screenshot(browser, "audit");
                JsonNode audit = JSON.readTree(get(base + "/mailhook/audit", token).body()).path("entries");
                assertThat(audit.findValuesAsText("action")).contains("replay-delivered", "redeliver-dead", "quarantine-release");
                assertThat(audit.findValuesAsText("who")).containsOnly("night-ops");
                assertThat(audit.path(0).path("mails").asInt()).isEqualTo(1);
                List<String> entries = audit.findParents("action").stream()
                    .map(e -> e.path("action").asText() + " | " + e.path("target").asText() + " | " + e.path("mails").asInt()).toList();
                assertThat(entries).contains("redeliver-dead | endpoint=* from=* to=* | 2")
                    .anyMatch(e -> e.startsWith("redeliver-dead | ") && e.endsWith(" to endpoint " + instantEndpoint + " | 1"));
                // still once each, the release and the reports later
                deadLettersArrivedOnce(acknowledged, deadSubjects, deadWebhookIds, movedDead.webhookId());
                assertThat(Instant.parse(audit.path(0).path("at").asText())).isAfter(Instant.now().minus(Duration.ofMinutes(10)));

                open(browser, wait, base, "addresses");
                assertThat(browser.findElement(By.id("view")).getText()).contains(JSON.readTree(minted.body()).path("address").asText());
                screenshot(browser, "addresses");

                // Keyboard and labels on every page, the one-message page included.
                for (String name : PAGES) {
                    open(browser, wait, base, name);
                    checkKeyboardAndLabels(browser, name);
                }
                browser.get(base + "/mailhook/console/#/message/" + archivedId(base, token, findSubject));
                wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#view h1"), findSubject));
                checkKeyboardAndLabels(browser, "message");
            } finally {
                browser.quit();
                canary.stop(0);
            }
        }
    }

    /**
     * Endpoint health, charts, canary, a replay to another endpoint and bulk replays (to their endpoint, then to
     * another), in the browser, against a server with the breaker on (one failure opens it, probes a minute apart)
     * and the canary every two seconds; WebAdmin without JWT (the
     * shipped loopback setup). Two receivers: the configured endpoint ({@code default}) and a minted instant address.
     */
    @Test
    void endpointHealthChartsCanaryReplayToAnotherEndpointAndBulkReplayInARealBrowser(@TempDir Path dir) throws Exception {
        String chromedriver = executable("chromedriver");
        String chromium = executable("chromium");
        String run = UUID.randomUUID().toString().substring(0, 8);
        String moveSubject = "console-move-" + run;
        String downSubject = "console-down-" + run;
        List<String> bulkSubjects = List.of("console-bulk1-" + run, "console-bulk2-" + run);
        AtomicBoolean firstDown = new AtomicBoolean(false);
        Map<String, String> env = Map.of("MAILHOOK_WEBHOOK_BREAKER_FAILURES", "1", "MAILHOOK_WEBHOOK_BREAKER_PROBE", "1m..1m",
            "MAILHOOK_CANARY", "true", "MAILHOOK_CANARY_INTERVAL", "2s", "MAILHOOK_DNS_TIMEOUT_MILLIS", "200");
        try (RecordingReceiver first = new RecordingReceiver(SECRET);
             RecordingReceiver second = new RecordingReceiver(SECRET);
             ServerProcess server = ServerProcess.mailhook(dir.resolve("data"), first.url(), SECRET, env).start()) {
            first.replyWith(d -> RecordingReceiver.Reply.of(firstDown.get() ? 503 : 204));
            await().atMost(Duration.ofSeconds(60)).until(() -> ServerProcess.listening(server.webadminPort()));
            String base = "http://127.0.0.1:" + server.webadminPort();
            HttpResponse<String> minted = send(base, "POST", "/mailhook/addresses", null, "{\"url\":\"" + second.url() + "\"}");
            assertThat(minted.statusCode()).as(minted.body()).isEqualTo(201);
            String instant = JSON.readTree(minted.body()).path("address").asText();
            smtp(server, "ops-" + run + "@inbound.localhost", "Subject: " + moveSubject + "\r\n\r\nreplayed elsewhere\r\n");
            for (String subject : bulkSubjects) {
                smtp(server, instant, "Subject: " + subject + "\r\n\r\nreplayed in bulk\r\n");
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> count(first, moveSubject) == 1
                && bulkSubjects.stream().allMatch(subject -> count(second, subject) == 1));
            await().atMost(Duration.ofSeconds(30)).until(() -> get(base + "/mailhook/deliveries?status=delivered", null).body()
                .contains(bulkSubjects.get(1)));
            String instantEndpoint = JSON.readTree(get(base + "/mailhook/deliveries?status=delivered", null).body()).path("deliveries")
                .findParents("subject").stream().filter(d -> d.path("subject").asText().equals(bulkSubjects.get(0))).findFirst()
                .orElseThrow().path("endpoint").asText();
            String firstWebhookId = first.deliveries().stream().filter(d -> d.body().contains(moveSubject)).findFirst().orElseThrow().webhookId();

            ChromeDriver browser = browser(chromedriver, chromium, dir.resolve("chromedriver.log"));
            try {
                WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));

                // Replay to another endpoint: the dialog offers the instant address's endpoint; it gets the mail under its own webhook-id.
                browser.get(base + "/mailhook/console/#/message/" + archivedId(base, null, moveSubject));
                wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#view h1"), moveSubject));
                browser.findElement(By.cssSelector("section[aria-labelledby='h-attempts']")).findElement(By.xpath(".//button[text()='Replay']")).click();
                WebElement dialog = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("confirm")));
                WebElement endpointChoice = browser.findElement(By.id("confirm-endpoint"));
                assertThat(endpointChoice.getAccessibleName()).isEqualTo("Send to endpoint");
                // by keyboard: the dialog opens on Cancel, and Shift+Tab reaches the endpoint select
                assertThat(browser.switchTo().activeElement().getAttribute("id")).isEqualTo("confirm-cancel");
                browser.switchTo().activeElement().sendKeys(Keys.chord(Keys.SHIFT, Keys.TAB));
                assertThat(browser.switchTo().activeElement().getAttribute("id")).isEqualTo("confirm-endpoint");
                assertThat(new Select(endpointChoice).getFirstSelectedOption().getText()).isEqualTo("default");
                new Select(endpointChoice).selectByValue(instantEndpoint);
                assertThat(dialog.getText()).contains("to another endpoint, " + instantEndpoint).contains("not " + firstWebhookId);
                screenshot(browser, "replay-to-endpoint");
                browser.findElement(By.id("confirm-ok")).click();
                wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("notice"), "Done: 1 mail touched"));
                await().atMost(Duration.ofSeconds(60)).until(() -> count(second, moveSubject) == 1);
                RecordingReceiver.Delivery moved = second.deliveries().stream().filter(d -> d.body().contains(moveSubject)).findFirst().orElseThrow();
                assertThat(moved.webhookId()).isNotEqualTo(firstWebhookId).startsWith("msg_");
                assertThat(moved.signatureValid()).isTrue();
                assertThat(JSON.readTree(moved.body()).path("route").path("endpoint").asText()).isEqualTo(instantEndpoint);

                // A bulk action: replay the instant endpoint's delivered mails, exactly those, each under its webhook-id.
                Map<String, String> bulkIds = new HashMap<>();
                bulkSubjects.forEach(subject -> bulkIds.put(subject,
                    second.deliveries().stream().filter(d -> d.body().contains(subject)).findFirst().orElseThrow().webhookId()));
                int secondBefore = second.deliveries().size();
                await().atMost(Duration.ofSeconds(30)).until(() -> JSON.readTree(get(base + "/mailhook/deliveries?status=delivered&endpoint="
                    + instantEndpoint, null).body()).path("deliveries").size() == 3);
                browser.get(base + "/mailhook/console/#/deliveries?status=delivered&endpoint=" + instantEndpoint);
                WebElement bulk = wait.until(ExpectedConditions.elementToBeClickable(By.xpath("//button[text()='Replay 3 delivered mail(s) shown']")));
                Instant bulkAt = Instant.now();
                bulk.click();
                confirm(browser, wait, "Replay 3 delivered mail(s) of this selection", "Done: 3 mails touched");
                await().atMost(Duration.ofSeconds(60)).until(() -> second.deliveries().size() == secondBefore + 3);
                for (String subject : bulkSubjects) {
                    assertThat(second.deliveries().stream().filter(d -> d.body().contains(subject)))
                        .hasSize(2).allSatisfy(d -> assertThat(d.webhookId()).isEqualTo(bulkIds.get(subject)));
                }
                assertThat(second.deliveries().stream().filter(d -> d.body().contains(moveSubject))).hasSize(2)
                    .allSatisfy(d -> assertThat(d.webhookId()).isEqualTo(moved.webhookId()));
                // the configured endpoint got no duplicate of the mail moved away, nor anything of the bulk
                assertThat(count(first, moveSubject)).isEqualTo(1);
                assertThat(bulkSubjects).allSatisfy(subject -> assertThat(count(first, subject)).isZero());

                // The same selection replayed to the configured endpoint, chosen in the bulk dialog: each under that endpoint's
                // own webhook-id; the mail moved away from it comes back under the one it had there (its receiver's dedupe sees a repeat).
                await().atMost(Duration.ofSeconds(30)).until(() -> {
                    JsonNode records = JSON.readTree(get(base + "/mailhook/deliveries?status=delivered&endpoint=" + instantEndpoint, null).body())
                        .path("deliveries");
                    return records.size() == 3 && records.findValuesAsText("deliveredAt").stream().allMatch(at -> Instant.parse(at).isAfter(bulkAt));
                });
                browser.navigate().refresh();
                wait.until(ExpectedConditions.elementToBeClickable(By.xpath("//button[text()='Replay 3 delivered mail(s) shown']"))).click();
                endpointChoice(browser, wait);
                Select bulkTarget = new Select(browser.findElement(By.id("confirm-endpoint")));
                assertThat(bulkTarget.getFirstSelectedOption().getText()).isEqualTo("each mail's own endpoint");
                assertThat(bulkTarget.getOptions()).extracting(WebElement::getText).contains("default", instantEndpoint);
                bulkTarget.selectByValue("default");
                int firstBefore = first.deliveries().size();
                confirm(browser, wait, "Replay 3 delivered mail(s) of this selection to endpoint default, each with that endpoint's own webhook-id",
                    "Done: 3 mails touched");
                await().atMost(Duration.ofSeconds(60)).until(() -> first.deliveries().size() == firstBefore + 3);
                for (String subject : bulkSubjects) {
                    RecordingReceiver.Delivery there = first.deliveries().stream().filter(d -> d.body().contains(subject)).findFirst().orElseThrow();
                    assertThat(count(first, subject)).isEqualTo(1);
                    assertThat(there.webhookId()).startsWith("msg_").isNotEqualTo(bulkIds.get(subject));
                    assertThat(there.signatureValid()).isTrue();
                    assertThat(JSON.readTree(there.body()).path("route").path("endpoint").asText()).isEqualTo("default");
                }
                assertThat(first.deliveries().stream().filter(d -> d.body().contains(moveSubject))).hasSize(2)
                    .allSatisfy(d -> assertThat(d.webhookId()).isEqualTo(firstWebhookId));
                assertThat(second.deliveries()).hasSize(secondBefore + 3);
                JsonNode bulkAudit = JSON.readTree(get(base + "/mailhook/audit", null).body()).path("entries").path(0);
                assertThat(bulkAudit.path("action").asText()).isEqualTo("replay-delivered");
                assertThat(bulkAudit.path("target").asText()).isEqualTo("endpoint=" + instantEndpoint + " from=* to=* to endpoint default");
                assertThat(bulkAudit.path("mails").asInt()).isEqualTo(3);

                // The configured endpoint goes down: one failure opens its breaker, the mail waits parked.
                firstDown.set(true);
                smtp(server, "down-" + run + "@inbound.localhost", "Subject: " + downSubject + "\r\n\r\nwaits\r\n");
                await().atMost(Duration.ofSeconds(60)).until(() -> get(base + "/mailhook/deliveries?status=parked", null).body().contains(downSubject));
                open(browser, wait, base, "endpoints");
                WebElement defaultRow = browser.findElement(By.xpath("//tbody/tr[td[1][text()='default']]"));
                assertThat(defaultRow.findElement(By.cssSelector("[data-circuit]")).getAttribute("data-circuit")).isEqualTo("open");
                assertThat(defaultRow.getText()).contains("next probe").contains("parked 1");
                assertThat(Long.parseLong(defaultRow.findElement(By.cssSelector("[data-oldest-waiting]")).getAttribute("data-oldest-waiting")))
                    .isGreaterThanOrEqualTo(0);
                assertThat(defaultRow.getText()).contains("(since ");
                WebElement instantRow = browser.findElement(By.xpath("//tbody/tr[td[1][text()='" + instantEndpoint + "']]"));
                assertThat(instantRow.findElement(By.cssSelector("[data-circuit]")).getAttribute("data-circuit")).isEqualTo("closed");
                assertThat(instantRow.getText()).contains("100%").contains("none waiting");
                screenshot(browser, "endpoints");
                JsonNode health = JSON.readTree(get(base + "/mailhook/endpoints", null).body());
                assertThat(health.path("endpoints").findValuesAsText("name")).contains("default", instantEndpoint);
                assertThat(health.path("charts").path("hour").path("buckets")).hasSize(12);
                assertThat(health.path("charts").path("day").path("buckets")).hasSize(24);

                // Overview: the same health, the canary's last probe and the charts with their text alternatives.
                open(browser, wait, base, "overview");
                assertThat(browser.findElement(By.cssSelector("section[aria-labelledby='h-health'] [data-circuit='open']")).isDisplayed()).isTrue();
                wait.until(d -> "seen".equals(d.findElement(By.id("canary")).getAttribute("data-canary")) || reload(browser, wait, base));
                assertThat(browser.findElement(By.id("canary")).getText()).contains("Last probe").contains("archived");
                for (String chart : List.of("chart-latency-hour", "chart-success-hour", "chart-latency-day", "chart-success-day")) {
                    WebElement svg = browser.findElement(By.id(chart));
                    assertThat(svg.getAttribute("role")).isEqualTo("img");
                    assertThat(svg.getAttribute("aria-label")).contains("buckets from");
                }
                WebElement latencyHour = browser.findElement(By.id("chart-latency-hour"));
                assertThat(latencyHour.findElements(By.cssSelector(".series"))).as("a p50 and a p99 mark at least").hasSizeGreaterThanOrEqualTo(2);
                assertThat(latencyHour.getAttribute("aria-label")).contains("p50 from").contains("p99 from");
                WebElement data = browser.findElement(By.xpath("//figure[.//*[@id='chart-success-hour']]//details"));
                data.findElement(By.tagName("summary")).click();
                assertThat(data.findElements(By.cssSelector("tbody tr"))).hasSize(12);
                assertThat(data.getText()).contains("100%");
                // DMARC pass rate by sender domain, over the mails archived in the last 24 hours: the test's four and the canary's.
                JsonNode dmarc = JSON.readTree(get(base + "/mailhook/dmarc", null).body());
                assertThat(dmarc.path("mails").asInt()).isGreaterThanOrEqualTo(5);
                long counted = 0;
                for (JsonNode domain : dmarc.path("domains")) {
                    counted += domain.path("mails").asLong();
                }
                assertThat(counted).isEqualTo(dmarc.path("mails").asLong());
                Map<String, WebElement> dmarcRows = new HashMap<>();
                for (WebElement dmarcRow : browser.findElements(By.cssSelector("section[aria-labelledby='h-dmarc'] tbody tr"))) {
                    dmarcRows.put(dmarcRow.findElement(By.xpath("td[1]")).getText(), dmarcRow);
                }
                assertThat(dmarcRows.keySet()).containsExactlyInAnyOrderElementsOf(dmarc.path("domains").findValuesAsText("domain"));
                for (JsonNode domain : dmarc.path("domains")) {
                    if (domain.path("domain").asText().equals("mailhook.invalid")) {
                        continue; // the canary's: one more every two seconds
                    }
                    WebElement dmarcRow = dmarcRows.get(domain.path("domain").asText());
                    assertThat(dmarcRow.findElement(By.xpath("td[2]")).getText()).isEqualTo(domain.path("mails").asText());
                    assertThat(Double.parseDouble(dmarcRow.findElement(By.cssSelector("[data-pass-rate]")).getAttribute("data-pass-rate")))
                        .isEqualTo(domain.path("passRate").asDouble());
                }
                screenshot(browser, "overview-health");
                browser.executeScript("arguments[0].scrollIntoView()", browser.findElement(By.id("h-charts")));
                save(browser, "charts");
                checkKeyboardAndLabels(browser, "overview");
                open(browser, wait, base, "endpoints");
                checkKeyboardAndLabels(browser, "endpoints");

                // The audit log names the endpoint of the replay to another one.
                JsonNode audit = JSON.readTree(get(base + "/mailhook/audit", null).body()).path("entries");
                assertThat(audit.findValuesAsText("target")).anyMatch(t -> t.endsWith(" to endpoint " + instantEndpoint));
            } finally {
                browser.quit();
            }
        }
    }

    /**
     * The confirmation dialog with its endpoint select: labelled, and reached by keyboard (the dialog opens on Cancel,
     * Shift+Tab goes to the select).
     */
    private static WebElement endpointChoice(ChromeDriver browser, WebDriverWait wait) {
        WebElement dialog = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("confirm")));
        WebElement select = browser.findElement(By.id("confirm-endpoint"));
        assertThat(select.isDisplayed()).isTrue();
        assertThat(select.getAccessibleName()).isEqualTo("Send to endpoint");
        assertThat(browser.switchTo().activeElement().getAttribute("id")).isEqualTo("confirm-cancel");
        browser.switchTo().activeElement().sendKeys(Keys.chord(Keys.SHIFT, Keys.TAB));
        assertThat(browser.switchTo().activeElement().getAttribute("id")).isEqualTo("confirm-endpoint");
        return dialog;
    }

    /** Each dead letter acknowledged exactly once: those redelivered to their endpoint with their webhook-id, the moved one with its own. */
    private static void deadLettersArrivedOnce(List<RecordingReceiver.Delivery> acknowledged, List<String> deadSubjects,
                                               Map<String, String> deadWebhookIds, String movedWebhookId) {
        for (String subject : deadSubjects) {
            String expected = subject.equals(deadSubjects.get(2)) ? movedWebhookId : deadWebhookIds.get(subject);
            assertThat(acknowledged.stream().filter(d -> d.body().contains(subject))).as(subject).hasSize(1)
                .allSatisfy(d -> assertThat(d.webhookId()).isEqualTo(expected)).allMatch(RecordingReceiver.Delivery::signatureValid);
        }
    }

    /** Reloads the page (its figures are read when it is drawn) and answers false, for a wait to try again. */
    private static boolean reload(ChromeDriver browser, WebDriverWait wait, String base) {
        browser.navigate().refresh();
        wait.until(ExpectedConditions.attributeToBe(By.id("view"), "aria-busy", "false"));
        return false;
    }

    private static long count(RecordingReceiver receiver, String subject) {
        return receiver.deliveries().stream().filter(d -> d.body().contains(subject)).count();
    }

    /** Two real reports as reporters send them (ReportsIT's samples): FastMail's gzipped DMARC aggregate report, RFC 8460's TLS report. */
    private static void sendReports(ServerProcess server, String aggregateSubject, String tlsSubject) throws Exception {
        byte[][] mails = {
            ReportSamples.mailWith(aggregateSubject, "application/gzip", "fastmail.com!example.com!1516060800!1516147199!102675056.xml.gz",
                ReportSamples.sample("fastmail-aggregate.xml.gz")),
            ReportSamples.mailWith(tlsSubject, "application/tlsrpt+gzip", "company-x.example!company-y.example!1459468800!1459555199.json.gz",
                Samples.gzip(ReportSamples.sample("rfc8460.json")))};
        for (byte[] mail : mails) {
            try (SmtpClient smtp = new SmtpClient(server.smtpPort())) {
                smtp.command("EHLO reporter.example");
                assertThat(smtp.command("MAIL FROM:<noreply-dmarc@reporter.example>")).startsWith("250");
                assertThat(smtp.command("RCPT TO:<dmarc-reports@inbound.localhost>")).startsWith("250");
                assertThat(smtp.data(mail)).startsWith("250");
            }
        }
    }

    /**
     * The reports page lists only mails that carry a report, with kind, reporting organisation, domain, date range and
     * what passed and failed (as the metrics count it); the kind filter narrows it, and a row opens its mail.
     */
    private static void reportsArePagedFilteredAndOpened(ChromeDriver browser, WebDriverWait wait, String base, String aggregateSubject,
                                                         String tlsSubject) throws Exception {
        open(browser, wait, base, "reports");
        wait.until(d -> d.findElements(By.cssSelector("#view tbody tr")).size() == 2);
        // archived in the order the spool finished them, which need not be the order they were sent
        WebElement aggregate = browser.findElement(By.xpath("//tbody/tr[.//a[text()='" + aggregateSubject + "']]"));
        assertThat(aggregate.getText()).contains("dmarc-aggregate", "FastMail Pty Ltd", "indemed.com", "2018-01-16T00:00:00Z – 2018-01-16T23:59:59Z");
        assertThat(aggregate.findElement(By.cssSelector("[data-pass]")).getText()).isEqualTo("0");
        assertThat(aggregate.findElement(By.cssSelector("[data-fail]")).getText()).isEqualTo("1");
        WebElement tls = browser.findElement(By.xpath("//tbody/tr[.//a[text()='" + tlsSubject + "']]"));
        assertThat(tls.getText()).contains("tls-rpt", "Company-X", "company-y.example", "2016-04-01T00:00:00Z – 2016-04-01T23:59:59Z");
        assertThat(tls.findElement(By.cssSelector("[data-pass]")).getText()).isEqualTo("5326");
        assertThat(tls.findElement(By.cssSelector("[data-fail]")).getText()).isEqualTo("303");
        assertThat(browser.findElement(By.id("view")).getText()).as("mail without a report is not listed").doesNotContain("console-find-");
        screenshot(browser, "reports");

        new Select(browser.findElement(By.id("f-kind"))).selectByValue("tls-rpt");
        browser.findElement(By.xpath("//form[@aria-label='Filter reports']//button")).click();
        wait.until(d -> d.getCurrentUrl().contains("kind=tls-rpt") && "false".equals(d.findElement(By.id("view")).getAttribute("aria-busy"))
            && d.findElements(By.cssSelector("#view tbody tr")).size() == 1);
        browser.findElement(By.linkText(tlsSubject)).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#view h1"), tlsSubject));
        assertThat(browser.findElement(By.id("json-as-sent")).getText()).contains("tls-rpt").contains("company-y.example");
    }

    private static String hostileHtml(String canary) {
        return "<p id=\"hostile-text\">Hostile body</p>"
            + "<script>document.body.append(Object.assign(document.createElement('p'), {id: 'pwned'}));"
            + "try { parent.document.title = 'pwned'; } catch (e) {} alert('xss'); fetch('" + canary + "/fetch');</script>"
            + "<img src=\"" + canary + "/img\" onerror=\"alert('onerror')\">"
            + "<link rel=\"stylesheet\" href=\"" + canary + "/css\">"
            + "<style>body { background: url(" + canary + "/background); }</style>"
            + "<iframe src=\"" + canary + "/frame\"></iframe>"
            + "<svg><image href=\"" + canary + "/svg\"></image></svg>"
            + "<video src=\"" + canary + "/video\" autoplay></video>";
    }

    /** Every link, button, input and select has an accessible name, and Tab from the top reaches every one of the page's controls. */
    private static void checkKeyboardAndLabels(ChromeDriver browser, String page) {
        List<WebElement> controls = browser.findElements(By.cssSelector("#view input, #view select, #view button, #view a, #view summary, nav a"));
        assertThat(controls).as(page + " has controls").isNotEmpty();
        for (WebElement control : controls) {
            assertThat(control.getAccessibleName()).as(page + ": accessible name of " + control.getTagName() + " " + control.getAttribute("outerHTML"))
                .isNotBlank();
        }
        Set<String> expected = new HashSet<>();
        for (WebElement control : controls) {
            if (control.isDisplayed()) {
                expected.add(control.getAttribute("outerHTML"));
            }
        }
        browser.executeScript("document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0);");
        Set<String> reached = new HashSet<>();
        List<String> order = new ArrayList<>();
        WebElement body = browser.findElement(By.tagName("body"));
        body.sendKeys(Keys.TAB);
        for (int i = 0; i < controls.size() * 2 + 10 && !reached.containsAll(expected); i++) {
            WebElement active = browser.switchTo().activeElement();
            String html = active.getAttribute("outerHTML");
            reached.add(html);
            order.add(active.getTagName() + ":" + active.getAccessibleName());
            active.sendKeys(Keys.TAB);
        }
        assertThat(reached).as(page + ": Tab order " + order).containsAll(expected);
    }

    private static void open(ChromeDriver browser, WebDriverWait wait, String base, String page) {
        browser.get(base + "/mailhook/console/#/" + page);
        wait.until(ExpectedConditions.attributeToBe(By.id("view"), "data-page", page));
        wait.until(ExpectedConditions.attributeToBe(By.id("view"), "aria-busy", "false"));
    }

    private static void confirm(ChromeDriver browser, WebDriverWait wait, String expected) {
        confirm(browser, wait, expected, "Done: 1 mail touched");
    }

    private static void confirm(ChromeDriver browser, WebDriverWait wait, String expected, String done) {
        WebElement dialog = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("confirm")));
        assertThat(dialog.getText()).contains(expected);
        browser.findElement(By.id("confirm-ok")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("notice"), done));
    }

    private static boolean alertShown(ChromeDriver browser) {
        try {
            browser.switchTo().alert();
            return true;
        } catch (NoAlertPresentException e) {
            return false;
        }
    }

    /** The top of the page: its heading and first sections. */
    private static void screenshot(ChromeDriver browser, String name) throws Exception {
        browser.executeScript("window.scrollTo(0, 0)");
        save(browser, name);
    }

    private static void save(ChromeDriver browser, String name) throws Exception {
        Files.createDirectories(SCREENSHOTS);
        Files.write(SCREENSHOTS.resolve(name + ".png"), browser.getScreenshotAs(OutputType.BYTES));
    }

    private static ChromeDriver browser(String chromedriver, String chromium, Path log) {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--window-size=1280,900",
            "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update");
        // Debian's chromedriver, never a driver Selenium Manager would download.
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(chromedriver))
            .usingAnyFreePort().withLogFile(log.toFile()).build();
        return new ChromeDriver(service, options);
    }

    private static String archivedId(String base, String token, String subject) throws Exception {
        JsonNode page = JSON.readTree(get(base + "/mailhook/messages?subject=" + subject, token).body());
        return page.path("messages").path(0).path("id").asText();
    }

    private static JsonNode releasedDelivery(RecordingReceiver receiver, String subject) throws Exception {
        for (RecordingReceiver.Delivery delivery : receiver.deliveries()) {
            JsonNode body = JSON.readTree(delivery.body());
            if (subject.equals(body.path("subject").asText()) && body.path("security").path("released").asBoolean()) {
                return body;
            }
        }
        return null;
    }

    private static List<String> bodies(RecordingReceiver receiver) {
        return receiver.deliveries().stream().map(RecordingReceiver.Delivery::body).toList();
    }

    private static void smtp(ServerProcess server, String to, String message) throws Exception {
        assertThat(SmtpClient.send(server.smtpPort(), "sender@example.org", to, message)).startsWith("250");
    }

    private static HttpResponse<String> get(String url, String token) throws Exception {
        return send(url, "GET", "", token, null);
    }

    private static HttpResponse<String> send(String base, String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A program on the PATH (Debian's /usr/bin), which .ci/setup/chromium.sh installs. */
    private static String executable(String name) {
        for (String folder : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(folder, name))) {
                return Path.of(folder, name).toString();
            }
        }
        String missing = "no " + name + " on the PATH: run .ci/setup/chromium.sh";
        if (Boolean.getBoolean("mailhook.services.required")) {
            throw new IllegalStateException(missing);
        }
        Assumptions.abort(missing);
        return null;
    }
}
