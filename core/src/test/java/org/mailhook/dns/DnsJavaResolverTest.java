package org.mailhook.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

import com.google.common.net.InetAddresses;

/** dnsjava against a tiny UDP server on loopback that answers by name, so no real DNS is needed. */
class DnsJavaResolverTest {
    private final DatagramSocket socket;
    private final Thread server;
    private final java.util.concurrent.atomic.AtomicInteger queries = new java.util.concurrent.atomic.AtomicInteger();

    DnsJavaResolverTest() throws Exception {
        socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        server = new Thread(this::serve, "fake-dns");
        server.setDaemon(true);
        server.start();
    }

    @AfterEach
    void stop() {
        socket.close();
    }

    private void serve() {
        byte[] buffer = new byte[4096];
        while (!socket.isClosed()) {
            try {
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                socket.receive(packet);
                Message query = new Message(java.util.Arrays.copyOf(packet.getData(), packet.getLength()));
                Record question = query.getQuestion();
                queries.incrementAndGet();
                String name = question.getName().toString();
                if (name.startsWith("silent.")) {
                    continue;
                }
                Message reply = new Message(query.getHeader().getID());
                reply.getHeader().setFlag(Flags.QR);
                reply.getHeader().setFlag(Flags.RA);
                reply.addRecord(question, Section.QUESTION);
                Name owner = question.getName();
                switch (name) {
                    case "example.com." -> {
                        if (question.getType() == Type.TXT) {
                            reply.addRecord(new TXTRecord(owner, DClass.IN, 60, java.util.List.of("v=spf1 ", "-all")),
                                Section.ANSWER);
                        } else if (question.getType() == Type.MX) {
                            reply.addRecord(new MXRecord(owner, DClass.IN, 60, 10, Name.fromString("mx.example.com.")),
                                Section.ANSWER);
                        } else if (question.getType() == Type.A) {
                            reply.addRecord(new ARecord(owner, DClass.IN, 60, InetAddresses.forString("192.0.2.1")),
                                Section.ANSWER);
                        }
                    }
                    case "alias.example.com." -> reply.addRecord(new CNAMERecord(owner, DClass.IN, 60,
                        Name.fromString("example.com.")), Section.ANSWER);
                    case "dkim._domainkey.example.com." -> reply.addRecord(new TXTRecord(owner, DClass.IN, 60,
                        java.util.List.of("v=DKIM1; k=rsa; p=" + "A".repeat(230), "B".repeat(142))), Section.ANSWER);
                    case "broken.example.com." -> reply.getHeader().setRcode(Rcode.SERVFAIL);
                    default -> {
                        reply.getHeader().setRcode(Rcode.NXDOMAIN);
                        // As a real server answers: the zone's SOA, whose minimum is the negative TTL (RFC 2308).
                        reply.addRecord(new org.xbill.DNS.SOARecord(Name.fromString("example.com."), DClass.IN, 60,
                            Name.fromString("ns.example.com."), Name.fromString("hostmaster.example.com."), 1, 3600, 600,
                            86400, 60), Section.AUTHORITY);
                    }
                }
                byte[] wire = reply.toWire();
                socket.send(new DatagramPacket(wire, wire.length, packet.getSocketAddress()));
            } catch (Exception e) {
                return;
            }
        }
    }

    private DnsJavaResolver resolver() throws Exception {
        return new DnsJavaResolver(Duration.ofMillis(500), "127.0.0.1:" + socket.getLocalPort());
    }

    @Test
    void foundRecordsAreConverted() throws Exception {
        DnsJavaResolver resolver = resolver();
        assertThat(resolver.txt("example.com").records()).containsExactly("v=spf1 -all");
        assertThat(resolver.mx("example.com").records()).containsExactly(new MxRecord(10, "mx.example.com"));
        assertThat(resolver.a("example.com").records()).containsExactly(InetAddresses.forString("192.0.2.1"));
    }

    @Test
    void characterStringsOfOneRecordAreJoinedAsIs() throws Exception {
        // A 2048-bit DKIM key never fits one 255-octet string: RFC 6376 3.6.2.2 joins them without separator.
        assertThat(resolver().txt("dkim._domainkey.example.com").records())
            .containsExactly("v=DKIM1; k=rsa; p=" + "A".repeat(230) + "B".repeat(142));
    }

    @Test
    void cnamesAreFollowed() throws Exception {
        DnsJavaResolver resolver = resolver();
        assertThat(resolver.txt("alias.example.com").records()).containsExactly("v=spf1 -all");
        assertThat(resolver.cname("alias.example.com").records()).containsExactly("example.com");
    }

    @Test
    void cachedAnswersAreServedForTheirTtlButFailuresAreNot() throws Exception {
        DnsJavaResolver resolver = new DnsJavaResolver(Duration.ofMillis(500), 100, "127.0.0.1:" + socket.getLocalPort());
        assertThat(resolver.txt("example.com").records()).containsExactly("v=spf1 -all");
        assertThat(resolver.txt("absent.example.com").status()).isEqualTo(DnsAnswer.Status.NOT_FOUND);
        assertThat(resolver.txt("broken.example.com").isTempFailure()).isTrue();
        int asked = queries.get();
        assertThat(resolver.txt("example.com").records()).containsExactly("v=spf1 -all");
        assertThat(resolver.txt("absent.example.com").status()).isEqualTo(DnsAnswer.Status.NOT_FOUND);
        assertThat(queries.get()).as("positive and negative answers come from the cache").isEqualTo(asked);
        assertThat(resolver.txt("broken.example.com").isTempFailure()).isTrue();
        assertThat(queries.get()).as("a server failure is asked again").isGreaterThan(asked);
    }

    @Test
    void nxdomainAndNoDataAreNotFound() throws Exception {
        DnsJavaResolver resolver = resolver();
        assertThat(resolver.txt("absent.example.com").status()).isEqualTo(DnsAnswer.Status.NOT_FOUND);
        assertThat(resolver.aaaa("example.com").status()).isEqualTo(DnsAnswer.Status.NOT_FOUND);
    }

    @Test
    void servfailAndSilenceAreTemporaryFailures() throws Exception {
        DnsJavaResolver resolver = resolver();
        assertThat(resolver.txt("broken.example.com").isTempFailure()).isTrue();
        long start = System.nanoTime();
        assertThat(resolver.txt("silent.example.com").isTempFailure()).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }
}
