package org.mailhook.mailets.repository;

import java.io.File;
import java.io.IOException;
import java.util.Iterator;
import java.util.Optional;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.commons.configuration2.HierarchicalConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.commons.configuration2.tree.ImmutableNode;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.lifecycle.api.Configurable;
import org.apache.james.mailrepository.api.Initializable;
import org.apache.james.mailrepository.api.MailKey;
import org.apache.james.mailrepository.api.MailRepository;
import org.apache.mailet.Mail;
import org.mailhook.mailets.MailBytes;
import org.mailhook.ops.MailhookSettings;
import org.mailhook.store.RecordFiles;
import org.mailhook.store.RecordKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A James mail repository that keeps each mail as one {@link RecordFiles} record: its envelope and
 * attributes as JSON ({@link MailRecords}) and its message as the raw bytes, written once. It replaces
 * James' {@code FileMailRepository} for Mailhook's repositories (archive, dead letters, delivered
 * records, quarantine, error ...): that one writes two files per mail, Java-serializes the attributes
 * (the JSON document among them) and parses and re-encodes the message before storing it. Registered for
 * the {@code mailhook} protocol in {@code mailrepositorystore.xml}:
 *
 * <pre>{@code
 * <mailrepository class="org.mailhook.mailets.repository.RecordMailRepository">
 *     <protocols><protocol>mailhook</protocol></protocols>
 *     <config fsync="true"/>
 * </mailrepository>
 * }</pre>
 *
 * {@code mailhook://var/mail/archive/} is then the directory {@code var/mail/archive/} under James' base
 * directory. With {@code fsync="true"} (the default) a stored mail is on disk when {@code store} returns.
 *
 * <p>Records are sealed with the keys of mailhook.properties ({@link StorageKeys}: {@code storage.keyFiles},
 * else the server key {@code secrets.keyFile}), one source for every repository. With neither (a stock
 * James without them) records are written in clear and startup logs a warning naming the repository.
 */
public class RecordMailRepository implements MailRepository, SortedKeys, Configurable, Initializable {
    private static final Logger LOGGER = LoggerFactory.getLogger(RecordMailRepository.class);

    private final FileSystem fileSystem;
    private final Optional<RecordKeys> sealing;
    private String destination;
    private boolean fsync = true;
    private RecordFiles files;

    @Inject
    public RecordMailRepository(FileSystem fileSystem, StorageKeys keys) {
        this(fileSystem, keys.keys());
    }

    /** @param sealing the keys records are sealed with; empty: stored in clear */
    public RecordMailRepository(FileSystem fileSystem, Optional<RecordKeys> sealing) {
        this.fileSystem = fileSystem;
        this.sealing = sealing;
    }

    @Override
    public void configure(HierarchicalConfiguration<ImmutableNode> config) throws ConfigurationException {
        destination = config.getString("[@destinationURL]");
        if (destination == null || !destination.contains("://")) {
            throw new ConfigurationException("mailrepositorystore.xml: a mailhook:// repository needs a destinationURL, got " + destination);
        }
        fsync = config.getBoolean("[@fsync]", true);
    }

    @Override
    public void init() throws Exception {
        String path = destination.substring(destination.indexOf("://") + 3);
        File directory = fileSystem.getFile(FileSystem.FILE_PROTOCOL + path);
        files = RecordFiles.open(directory.toPath(), fsync, sealing);
        if (sealing.isEmpty()) {
            LOGGER.warn("{}: mail is stored in clear: no storage key (mailhook.properties {} or {})",
                destination, StorageKeys.STORAGE_KEY_FILES, MailhookSettings.SERVER_KEY_FILE);
        }
    }

    @Override
    public long size() {
        return files.size();
    }

    @Override
    public MailKey store(Mail mail) throws MessagingException {
        MailKey key = MailKey.forMail(mail);
        try {
            files.put(key.asString(), MailRecords.head(mail), mail.getMessage() == null ? new byte[0] : MailBytes.read(mail));
        } catch (IOException e) {
            throw new MessagingException("cannot store mail " + key.asString() + " in " + destination + ": " + e.getMessage(), e);
        }
        return key;
    }

    @Override
    public Iterator<String> keysAfter(String cursor) {
        return files.keysAfter(cursor);
    }

    @Override
    public Iterator<MailKey> list() {
        Iterator<String> keys = files.keys();
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return keys.hasNext();
            }

            @Override
            public MailKey next() {
                return new MailKey(keys.next());
            }
        };
    }

    @Override
    public Mail retrieve(MailKey key) throws MessagingException {
        Optional<RecordFiles.Record> record;
        try {
            record = files.get(key.asString());
        } catch (IOException e) {
            throw new MessagingException("cannot read mail " + key.asString() + " from " + destination + ": " + e.getMessage(), e);
        }
        return record.isEmpty() ? null : MailRecords.mail(record.get().head(), record.get().body());
    }

    @Override
    public void remove(MailKey key) throws MessagingException {
        try {
            files.remove(key.asString());
        } catch (IOException e) {
            throw new MessagingException("cannot remove mail " + key.asString() + " from " + destination + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void removeAll() throws MessagingException {
        try {
            files.clear();
        } catch (IOException e) {
            throw new MessagingException("cannot empty " + destination + ": " + e.getMessage(), e);
        }
    }
}
