package org.mailhook.cli;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Entry point of the {@code mailhook} command. Each subcommand is a {@link Command}; add new ones to
 * {@link #COMMANDS}.
 */
public final class Mailhook {

    private static final List<Command> COMMANDS = List.of(
        new RunCommand(),
        new ReceiveCommand(),
        new DoctorCommand(),
        new ScanCommand(),
        new ParseCommand(),
        new VerifyCommand(),
        new ReparseCommand());

    private Mailhook() {
    }

    public static void main(String[] argv) {
        System.exit(run(argv, Console.system()));
    }

    public static int run(String[] argv, Console console) {
        Map<String, Command> commands = new LinkedHashMap<>();
        COMMANDS.forEach(command -> commands.put(command.name(), command));
        if (argv.length == 0 || argv[0].equals("--help") || argv[0].equals("-h") || argv[0].equals("help")) {
            if (argv.length > 1 && commands.containsKey(argv[1])) {
                console.out().println(commands.get(argv[1]).help());
                return Command.OK;
            }
            console.out().println(overview(commands));
            return argv.length == 0 ? Command.USAGE : Command.OK;
        }
        Command command = commands.get(argv[0]);
        if (command == null) {
            console.err().println("mailhook: unknown command '" + argv[0] + "' (try: mailhook --help)");
            return Command.USAGE;
        }
        List<String> rest = Arrays.asList(argv).subList(1, argv.length);
        if (rest.contains("--help") || rest.contains("-h")) {
            console.out().println(command.help());
            return Command.OK;
        }
        try {
            return command.run(rest, console);
        } catch (UsageException e) {
            console.err().println("mailhook " + command.name() + ": " + e.getMessage());
            return Command.USAGE;
        } catch (Exception e) {
            console.err().println("mailhook " + command.name() + ": " + e);
            return Command.FINDING;
        }
    }

    private static String overview(Map<String, Command> commands) {
        StringBuilder text = new StringBuilder("Usage: mailhook COMMAND [OPTIONS]\n\nCommands:\n");
        commands.values().forEach(c -> text.append(String.format("  %-10s %s%n", c.name(), c.summary())));
        text.append("\nmailhook COMMAND --help shows a command's options.\n")
            .append("Exit codes: 0 success, 1 a finding or failure, 2 bad usage or unreadable input.");
        return text.toString();
    }
}
