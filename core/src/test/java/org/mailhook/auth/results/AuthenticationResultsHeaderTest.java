package org.mailhook.auth.results;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.mailhook.auth.AuthResult;
import org.mailhook.auth.arc.ArcResult;
import org.mailhook.auth.dkim.DkimResult;
import org.mailhook.auth.dmarc.DmarcResult;
import org.mailhook.auth.spf.SpfResult;

class AuthenticationResultsHeaderTest {

    @Test
    void writesOneResinfoPerMethod() {
        String header = AuthenticationResultsHeader.format("mx.example.net",
            new SpfResult(AuthResult.PASS, "example.com", null, "matched ip4:192.0.2.0/24 at example.com"),
            "bounce@example.com", "mail.example.com",
            List.of(new DkimResult(AuthResult.PASS, "example.com", "s1", "rsa-sha256", "@example.com", "ab/c+d", null)),
            new DmarcResult(AuthResult.PASS, "reject", "none", "example.com", "aligned DKIM pass"),
            new ArcResult(AuthResult.NONE, "no ARC sets", 0, 0, List.of()));
        assertThat(header).isEqualTo("mx.example.net;\r\n"
            + "\tspf=pass (matched ip4:192.0.2.0/24 at example.com) smtp.mailfrom=bounce@example.com;\r\n"
            + "\tdkim=pass header.d=example.com header.i=@example.com header.s=s1 header.a=rsa-sha256"
            + " header.b=\"ab/c+d\";\r\n"
            + "\tdmarc=pass (p=reject dis=none aligned DKIM pass) header.from=example.com;\r\n"
            + "\tarc=none (no ARC sets)");
    }

    @Test
    void nullSenderUsesHeloAndCommentsAreEscaped() {
        String header = AuthenticationResultsHeader.format("mx", new SpfResult(AuthResult.NONE, "h.example", null,
            "no (SPF) record"), "", "h.example", List.of(), new DmarcResult(AuthResult.NONE, null, "none", "x.example",
            null), new ArcResult(AuthResult.NONE, null, 0, 0, List.of()));
        assertThat(header).contains("spf=none (no \\(SPF\\) record) smtp.helo=h.example")
            .contains("dkim=none").contains("dmarc=none (dis=none) header.from=x.example");
    }
}
