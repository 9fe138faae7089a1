package org.mailhook.mailets;

import java.util.Optional;

import org.mailhook.json.MessageParser;
import org.mailhook.reparse.Reparser;

/**
 * The steps of this server's pipeline as its mailets were configured, for a reparse
 * (docs/operations.md#reparse) to run them again with the same parameters: ToJson's parser, and the
 * verdict steps of QuarantineAttachments, ScoreSpam (when enabled) and Authenticate. Each mailet
 * registers its own at {@code init}, so mailetcontainer.xml stays the one place they are configured;
 * with a mailet used twice, the one initialised last counts.
 */
public final class PipelineSteps {
    private static volatile MessageParser parser;
    private static volatile Reparser.Step classify;
    private static volatile Reparser.Step score;
    private static volatile Reparser.Step verify;

    private PipelineSteps() {
    }

    static void parser(MessageParser value) {
        parser = value;
    }

    static void classify(Reparser.Step value) {
        classify = value;
    }

    static void score(Reparser.Step value) {
        score = value;
    }

    static void verify(Reparser.Step value) {
        verify = value;
    }

    /** ToJson's parser; empty while no ToJson mailet runs in this server. */
    public static Optional<MessageParser> parser() {
        return Optional.ofNullable(parser);
    }

    public static Reparser.Steps steps() {
        return new Reparser.Steps(Optional.ofNullable(classify), Optional.ofNullable(score), Optional.ofNullable(verify));
    }
}
