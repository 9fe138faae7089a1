package org.mailhook.mailets;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.Optional;

import org.apache.james.core.MailAddress;
import org.apache.james.core.builder.MimeMessageBuilder;
import org.apache.james.lifecycle.api.LifecycleUtil;
import org.apache.james.mailrepository.api.MailRepository;
import org.apache.james.mailrepository.api.MailRepositoryUrl;
import org.apache.james.server.core.MailImpl;
import org.mailhook.archive.ArchiveKeys;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Not a test: fills a server's archive ({@code mailhook://var/mail/archive/} under its data directory) with
 * {@code count} small mails written straight into the shipped repository (RecordMailRepository), as the Archive mailet stores
 * them (key, {@code mailhook.id}, {@code mailhook.json}), archived over the last {@code count} seconds, for
 * the measurement in docs/console.md ("A 100,000-mail archive"). Every 1,000th mail has the subject
 * {@code needle-<n>}; the rest {@code filler-<n>}.
 *
 * <pre>
 * benchmarks/scripts/console-archive.sh fill /path/to/data 100000
 * </pre>
 */
public final class ArchiveFill {
    private ArchiveFill() {
    }

    public static void main(String[] args) throws Exception {
        Path data = Path.of(args[0]);
        int count = Integer.parseInt(args[1]);
        MailRepository archive = InMemoryMailRepositoryStore.files(data).select(MailRepositoryUrl.from(Repositories.ARCHIVE));
        ObjectMapper json = new ObjectMapper();
        SecureRandom random = new SecureRandom();
        long start = System.nanoTime();
        Instant first = Instant.now().minusSeconds(count);
        for (int i = 0; i < count; i++) {
            // one mail a second, ending now: keys sort as the Archive mailet's would
            ArchiveKeys keys = new ArchiveKeys(Clock.fixed(first.plusSeconds(i), ZoneOffset.UTC), random);
            byte[] id = new byte[16];
            random.nextBytes(id);
            String mailhookId = "mh1_" + HexFormat.of().formatHex(id);
            String subject = (i % 1000 == 0 ? "needle-" : "filler-") + i;
            String to = "box" + (i % 500) + "@inbound.localhost";
            ObjectNode message = json.createObjectNode().put("id", mailhookId).put("subject", subject)
                .put("receivedAt", first.plusSeconds(i).toString());
            message.putArray("from").addObject().put("address", "sender" + (i % 50) + "@shop" + (i % 7) + ".example");
            message.putArray("to").addObject().put("address", to);
            message.putObject("envelope").put("mailFrom", "bounce@shop" + (i % 7) + ".example").putArray("rcptTo").add(to);
            message.putObject("auth").putObject("dmarc").put("result", i % 4 == 0 ? "fail" : "pass").put("domain", "shop" + (i % 7) + ".example");
            message.put("text", "Body of mail " + i);
            MailImpl mail = MailImpl.builder().name(keys.next(Optional.of(mailhookId)))
                .sender(new MailAddress("bounce@shop" + (i % 7) + ".example")).addRecipient(to)
                .mimeMessage(MimeMessageBuilder.mimeMessageBuilder().setSubject(subject).setText("Body of mail " + i)
                    .addFrom("sender" + (i % 50) + "@shop" + (i % 7) + ".example").addToRecipient(to))
                .build();
            try {
                MailAttributes.set(mail, MailAttributes.ID, mailhookId);
                MailAttributes.set(mail, MailAttributes.JSON, message.toString());
                archive.store(mail);
            } finally {
                LifecycleUtil.dispose(mail);
            }
            if ((i + 1) % 10_000 == 0) {
                System.out.printf("%d mails archived, %.1f s%n", i + 1, (System.nanoTime() - start) / 1e9);
            }
        }
        System.out.printf("done: %d mails in %.1f s%n", count, (System.nanoTime() - start) / 1e9);
    }
}
