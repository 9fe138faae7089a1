package org.mailhook.benchmarks;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.mailhook.json.Envelope;
import org.mailhook.json.MessageParser;
import org.mailhook.json.ParseOptions;
import org.mailhook.json.ParsedMessage;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * MIME → JSON throughput of {@link MessageParser}: the whole MIME corpus (every mail file under
 * {@code <corpus>/mime}, expected-result files left out), and each stress input on its own. The
 * {@code bytes} and {@code messages} counters are reported per second: MB/s and messages/s.
 * Single-threaded, so the figures are per core. Corpus: {@code -Dmailhook.corpus=DIR} (default ../shared/corpus).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "-Xmx1g")
public class ParseBenchmark {
    private static final Pattern EXPECTED_RESULTS = Pattern.compile(
        ".*\\.(json|xml|out|list)$|.*_decoded_.*|.*/(COPYING|README\\.txt|ARTISTIC-LICENSE\\.txt)$|.*/quick-contents/.*"
            + "|.*/mimekit/messages/body\\.\\d+\\.txt$");
    private static final Instant RECEIVED = Instant.parse("2026-11-29T07:00:00Z");

    /** Bytes and messages parsed, reported by JMH as rates. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Counters {
        public long bytes;
        public long messages;

        @Setup(Level.Iteration)
        public void reset() {
            bytes = 0;
            messages = 0;
        }
    }

    @State(Scope.Benchmark)
    public static class Corpus {
        final MessageParser parser = new MessageParser(ParseOptions.defaults());
        final List<byte[]> mails = new ArrayList<>();

        @Setup
        public void load() throws IOException {
            Path mime = root().resolve("mime");
            try (Stream<Path> files = Files.walk(mime)) {
                for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                    if (!EXPECTED_RESULTS.matcher(file.toString().replace('\\', '/')).matches()) {
                        mails.add(Files.readAllBytes(file));
                    }
                }
            }
        }
    }

    @State(Scope.Benchmark)
    public static class StressInput {
        @Param({"mailparser/stress/large_text.eml", "mailparser/stress/outofmemory.eml",
            "mailparser/stress/htmllargecallstack.eml", "mimekit/messages/stack-overflow.txt"})
        public String file;

        final MessageParser parser = new MessageParser(ParseOptions.defaults());
        byte[] mail;

        @Setup
        public void load() throws IOException {
            mail = Files.readAllBytes(root().resolve("mime").resolve(file));
        }
    }

    static Path root() {
        return Path.of(System.getProperty("mailhook.corpus", "../shared/corpus")).toAbsolutePath().normalize();
    }

    @Benchmark
    public void corpus(Corpus corpus, Counters counters, Blackhole blackhole) {
        for (byte[] mail : corpus.mails) {
            blackhole.consume(parse(corpus.parser, mail));
            counters.bytes += mail.length;
            counters.messages++;
        }
    }

    @Benchmark
    public void stress(StressInput input, Counters counters, Blackhole blackhole) {
        blackhole.consume(parse(input.parser, input.mail));
        counters.bytes += input.mail.length;
        counters.messages++;
    }

    static ParsedMessage parse(MessageParser parser, byte[] mail) {
        return parser.parse(new ByteArrayInputStream(mail), Envelope.none(), RECEIVED, Map.of());
    }
}
