package org.mailhook.recipients;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;

import org.mailhook.config.ParameterValues;

/**
 * Per domain, whether a recipient must be covered by a route or a minted address to be taken. Read from
 * three parameters: {@code mode} (the default for every domain: {@code routed} or {@code catchAll};
 * default {@code routed}), {@code catchAllDomains} and {@code routedDomains} (comma- or space-separated
 * domains that take the other mode). Domains compare case-insensitively; a domain in both lists is an error.
 */
public final class RecipientPolicy {
    /** How a domain's recipients are checked. */
    public enum Mode {
        /** Only recipients a route or a minted address covers; others are unknown. */
        ROUTED("routed"),
        /** Every local part is taken (mail no route covers ends where the pipeline puts unrouted mail). */
        CATCH_ALL("catchAll");

        private final String code;

        Mode(String code) {
            this.code = code;
        }

        public String code() {
            return code;
        }
    }

    /** What to answer for one recipient. */
    public enum Decision { ACCEPT, UNKNOWN }

    private final Mode defaultMode;
    private final Map<String, Mode> byDomain;

    public RecipientPolicy(Mode defaultMode, Map<String, Mode> byDomain) {
        this.defaultMode = defaultMode;
        Map<String, Mode> lower = new LinkedHashMap<>();
        byDomain.forEach((domain, mode) -> lower.put(domain.toLowerCase(Locale.ROOT), mode));
        this.byDomain = Map.copyOf(lower);
    }

    /**
     * @param parameter a parameter's value, or null when not set
     * @throws IllegalArgumentException naming the parameter, the value and the allowed form
     */
    public static RecipientPolicy fromParameters(Function<String, String> parameter) {
        ParameterValues values = ParameterValues.of(parameter);
        String modeText = values.text("mode", Mode.ROUTED.code());
        Mode mode = parseMode(modeText).orElseThrow(() -> values.invalid("mode", modeText, "routed or catchAll"));
        Map<String, Mode> byDomain = new LinkedHashMap<>();
        values.domainNames("catchAllDomains").forEach(d -> byDomain.put(d, Mode.CATCH_ALL));
        for (String domain : values.domainNames("routedDomains")) {
            if (byDomain.containsKey(domain)) {
                throw new IllegalArgumentException("routedDomains: '" + domain + "' is also in catchAllDomains");
            }
            byDomain.put(domain, Mode.ROUTED);
        }
        return new RecipientPolicy(mode, byDomain);
    }

    private static Optional<Mode> parseMode(String text) {
        for (Mode mode : Mode.values()) {
            if (mode.code.equalsIgnoreCase(text)) {
                return Optional.of(mode);
            }
        }
        return Optional.empty();
    }


    public Mode modeOf(String domain) {
        return byDomain.getOrDefault(domain.toLowerCase(Locale.ROOT), defaultMode);
    }

    /**
     * @param address a recipient of one of this MX's domains
     * @param covered whether a route or a minted address covers an address
     */
    public Decision decide(String address, Predicate<String> covered) {
        int at = address.lastIndexOf('@');
        String domain = at < 0 ? "" : address.substring(at + 1);
        if (modeOf(domain) == Mode.CATCH_ALL || covered.test(address)) {
            return Decision.ACCEPT;
        }
        return Decision.UNKNOWN;
    }

    @Override
    public String toString() {
        return "RecipientPolicy[default " + defaultMode.code() + (byDomain.isEmpty() ? "" : ", " + byDomain) + "]";
    }
}
