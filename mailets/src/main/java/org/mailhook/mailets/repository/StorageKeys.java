package org.mailhook.mailets.repository;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import javax.inject.Inject;
import javax.inject.Singleton;

import org.apache.james.utils.PropertiesProvider;
import org.mailhook.config.ParameterValues;
import org.mailhook.ops.MailhookSettings;
import org.mailhook.store.RecordKeys;

/**
 * The keys every {@code mailhook://} repository seals records with, from mailhook.properties, the one
 * source: {@code storage.keyFiles} (key files, the current one first, then older ones that only open what
 * they sealed), else the server key {@code secrets.keyFile} alone, which the assembled server always has,
 * so mail is sealed by default. Read once (a Guice singleton) when the first repository is made; a bad
 * file stops startup naming mailhook.properties, the key and the file. Kept apart from
 * {@link MailhookSettings}, whose checks against mailetcontainer.xml must not hold up James' own
 * repositories.
 */
@Singleton
public final class StorageKeys {
    public static final String STORAGE_KEY_FILES = "storage.keyFiles";

    private final Optional<RecordKeys> keys;

    @Inject
    public StorageKeys(PropertiesProvider properties) {
        this(MailhookSettings.file(properties));
    }

    /**
     * @param file the value of each key of mailhook.properties as written (blank: not set), {@code null} when absent
     * @throws IllegalArgumentException naming mailhook.properties, the key and the file that cannot serve
     */
    public StorageKeys(Function<String, String> file) {
        ParameterValues values = ParameterValues.ofFile(MailhookSettings.FILE, file);
        Optional<String> listed = values.text(STORAGE_KEY_FILES);
        String key = listed.isPresent() ? STORAGE_KEY_FILES : MailhookSettings.SERVER_KEY_FILE;
        Optional<String> files = listed.or(() -> values.text(MailhookSettings.SERVER_KEY_FILE));
        if (files.isEmpty()) {
            keys = Optional.empty();
            return;
        }
        // the server key is one path, blanks and all; the list is split at commas and blanks
        List<Path> paths = listed.isEmpty() ? List.of(Path.of(files.get()))
            : Arrays.stream(files.get().split("[\\s,]+")).filter(path -> !path.isEmpty()).map(Path::of).toList();
        try {
            keys = Optional.of(RecordKeys.read(paths));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(MailhookSettings.FILE + ": " + key + ": " + e.getMessage(), e);
        }
    }

    /** Empty when neither key is set: records are stored in clear. */
    public Optional<RecordKeys> keys() {
        return keys;
    }
}
