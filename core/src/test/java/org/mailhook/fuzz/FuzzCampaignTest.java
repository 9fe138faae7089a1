package org.mailhook.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.mailhook.attachments.AttachmentPolicy;
import org.mailhook.attachments.ContentClassifier;
import org.mailhook.attachments.MessageScanner;
import org.mailhook.auth.AuthenticationReport;
import org.mailhook.auth.Authenticator;
import org.mailhook.auth.results.ForgedResults;
import org.mailhook.dns.DnsAnswer;
import org.mailhook.dns.DnsResolver;
import org.mailhook.dns.JsonFileResolver;
import org.mailhook.dns.MxRecord;
import org.mailhook.json.Envelope;
import org.mailhook.json.MessageParser;
import org.mailhook.json.MessageSchema;
import org.mailhook.json.ParseOptions;
import org.mailhook.testing.Corpus;
import org.mailhook.webhook.WebhookSecret;
import org.mailhook.webhook.WebhookSignature;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The fuzz campaign of the security issue: mutated corpus mail through the MIME parser and the
 * attachment scanner, mutated signed mail and mutated DNS records (DKIM keys, SPF, DMARC) through the
 * authentication front door, mutated Authentication-Results headers through the forgery check, and
 * mutated signature headers through the webhook verifier. Every execution must end without an uncaught
 * exception; every parsed mail must give a schema-valid document whose {@code raw.size} is the input's
 * size (it is delivered with its problems and raw MIME); no mutated webhook may verify.
 *
 * <p>Short in the normal build; the long campaign is a property away (docs/security.md):
 * {@code -Dmailhook.fuzz.executions=200000 -Dmailhook.fuzz.seed=N}. A finding's input is written to
 * {@code target/fuzz-findings/} and the test fails naming target, seed and execution.
 */
class FuzzCampaignTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int EXECUTIONS = Integer.getInteger("mailhook.fuzz.executions", 1500);
    private static final long SEED = Long.getLong("mailhook.fuzz.seed", 20261207L);
    private static final int MAX_INPUT = 256 * 1024;

    @Test
    void mimeParserDeliversEveryMutatedMail() {
        List<byte[]> mails = corpusMails();
        MessageParser parser = new MessageParser(ParseOptions.defaults());
        campaign("mime-parser", mails, (input, random) -> {
            JsonNode document = JSON.readTree(parser.parse(new ByteArrayInputStream(input), Envelope.none(),
                Instant.EPOCH, Map.of()).json());
            List<String> errors = MessageSchema.errors(document);
            if (!errors.isEmpty()) {
                return "document not schema-valid: " + errors;
            }
            long size = document.path("raw").path("size").asLong(-1);
            return size == input.length ? null : "raw.size " + size + " for " + input.length + " bytes";
        });
    }

    @Test
    void attachmentScannerReadsEveryMutatedMail() {
        MessageScanner scanner = new MessageScanner(new ContentClassifier(AttachmentPolicy.defaults()));
        campaign("attachment-scanner", corpusMails(), (input, random) ->
            scanner.scan(new ByteArrayInputStream(input)) == null ? "no scan report" : null);
    }

    @Test
    void authenticationAnswersEveryMutatedMailAndRecord() throws IOException {
        Path samples = Corpus.root().resolve("auth/dkim/generated");
        List<byte[]> mails = new ArrayList<>();
        List<JsonFileResolver> zones = new ArrayList<>();
        try (var files = Files.list(samples)) {
            for (Path mail : files.filter(f -> f.toString().endsWith(".eml")).sorted().toList()) {
                mails.add(Files.readAllBytes(mail));
                zones.add(JsonFileResolver.read(Path.of(mail.toString().replace(".eml", ".dns.json"))));
            }
        }
        assertThat(mails).isNotEmpty();
        InetAddress client = InetAddress.getByName("127.0.0.1");
        campaign("authentication", mails, (input, random) -> {
            DnsResolver dns = new MutatingResolver(zones.get(random.nextInt(zones.size())), new Mutator(random), random);
            AuthenticationReport report = new Authenticator(dns, Clock.systemUTC(), random, "mx.fuzz.test", Set.of("example.com"))
                .authenticate(input, client, "mail.example.com", "sender@example.com");
            // the forgery check reads what senders write, so it gets hostile headers too
            ForgedResults.claims(new Mutator(random).mutate(report.authenticationResults()), "mx.fuzz.test");
            return report.authenticationResults().startsWith("mx.fuzz.test") ? null
                : "no Authentication-Results for this server: " + report.authenticationResults();
        });
    }

    @Test
    void webhookVerifierRefusesEveryMutatedSignature() {
        WebhookSecret secret = WebhookSecret.parse(WebhookSecret.generate(new SecureRandom()));
        byte[] payload = "{\"type\":\"mailhook.message.v1\",\"data\":{\"subject\":\"fuzz\"}}".getBytes(StandardCharsets.UTF_8);
        long timestamp = 1_765_000_000L;
        String id = "msg_2hQ7fuzz";
        String signature = WebhookSignature.sign(List.of(secret), id, timestamp, payload);
        Clock clock = Clock.fixed(Instant.ofEpochSecond(timestamp), ZoneOffset.UTC);
        byte[] seed = (id + "\n" + timestamp + "\n" + signature + "\n").getBytes(StandardCharsets.ISO_8859_1);
        campaign("webhook-verifier", List.of(seed), (input, random) -> {
            String[] parts = new String(input, StandardCharsets.ISO_8859_1).split("\n", -1);
            String mutatedId = parts.length > 0 ? parts[0] : null;
            String mutatedTimestamp = parts.length > 1 ? parts[1] : null;
            String mutatedSignature = parts.length > 2 ? parts[2] : null;
            byte[] mutatedPayload = random.nextInt(4) == 0 ? new Mutator(random).mutate(payload, new byte[0]) : payload;
            Optional<String> refused = WebhookSignature.verify(secret, mutatedId, mutatedTimestamp, mutatedSignature,
                mutatedPayload, clock, Duration.ofMinutes(5));
            // blanks around the timestamp are no change: the signature covers the number
            boolean changed = !id.equals(mutatedId) || !String.valueOf(timestamp).equals(mutatedTimestamp == null ? null : mutatedTimestamp.strip())
                || !java.util.Arrays.equals(payload, mutatedPayload);
            return refused.isEmpty() && changed ? "a changed id, timestamp or payload verified" : null;
        });
    }

    private interface Target {
        /** Null when the execution is right, else what is wrong; exceptions are findings too. */
        String run(byte[] input, Random random) throws Exception;
    }

    private static void campaign(String name, List<byte[]> seeds, Target target) {
        Random random = new Random(SEED ^ name.hashCode());
        Mutator mutator = new Mutator(random);
        List<String> findings = new ArrayList<>();
        for (int execution = 0; execution < EXECUTIONS && findings.size() < 10; execution++) {
            byte[] input = mutator.mutate(seeds.get(random.nextInt(seeds.size())), seeds.get(random.nextInt(seeds.size())));
            String problem;
            try {
                problem = target.run(input, new Random(random.nextLong()));
            } catch (Exception | StackOverflowError e) {
                StringWriter trace = new StringWriter();
                e.printStackTrace(new PrintWriter(trace));
                problem = trace.toString();
            }
            if (problem != null) {
                findings.add(save(name, execution, input) + ": " + problem);
            }
        }
        System.out.printf("fuzz %-20s %,d executions, seed %d, %d findings%n", name, EXECUTIONS, SEED, findings.size());
        assertThat(findings).as("fuzz target " + name + " (seed " + SEED + ")").isEmpty();
    }

    private static String save(String target, int execution, byte[] input) {
        try {
            Path dir = Files.createDirectories(Path.of("target", "fuzz-findings"));
            Path file = dir.resolve(target + "-" + SEED + "-" + execution + ".bin");
            Files.write(file, input);
            return file.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<byte[]> corpusMails() {
        List<byte[]> mails = new ArrayList<>();
        for (Path mail : Corpus.mimeMails()) {
            try {
                if (Files.size(mail) <= MAX_INPUT) {
                    mails.add(Files.readAllBytes(mail));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return mails;
    }

    /** The sample's zone, with each TXT answer mutated half of the time: hostile DKIM, SPF and DMARC records. */
    private record MutatingResolver(DnsResolver zone, Mutator mutator, Random random) implements DnsResolver {
        @Override
        public DnsAnswer<String> txt(String name) {
            DnsAnswer<String> answer = zone.txt(name);
            if (!answer.isFound() || random.nextBoolean()) {
                return answer;
            }
            return DnsAnswer.found(answer.records().stream().map(mutator::mutate).toList());
        }

        @Override
        public DnsAnswer<InetAddress> a(String name) {
            return zone.a(name);
        }

        @Override
        public DnsAnswer<InetAddress> aaaa(String name) {
            return zone.aaaa(name);
        }

        @Override
        public DnsAnswer<MxRecord> mx(String name) {
            return zone.mx(name);
        }

        @Override
        public DnsAnswer<String> ptr(InetAddress address) {
            return zone.ptr(address);
        }

        @Override
        public DnsAnswer<String> cname(String name) {
            return zone.cname(name);
        }
    }
}
