package org.mailhook.archive;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keys of archived mails that sort in arrival order:
 * {@code m<13-digit epoch millis>-<6-digit sequence>-<node>[-<mailhook id>]}.
 * A repository lists its keys in no particular order; sorting these strings gives arrival order, and a
 * key is a stable cursor. The node part (random per process) keeps keys of several servers sharing one
 * repository apart; the sequence orders mails archived in the same millisecond by one process. The
 * message's idempotency key ({@code mh1_…}, the {@code id} of its JSON and of webhook payloads) ends
 * the key, so a mail is found by that id from the key listing alone.
 */
public final class ArchiveKeys {
    private static final Pattern KEY = Pattern.compile("m(\\d{13})-(\\d{6})-([0-9a-f]{8})(?:-(mh1_[0-9a-f]{32}))?");
    private static final Pattern MAILHOOK_ID = Pattern.compile("mh1_[0-9a-f]{32}");

    private final Clock clock;
    private final String node;
    private final AtomicLong sequence = new AtomicLong();

    public ArchiveKeys(Clock clock, SecureRandom random) {
        this.clock = clock;
        byte[] bytes = new byte[4];
        random.nextBytes(bytes);
        this.node = HexFormat.of().formatHex(bytes);
    }

    /** A new key for a mail archived now; its mailhook id is appended when it has the expected form. */
    public String next(Optional<String> mailhookId) {
        // Formatted by hand: String.format was a visible share of archiving a mail.
        String key = "m" + zeroPadded(clock.millis(), 13) + "-" + zeroPadded(sequence.getAndIncrement() % 1_000_000, 6) + "-" + node;
        return mailhookId.filter(ArchiveKeys::isMailhookId).map(id -> key + "-" + id).orElse(key);
    }

    /** {@code value} (not negative) in decimal with leading zeros to {@code width} digits, as {@code %0<width>d}. */
    static String zeroPadded(long value, int width) {
        String digits = Long.toString(value);
        if (digits.length() >= width) {
            return digits;
        }
        return "0".repeat(width - digits.length()) + digits;
    }

    public static boolean isMailhookId(String id) {
        return id != null && MAILHOOK_ID.matcher(id).matches();
    }

    /** The first-archived key carrying this mailhook id (a message received twice is archived twice). */
    public static Optional<String> firstWithMailhookId(Collection<String> keys, String mailhookId) {
        String suffix = "-" + mailhookId;
        return keys.stream().filter(key -> key.endsWith(suffix) && isKey(key)).min(String::compareTo);
    }

    public static boolean isKey(String key) {
        return key != null && KEY.matcher(key).matches();
    }

    /** When the mail with this key was archived, or empty when the key is not one of ours. */
    public static Optional<Long> archivedAtMillis(String key) {
        Matcher m = KEY.matcher(key == null ? "" : key);
        return m.matches() ? Optional.of(Long.parseLong(m.group(1))) : Optional.empty();
    }

    /**
     * A cursor just before every key archived at or after {@code millis} (and after every earlier one): a
     * reader that starts there skips, without reading them, the mails archived before (keys begin with the
     * archive time).
     */
    public static String cursorBefore(long millis) {
        return "m" + zeroPadded(Math.max(0, millis), 13);
    }

    /**
     * One page of keys after a cursor, from keys in any order: they are sorted first (O(keys)). A
     * repository that keeps its keys sorted is paged by {@link #page(Iterator, Optional, int, long)} instead.
     *
     * @param keys every key of the repository, in any order (others than ours are ignored)
     */
    public static Page page(Collection<String> keys, Optional<String> after, int limit, long horizonMillis) {
        List<String> sorted = new ArrayList<>(keys);
        sorted.sort(null);
        return page(sorted.iterator(), after, limit, horizonMillis);
    }

    /**
     * One page of keys after a cursor, read from keys in ascending order: it reads at most the page and
     * one key more (and the keys of other forms among them), so a page costs O(page) however large the
     * archive.
     *
     * @param ascending     the repository's keys in ascending order, from the cursor on (others than ours are skipped)
     * @param after         the cursor: the last key the reader has seen, or empty to start at the beginning
     * @param limit         at most this many keys
     * @param horizonMillis only keys archived before this instant: a mail archived a moment ago by a slower
     *                      spool thread may still get a smaller key than one already stored, so the newest
     *                      moments are held back until every such store has finished (no gap for readers)
     * @return the keys in arrival order, and the cursor to pass next time (unchanged when the page is empty)
     */
    public static Page page(Iterator<String> ascending, Optional<String> after, int limit, long horizonMillis) {
        List<String> selected = new ArrayList<>();
        boolean more = false;
        while (ascending.hasNext()) {
            String key = ascending.next();
            Optional<Long> at = archivedAtMillis(key);
            if (at.isEmpty() || after.isPresent() && key.compareTo(after.get()) <= 0) {
                continue;
            }
            if (at.get() >= horizonMillis) {
                // Keys begin with the archive time in fixed width: every later key of ours is past the horizon too.
                break;
            }
            if (selected.size() == limit) {
                more = true;
                break;
            }
            selected.add(key);
        }
        String cursor = selected.isEmpty() ? after.orElse("") : selected.get(selected.size() - 1);
        return new Page(List.copyOf(selected), cursor, more);
    }

    /** @param more whether more keys (before the horizon) follow this page */
    public record Page(List<String> keys, String cursor, boolean more) {
    }
}
