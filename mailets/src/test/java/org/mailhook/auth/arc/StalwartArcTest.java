package org.mailhook.auth.arc;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mailhook.auth.AuthResult;
import org.mailhook.auth.RawMessage;
import org.mailhook.auth.dkim.DkimResult;
import org.mailhook.auth.dkim.DkimVectors;
import org.mailhook.auth.dkim.DkimVerifier;
import org.mailhook.testing.Corpus;

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
        assertThat(new DkimVerifier(vector.dns(), Clock.fixed(Instant.ofEpochSecond(1_667_843_664L), ZoneOffset.UTC))
            .verify(message)).extracting(DkimResult::result).contains(AuthResult.PASS);
    }
}
