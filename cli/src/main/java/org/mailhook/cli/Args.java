package org.mailhook.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Parsed command line: {@code --name value} options, {@code --flag} switches and positionals.
 * A command declares which options take a value and which are switches; anything else is a
 * usage error, so typos never pass silently.
 */
public final class Args {
    private final Map<String, List<String>> options;
    private final Set<String> flags;
    private final List<String> positionals;

    private Args(Map<String, List<String>> options, Set<String> flags, List<String> positionals) {
        this.options = options;
        this.flags = flags;
        this.positionals = positionals;
    }

    /**
     * @param valued options that take a value (without the leading dashes), may repeat
     * @param switches options that take no value
     */
    public static Args parse(List<String> argv, Set<String> valued, Set<String> switches) throws UsageException {
        Map<String, List<String>> options = new LinkedHashMap<>();
        Set<String> flags = new java.util.LinkedHashSet<>();
        List<String> positionals = new ArrayList<>();
        boolean onlyPositionals = false;
        for (int i = 0; i < argv.size(); i++) {
            String arg = argv.get(i);
            if (onlyPositionals || !arg.startsWith("--") || arg.equals("-")) {
                positionals.add(arg);
                continue;
            }
            if (arg.equals("--")) {
                onlyPositionals = true;
                continue;
            }
            String name = arg.substring(2);
            String inlineValue = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                inlineValue = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (switches.contains(name) && inlineValue == null) {
                flags.add(name);
            } else if (valued.contains(name)) {
                String value = inlineValue;
                if (value == null) {
                    if (i + 1 >= argv.size()) {
                        throw new UsageException("option --" + name + " needs a value");
                    }
                    value = argv.get(++i);
                }
                options.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
            } else {
                throw new UsageException("unknown option --" + name);
            }
        }
        return new Args(options, flags, positionals);
    }

    public boolean has(String flag) {
        return flags.contains(flag);
    }

    public Optional<String> option(String name) {
        List<String> values = options.get(name);
        return values == null ? Optional.empty() : Optional.of(values.get(values.size() - 1));
    }

    public List<String> options(String name) {
        return options.getOrDefault(name, List.of());
    }

    public String required(String name) throws UsageException {
        return option(name).orElseThrow(() -> new UsageException("missing required option --" + name));
    }

    public int intOption(String name, int defaultValue) throws UsageException {
        Optional<String> value = option(name);
        if (value.isEmpty()) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(value.get());
        } catch (NumberFormatException e) {
            throw new UsageException("option --" + name + " must be a whole number, got '" + value.get() + "'");
        }
    }

    public List<String> positionals() {
        return positionals;
    }
}
