package org.mailhook.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

class TimeoutResolverTest {

    /** Answers TXT after a long pause and throws for A, like a stuck or broken resolver. */
    private static final DnsResolver STUCK = new DnsResolver() {
        @Override
        public DnsAnswer<String> txt(String name) {
            try {
                Thread.sleep(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return DnsAnswer.found(List.of("late"));
        }

        @Override
        public DnsAnswer<InetAddress> a(String name) {
            throw new IllegalStateException("resolver broke");
        }

        @Override
        public DnsAnswer<InetAddress> aaaa(String name) {
            return DnsAnswer.notFound();
        }

        @Override
        public DnsAnswer<MxRecord> mx(String name) {
            return DnsAnswer.found(List.of(new MxRecord(1, "mx.example.com")));
        }

        @Override
        public DnsAnswer<String> ptr(InetAddress address) {
            return DnsAnswer.notFound();
        }

        @Override
        public DnsAnswer<String> cname(String name) {
            return DnsAnswer.notFound();
        }
    };

    @Test
    void slowOrFailingLookupsAreTemporaryFailures() {
        TimeoutResolver resolver = new TimeoutResolver(STUCK, Duration.ofMillis(100));
        assertThat(resolver.txt("example.com").isTempFailure()).isTrue();
        assertThat(resolver.a("example.com").isTempFailure()).isTrue();
    }

    @Test
    void promptAnswersPassThrough() {
        TimeoutResolver resolver = new TimeoutResolver(STUCK, Duration.ofMillis(1_000));
        assertThat(resolver.mx("example.com").records()).containsExactly(new MxRecord(1, "mx.example.com"));
        assertThat(resolver.aaaa("example.com").status()).isEqualTo(DnsAnswer.Status.NOT_FOUND);
    }
}
