package org.mailhook.auth.arc;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mailhook.auth.AuthResult;
import org.mailhook.auth.RawMessage;
import org.mailhook.auth.dkim.DkimResult;
import org.mailhook.auth.dkim.DkimVectors;
import org.mailhook.auth.dkim.DkimVerifier;
import org.mailhook.dns.JsonFileResolver;
import org.mailhook.testing.Corpus;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Real ARC-sealed list mail from stalwart: the chain passes and at least one DKIM signature too. */
class StalwartArcTest {

    @ParameterizedTest
    @ValueSource(strings = {"001.txt", "002.txt"})
    void realListMailHasAPassingChain(String name) throws Exception {
        DkimVectors.Vector vector = DkimVectors.stalwart(Corpus.path("auth/arc/stalwart/" + name));
        RawMessage message = RawMessage.parse(vector.message());
        ArcResult arc = new ArcVerifier(vector.dns()).verify(message);
        assertThat(arc.result()).as(arc.reason()).isEqualTo(AuthResult.PASS);
        assertThat(arc.sets()).hasSize(arc.instances());
        assertThat(arc.oldestPass()).isBetween(1, arc.instances());
        assertThat(arc.oldestPass()).isBetween(1, arc.instances());
        assertThat(new DkimVerifier(vector.dns(), Clock.fixed(Instant.ofEpochSecond(1_667_843_664L), ZoneOffset.UTC))
            .verify(message)).extracting(DkimResult::result).contains(AuthResult.PASS);
    }

    @Test
    void keyLookupOutageIsTemperror() throws Exception {
        java.nio.file.Path file = Corpus.path("auth/arc/stalwart/002.txt");
        String text = java.nio.file.Files.readString(file, java.nio.charset.StandardCharsets.ISO_8859_1);
        ObjectNode zone = new ObjectMapper().createObjectNode();
        for (String line : text.substring(0, text.indexOf("\n\n")).split("\n")) {
            zone.putObject(line.split(" ", 2)[0]).put("TIMEOUT", true);
        }
        RawMessage message = RawMessage.parse(DkimVectors.stalwart(file).message());
        ArcResult arc = new ArcVerifier(new JsonFileResolver(zone)).verify(message);
        assertThat(arc.result()).as(arc.reason()).isEqualTo(AuthResult.TEMPERROR);
    }
}
