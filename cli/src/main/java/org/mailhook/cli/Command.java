package org.mailhook.cli;

import java.util.List;

/**
 * One {@code mailhook} subcommand. Exit codes are shared by all commands: {@link #OK} on success,
 * {@link #FINDING} when the command ran and found a problem (a dangerous attachment, a failed check),
 * {@link #USAGE} for bad usage or unreadable input (thrown as {@link UsageException}).
 */
public interface Command {
    int OK = 0;
    int FINDING = 1;
    int USAGE = 2;

    /** The word after {@code mailhook}, e.g. {@code parse}. */
    String name();

    /** One line for the command list. */
    String summary();

    /** The full {@code --help} text: synopsis, options, examples. */
    String help();

    /**
     * Runs the command. Parse {@code argv} with {@link Args#parse} and the command's own options;
     * throw {@link UsageException} for bad usage or unreadable input.
     */
    int run(List<String> argv, Console console) throws Exception;
}
