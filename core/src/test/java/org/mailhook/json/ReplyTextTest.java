package org.mailhook.json;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReplyTextTest {

    @Test
    void cutsAtAWrappedAttributionLine() {
        assertThat(ReplyText.strip("Sounds good.\n\nOn Mon, 30 Nov 2026 at 09:00, Anna Example\n<anna@example.com> wrote:\n> Lunch?\n"))
            .isEqualTo("Sounds good.");
    }

    @Test
    void cutsAtOutlookSeparatorsAndHeaderBlocks() {
        assertThat(ReplyText.strip("Done.\n\n-----Original Message-----\nFrom: A\nSent: Monday\n\nOld text"))
            .isEqualTo("Done.");
        assertThat(ReplyText.strip("Done.\n\nFrom: Anna <anna@example.com>\nSent: Monday, 30 November 2026 09:00\nTo: Bob\n\nOld"))
            .isEqualTo("Done.");
        assertThat(ReplyText.strip("Erledigt.\n\nAm 30.11.2026 um 09:00 schrieb Anna <anna@example.com>:\n> Alt"))
            .isEqualTo("Erledigt.");
    }

    @Test
    void dropsTheSignatureAndTrailingQuotesButKeepsInlineAnswers() {
        assertThat(ReplyText.strip("Yes.\n\n-- \nBob\nACME Ltd\n")).isEqualTo("Yes.");
        assertThat(ReplyText.strip("Thanks!\n\n> earlier text\n> more\n")).isEqualTo("Thanks!");
        assertThat(ReplyText.strip("> Question one?\nAnswer one.\n> Question two?\nAnswer two."))
            .isEqualTo("> Question one?\nAnswer one.\n> Question two?\nAnswer two.");
    }

    @Test
    void textWithoutHistoryIsUnchanged() {
        assertThat(ReplyText.strip("Hello,\n\nplease find the invoice attached.\n")).isEqualTo("Hello,\n\nplease find the invoice attached.");
    }
}
