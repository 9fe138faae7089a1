package org.mailhook.spam;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What a spam scanner said about one mail: {@link Status#SCORED} with its score, the score at which it
 * would reject, its action and the symbols (rules) that fired; or {@link Status#UNAVAILABLE} with the
 * reason it could not answer, and no score, so an unanswered mail is never mistaken for a clean one.
 *
 * @param scanner the scanner's name ({@code rspamd})
 * @param version its version as it announced it, or null when unknown
 * @param score null when unavailable
 * @param requiredScore the score at which the scanner rejects; null when unavailable
 * @param action null when unavailable
 * @param symbols the rules that fired, highest score first; empty when unavailable
 * @param reason why the scanner did not answer; null when scored
 */
public record SpamVerdict(Status status, String scanner, String version, Double score, Double requiredScore,
                          SpamAction action, List<Symbol> symbols, String reason) {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** Highest score first, then by name, so the document is stable for one answer. */
    static final Comparator<Symbol> ORDER = Comparator.comparingDouble(Symbol::score).reversed().thenComparing(Symbol::name);

    /** Whether the scanner answered. */
    public enum Status {
        SCORED("scored"), UNAVAILABLE("unavailable");

        private final String code;

        Status(String code) {
            this.code = code;
        }

        public String code() {
            return code;
        }

        public static Optional<Status> fromCode(String text) {
            for (Status status : values()) {
                if (status.code.equals(text)) {
                    return Optional.of(status);
                }
            }
            return Optional.empty();
        }
    }

    /** One rule that fired: its name, the score it added and the scanner's options (what it matched). */
    public record Symbol(String name, double score, List<String> options) {
        public Symbol {
            Objects.requireNonNull(name);
            options = List.copyOf(options);
        }
    }

    public SpamVerdict {
        Objects.requireNonNull(status);
        Objects.requireNonNull(scanner);
        symbols = symbols.stream().sorted(ORDER).toList();
    }

    public static SpamVerdict scored(String scanner, String version, double score, double requiredScore, SpamAction action,
                                     List<Symbol> symbols) {
        return new SpamVerdict(Status.SCORED, scanner, version, score, requiredScore, Objects.requireNonNull(action), symbols, null);
    }

    public static SpamVerdict unavailable(String scanner, String reason) {
        return new SpamVerdict(Status.UNAVAILABLE, scanner, null, null, null, null, List.of(), Objects.requireNonNull(reason));
    }

    /**
     * The {@code spam} section of {@code mailhook.message.v1}: every field always present (null when it
     * does not apply), symbols as {@code [{name, score, options}]}.
     */
    public String toJson() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator json = MAPPER.getFactory().createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("status", status.code());
            json.writeStringField("scanner", scanner);
            json.writeStringField("version", version);
            writeNumber(json, "score", score);
            writeNumber(json, "requiredScore", requiredScore);
            json.writeStringField("action", action == null ? null : action.code());
            json.writeArrayFieldStart("symbols");
            for (Symbol symbol : symbols) {
                json.writeStartObject();
                json.writeStringField("name", symbol.name());
                json.writeNumberField("score", symbol.score());
                json.writeArrayFieldStart("options");
                for (String option : symbol.options()) {
                    json.writeString(option);
                }
                json.writeEndArray();
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeStringField("reason", reason);
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing JSON to memory failed", e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static void writeNumber(JsonGenerator json, String name, Double value) throws IOException {
        if (value == null) {
            json.writeNullField(name);
        } else {
            json.writeNumberField(name, value);
        }
    }
}
