package org.mailhook.json;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * Real mails damaged the way transfers damage them (cut short, bytes flipped, lines dropped or repeated):
 * every variant still gives a schema-valid document whose raw size is the input's, and never an exception.
 * Seeded, so a failure names a reproducible variant.
 */
class DamagedMailTest {

    @Test
    void damagedMailNeverThrows() throws IOException {
        MessageParser parser = new MessageParser(ParseOptions.defaults().withMaxParts(200));
        Random random = new Random(20261129);
        List<Path> mails = MimeCorpus.mails("").stream().filter(p -> p.toFile().length() < 200_000).toList();
        List<String> failures = new ArrayList<>();
        int variants = 0;
        for (int i = 0; i < mails.size(); i += 3) {
            byte[] original = Files.readAllBytes(mails.get(i));
            for (int kind = 0; kind < 4; kind++) {
                byte[] damaged = damage(original, kind, random);
                variants++;
                try {
                    ParsedMessage parsed = parser.parse(new ByteArrayInputStream(damaged), Envelope.none(),
                        MessageParserTest.RECEIVED, Map.of());
                    List<String> errors = MessageSchema.errors(parsed.json());
                    long size = MimeCorpus.json(parsed).get("raw").get("size").asLong();
                    if (!errors.isEmpty() || size != damaged.length) {
                        failures.add(MimeCorpus.name(mails.get(i)) + " damage " + kind + ": " + errors + " size " + size);
                    }
                } catch (RuntimeException | StackOverflowError e) {
                    failures.add(MimeCorpus.name(mails.get(i)) + " damage " + kind + ": threw " + e);
                }
            }
        }
        System.out.printf("[damaged mail] %d damaged variants of %d corpus mails parsed%n", variants, (mails.size() + 2) / 3);
        assertThat(variants).isGreaterThan(400);
        assertThat(failures).isEmpty();
    }

    /** Cut, flipped and spliced Outlook .msg files, bare and attached: documents with errors, never a throw. */
    @Test
    void damagedOutlookMsgNeverThrows() throws IOException {
        MessageParser parser = new MessageParser(ParseOptions.defaults());
        Random random = new Random(20261130);
        List<String> failures = new ArrayList<>();
        int variants = 0;
        for (String relative : List.of("apache-poi/outlook-msg/attachment_msg_pdf.msg", "apache-poi/outlook-msg/cyrillic_message.msg",
            "apache-poi/outlook-msg/quick.msg", "apache-poi/outlook-msg/simple_test_msg.msg", "spamscope/mail_outlook_1")) {
            byte[] original = Files.readAllBytes(MimeCorpus.root().resolve(relative));
            for (int n = 0; n < 40; n++) {
                byte[] damaged = damage(original, n % 4, random);
                variants++;
                try {
                    ParsedMessage bare = parser.parseOutlook(new ByteArrayInputStream(damaged), Envelope.none(),
                        MessageParserTest.RECEIVED, Map.of());
                    ParsedMessage attached = parser.parse(new ByteArrayInputStream(
                        MimeCorpus.mailWithAttachment("application/vnd.ms-outlook", damaged)), Envelope.none(),
                        MessageParserTest.RECEIVED, Map.of());
                    List<String> errors = new ArrayList<>(MessageSchema.errors(bare.json()));
                    errors.addAll(MessageSchema.errors(attached.json()));
                    if (!errors.isEmpty() || MimeCorpus.json(bare).get("raw").get("size").asLong() != damaged.length) {
                        failures.add(relative + " variant " + n + ": " + errors);
                    }
                } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
                    failures.add(relative + " variant " + n + ": threw " + e);
                }
            }
        }
        System.out.printf("[damaged mail] %d damaged variants of 5 Outlook .msg files parsed, bare and attached%n", variants);
        assertThat(failures).isEmpty();
    }

    private static byte[] damage(byte[] mail, int kind, Random random) {
        if (mail.length < 2) {
            return mail;
        }
        switch (kind) {
            case 0 -> {
                return Arrays.copyOf(mail, random.nextInt(mail.length));
            }
            case 1 -> {
                byte[] flipped = mail.clone();
                for (int n = 0; n < 1 + mail.length / 200; n++) {
                    flipped[random.nextInt(flipped.length)] = (byte) random.nextInt(256);
                }
                return flipped;
            }
            default -> {
                // drop (kind 2) or repeat (kind 3) a random stretch of lines, boundaries included
                int from = random.nextInt(mail.length);
                int to = Math.min(mail.length, from + 1 + random.nextInt(Math.max(1, mail.length / 4)));
                byte[] head = Arrays.copyOfRange(mail, 0, kind == 2 ? from : to);
                byte[] tail = Arrays.copyOfRange(mail, kind == 2 ? to : from, mail.length);
                byte[] result = Arrays.copyOf(head, head.length + tail.length);
                System.arraycopy(tail, 0, result, head.length, tail.length);
                return result;
            }
        }
    }
}
