package org.mailhook.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.List;

import org.mailhook.json.MessageParser;
import org.mailhook.json.ParseOptions;

/**
 * The corpus figure of {@link ParseBenchmark#corpus} measured in the parsing thread's CPU time instead of
 * wall-clock time, for a shared machine: other processes on the same cores stretch wall-clock time (JMH's
 * error bars then exceed the figures) but barely change the CPU time a parse takes. Caches shared with
 * other processes still cost something, so the figures are a little below those of an idle machine.
 * Single-threaded: MB/s per core.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar -Dmailhook.corpus=DIR org.mailhook.benchmarks.ParseCpuTime [rounds]</pre>
 */
public final class ParseCpuTime {
    private ParseCpuTime() {
    }

    public static void main(String[] args) throws IOException {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 60;
        ParseBenchmark.Corpus corpus = new ParseBenchmark.Corpus();
        corpus.load();
        List<byte[]> mails = corpus.mails;
        MessageParser parser = new MessageParser(ParseOptions.defaults());
        long bytes = mails.stream().mapToLong(mail -> mail.length).sum();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        double[] rates = new double[rounds];
        for (int round = 0; round < rounds; round++) {
            long start = threads.getCurrentThreadCpuTime();
            for (byte[] mail : mails) {
                ParseBenchmark.parse(parser, mail);
            }
            rates[round] = bytes / ((threads.getCurrentThreadCpuTime() - start) / 1e9) / 1e6;
        }
        // the first third warms the JIT up
        double[] measured = Arrays.copyOfRange(rates, rounds / 3, rounds);
        Arrays.sort(measured);
        System.out.printf("corpus: %d mails, %.1f MB; %d rounds measured after %d warm-up rounds%n", mails.size(),
            bytes / 1e6, measured.length, rounds / 3);
        System.out.printf("MB/s per core (CPU time): median %.1f, best %.1f, worst %.1f; messages/s (median) %.0f%n",
            measured[measured.length / 2], measured[measured.length - 1], measured[0],
            measured[measured.length / 2] * 1e6 / bytes * mails.size());
        if (ParseCpuTime.class.desiredAssertionStatus()) {
            System.out.println("(assertions are on: figures are lower)");
        }
    }
}
