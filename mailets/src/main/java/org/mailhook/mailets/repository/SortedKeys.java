package org.mailhook.mailets.repository;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import javax.mail.MessagingException;

import org.apache.james.mailrepository.api.MailKey;
import org.apache.james.mailrepository.api.MailRepository;

/**
 * A mail repository that can list its keys in ascending order from a cursor on. James' {@code list()} gives
 * every key in no order, so a reader paging by cursor must read and sort them all for each page; with this,
 * a page reads its own keys only (the pull API, the console's searches, a time-range reparse).
 */
public interface SortedKeys {
    /** The keys after {@code cursor} (exclusive; {@code ""} for all), ascending. */
    Iterator<String> keysAfter(String cursor);

    /**
     * The keys of any repository after {@code cursor}, ascending: read from its sorted keys as the reader
     * goes when it keeps them ({@code mailhook://}), else every key listed and sorted (O(repository)).
     */
    static Iterator<String> after(MailRepository repository, String cursor) throws MessagingException {
        if (repository instanceof SortedKeys sorted) {
            return sorted.keysAfter(cursor);
        }
        List<String> keys = new ArrayList<>();
        for (Iterator<MailKey> it = repository.list(); it.hasNext(); ) {
            String key = it.next().asString();
            if (key.compareTo(cursor) > 0) {
                keys.add(key);
            }
        }
        keys.sort(null);
        return keys.iterator();
    }
}
