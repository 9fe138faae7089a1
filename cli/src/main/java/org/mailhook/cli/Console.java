package org.mailhook.cli;

import java.io.PrintStream;

/** Where a command writes: results on {@code out}, progress and errors on {@code err}. */
public record Console(PrintStream out, PrintStream err) {
    public static Console system() {
        return new Console(System.out, System.err);
    }
}
