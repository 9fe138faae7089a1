package org.mailhook.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code mailhook reparse} against a loopback stand-in for WebAdmin: what it asks for, and what it prints. */
class ReparseCommandTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final Console console = new Console(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private HttpServer webadmin;
    private int status = 200;

    @BeforeEach
    void start() throws Exception {
        webadmin = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        webadmin.createContext("/", exchange -> {
            // decoded, as WebAdmin reads them
            requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath()
                + (exchange.getRequestURI().getQuery() == null ? "" : "?" + exchange.getRequestURI().getQuery())
                + " " + exchange.getRequestHeaders().getFirst("Authorization"));
            byte[] body = (status == 200 ? "{\"revision\":2,\"changed\":true}" : "{\"statusCode\":404}").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        webadmin.start();
    }

    @AfterEach
    void stop() {
        webadmin.stop(0);
    }

    private String url() {
        return "http://127.0.0.1:" + webadmin.getAddress().getPort();
    }

    @Test
    void oneMailIsPostedToItsReparseRouteWithTheToken() {
        int exit = Mailhook.run(new String[] {"reparse", "mh1_0123456789abcdef0123456789abcdef", "--reverify", "--url", url() + "/",
            "--token", "jwt.x.y"}, console);

        assertThat(exit).isEqualTo(Command.OK);
        assertThat(requests).containsExactly("POST /mailhook/messages/mh1_0123456789abcdef0123456789abcdef/reparse?reverify=true Bearer jwt.x.y");
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("\"revision\":2");
    }

    @Test
    void aRangeAndSeveralIdsGoToTheSelectionRoute() {
        assertThat(Mailhook.run(new String[] {"reparse", "--since", "2026-12-01T00:00:00Z", "--until", "2026-12-02T00:00:00Z",
            "--url", url()}, console)).isEqualTo(Command.OK);
        assertThat(Mailhook.run(new String[] {"reparse", "m1", "m2", "--url", url()}, console)).isEqualTo(Command.OK);

        assertThat(requests).containsExactly(
            "POST /mailhook/messages/reparse?since=2026-12-01T00:00:00Z&until=2026-12-02T00:00:00Z null",
            "POST /mailhook/messages/reparse?ids=m1,m2 null");
    }

    @Test
    void aRefusalIsExitOneWithTheAnswerOnStderrAndNothingIsUsage() {
        status = 404;
        assertThat(Mailhook.run(new String[] {"reparse", "m1", "--url", url()}, console)).isEqualTo(Command.FINDING);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("404");

        assertThat(Mailhook.run(new String[] {"reparse", "--url", url()}, console)).isEqualTo(Command.USAGE);
        assertThat(requests).hasSize(1);
    }
}
