package org.mailhook.attachments;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.mailhook.testing.Corpus;

/**
 * Engines never throw for bad mail: valid containers of every kind the classifier opens, corrupted
 * at random (seeded, so a failure is reproducible), always come back as a classification.
 */
class MalformedInputTest {
    private static final long SEED = 20261129L;
    private static final int MUTANTS_PER_SAMPLE = 60;

    @Test
    void corruptedContainersNeverThrow() throws Exception {
        List<byte[]> samples = new ArrayList<>(List.of(
            Samples.zip("a/b.exe", Samples.peExecutable()), Samples.encryptedZip("x.txt", Samples.text("hello")),
            Samples.docmWithVbaProject(), Samples.oleWithStorages("Macros", "VBA"), Samples.msiInstaller(),
            Samples.pdfWithJavaScript(true), Samples.gzip(Samples.tar("run.sh", Samples.text("#!/bin/sh\n"))),
            Samples.nestedBomb(2 * 1024 * 1024, 4, 2)));
        samples.add(Files.readAllBytes(Corpus.path("mime/apache-poi/tnef/quick-winmail.dat")));
        samples.add(Files.readAllBytes(Corpus.path("mime/apache-poi/outlook-msg/attachment_msg_pdf.msg")));
        ContentClassifier classifier = new ContentClassifier(AttachmentPolicy.defaults());
        Random random = new Random(SEED);
        int runs = 0;
        long start = System.nanoTime();
        for (byte[] sample : samples) {
            for (int i = 0; i < MUTANTS_PER_SAMPLE; i++) {
                byte[] mutant = mutate(sample, random);
                Classification result = classifier.classify("sample.bin", null, mutant);
                assertThat(result.verdict()).isNotNull();
                runs++;
            }
        }
        System.out.printf("Malformed input: %d corrupted containers classified without an exception in %d ms%n",
            runs, (System.nanoTime() - start) / 1_000_000);
    }

    @Test
    void corruptedMessagesNeverThrow() {
        byte[] mail = TestMails.mail("fuzz", TestMails.multipart("mixed", "b1", TestMails.textPart("hi"),
            TestMails.attachment("application/zip", "a.zip", Samples.zip("a.exe", Samples.peExecutable())),
            TestMails.attachedMessage("Subject: inner\r\n" + TestMails.multipart("mixed", "b2", TestMails.textPart("x")))));
        MessageScanner scanner = new MessageScanner(new ContentClassifier(AttachmentPolicy.defaults()));
        Random random = new Random(SEED);
        for (int i = 0; i < 200; i++) {
            assertThat(scanner.scan(mutate(mail, random)).verdict()).isNotNull();
        }
    }

    /** Flips bytes, truncates, or duplicates a slice. */
    private static byte[] mutate(byte[] sample, Random random) {
        byte[] mutant = Arrays.copyOf(sample, sample.length);
        switch (random.nextInt(3)) {
            case 0 -> {
                for (int flips = 1 + random.nextInt(8); flips > 0; flips--) {
                    mutant[random.nextInt(mutant.length)] = (byte) random.nextInt(256);
                }
            }
            case 1 -> mutant = Arrays.copyOf(mutant, 1 + random.nextInt(mutant.length));
            default -> {
                int from = random.nextInt(mutant.length);
                int length = random.nextInt(Math.min(4096, mutant.length - from) + 1);
                byte[] grown = Arrays.copyOf(mutant, mutant.length + length);
                System.arraycopy(mutant, from, grown, mutant.length, length);
                mutant = grown;
            }
        }
        return mutant;
    }
}
