package org.mailhook.mailets;

import java.util.Optional;

import javax.inject.Singleton;

import org.mailhook.json.MessageParser;
import org.mailhook.reparse.Reparser;

/**
 * The steps of this server's pipeline as its mailets were configured, for a reparse
 * (docs/operations.md#reparse) to run them again with the same parameters: ToJson's parser, and the
 * verdict steps of QuarantineAttachments, ScoreSpam (when enabled) and Authenticate. Each mailet
 * registers its own at {@code init}, so mailetcontainer.xml stays the one place they are configured;
 * with a mailet used twice, the one initialised last counts. One per server: Guice makes it a singleton
 * of James' injector, which the mailets, the reparse routes and the bulk reparse share.
 */
@Singleton
public class PipelineSteps {
    private volatile MessageParser parser;
    private volatile Reparser.Step classify;
    private volatile Reparser.Step score;
    private volatile Reparser.Step verify;

    void parser(MessageParser value) {
        parser = value;
    }

    void classify(Reparser.Step value) {
        classify = value;
    }

    void score(Reparser.Step value) {
        score = value;
    }

    void verify(Reparser.Step value) {
        verify = value;
    }

    /** ToJson's parser; empty while no ToJson mailet runs in this server. */
    public Optional<MessageParser> parser() {
        return Optional.ofNullable(parser);
    }

    public Reparser.Steps steps() {
        return new Reparser.Steps(Optional.ofNullable(classify), Optional.ofNullable(score), Optional.ofNullable(verify));
    }
}
