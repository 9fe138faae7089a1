package org.mailhook.matchers;

import java.io.IOException;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMatcher;
import org.mailhook.mailets.MailAttributes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Matches all recipients when a value of the {@code mailhook.auth} result (written by the
 * Authenticate mailet) is one of the condition's comma-separated words, e.g. {@code SpfResult=fail,softfail}.
 * A mail without the attribute never matches.
 */
public abstract class AuthResultMatcher extends GenericMatcher {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Set<String> wanted;

    @Override
    public void init() throws MessagingException {
        String condition = getCondition();
        if (condition == null || condition.isBlank()) {
            throw new MessagingException(getClass().getSimpleName() + " needs a condition, e.g. =fail");
        }
        wanted = Arrays.stream(condition.split(",")).map(w -> w.strip().toLowerCase(Locale.ROOT))
            .filter(w -> !w.isEmpty()).collect(Collectors.toUnmodifiableSet());
    }

    @Override
    public Collection<MailAddress> match(Mail mail) throws MessagingException {
        Optional<String> json = mail.getAttribute(MailAttributes.AUTH)
            .flatMap(attribute -> attribute.getValue().valueAs(String.class));
        if (json.isEmpty()) {
            return List.of();
        }
        JsonNode auth;
        try {
            auth = MAPPER.readTree(json.get());
        } catch (IOException e) {
            throw new MessagingException("mailhook.auth is not JSON", e);
        }
        boolean matches = values(auth).stream().anyMatch(v -> wanted.contains(v.toLowerCase(Locale.ROOT)));
        return matches ? mail.getRecipients() : List.of();
    }

    /** The words of the auth result this matcher compares, e.g. the DMARC result. */
    protected abstract List<String> values(JsonNode auth);

    /** The text at {@code pointer}, or nothing when absent or null. */
    protected static List<String> at(JsonNode auth, String pointer) {
        JsonNode node = auth.at(pointer);
        return node.isTextual() ? List.of(node.asText()) : List.of();
    }
}
