package org.mailhook.webhook;

import java.util.function.Function;

/** Mailet parameters as the engines read them: a blank value (e.g. from {@code ${env:X:-}}) counts as not set. */
final class Parameters {
    private Parameters() {
    }

    static Function<String, String> present(Function<String, String> parameter) {
        return key -> {
            String value = parameter.apply(key);
            return value == null || value.isBlank() ? null : value;
        };
    }
}
