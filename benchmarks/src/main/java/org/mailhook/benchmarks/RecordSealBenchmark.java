package org.mailhook.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;

import org.mailhook.crypto.AesGcm;
import org.mailhook.crypto.KeyFiles;
import org.mailhook.store.RecordFiles;
import org.mailhook.store.RecordKeys;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What sealing records costs: AES-256-GCM alone on a mail-sized body ({@code seal}, {@code open}), and a
 * whole record written and read through {@link RecordFiles} without fsync, plain against sealed, in a
 * temporary directory ({@code -Djava.io.tmpdir=/dev/shm} keeps the disk out of it). Average time per
 * operation, single-threaded.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "-Xmx1g")
@State(Scope.Thread)
public class RecordSealBenchmark {
    private static final byte[] HEAD = new byte[1024];

    /** Bytes of MIME per record: 20 KB, a typical mail, and 1 MB, one with an attachment. */
    @Param({"20480", "1048576"})
    public int size;

    private byte[] body;
    private byte[] sealed;
    private byte[] out;
    private byte[] nonce;
    private SecretKey key;
    private final Cipher cipher = AesGcm.cipher();
    private Path directory;
    private RecordFiles plain;
    private RecordFiles sealedFiles;

    @Setup
    public void setUp() throws IOException {
        SecureRandom random = new SecureRandom();
        body = new byte[size];
        random.nextBytes(body);
        byte[] keyFile = Base64.getUrlDecoder().decode(KeyFiles.generate(random));
        key = AesGcm.key(KeyFiles.derive(keyFile, "benchmark"));
        nonce = AesGcm.nonce(random);
        sealed = new byte[size + AesGcm.TAG_BYTES];
        out = new byte[size + AesGcm.TAG_BYTES];
        AesGcm.seal(cipher, key, nonce, HEAD, body, 0, size, sealed, 0);
        directory = Files.createTempDirectory("record-seal-benchmark");
        plain = RecordFiles.open(directory.resolve("plain"), false);
        sealedFiles = RecordFiles.open(directory.resolve("sealed"), false, Optional.of(RecordKeys.of(List.of(keyFile))));
        plain.put("m", HEAD, body);
        sealedFiles.put("m", HEAD, body);
    }

    @TearDown
    public void tearDown() throws IOException {
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }

    @Benchmark
    public int seal() {
        // JDK's GCM refuses to encrypt twice under one nonce: a counter instead of SecureRandom keeps the RNG out of the figure
        nonce[0]++;
        nonce[1] += nonce[0] == 0 ? 1 : 0;
        return AesGcm.seal(cipher, key, nonce, HEAD, body, 0, size, out, 0);
    }

    @Benchmark
    public byte[] open() throws AEADBadTagException {
        return AesGcm.open(cipher, key, nonce, HEAD, sealed, 0, sealed.length);
    }

    @Benchmark
    public void putPlain() throws IOException {
        plain.put("m", HEAD, body);
    }

    @Benchmark
    public void putSealed() throws IOException {
        sealedFiles.put("m", HEAD, body);
    }

    @Benchmark
    public Object getPlain() throws IOException {
        return plain.get("m").orElseThrow();
    }

    @Benchmark
    public Object getSealed() throws IOException {
        return sealedFiles.get("m").orElseThrow();
    }
}
