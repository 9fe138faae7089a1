package org.mailhook.archive;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

class ArchiveKeysTest {
    private static final Instant T0 = Instant.parse("2026-11-29T06:00:00Z");

    @Test
    void keysSortInArrivalOrderAndCarryTheirTime() {
        ArchiveKeys keys = new ArchiveKeys(Clock.fixed(T0, ZoneOffset.UTC), new SecureRandom());
        String first = keys.next(Optional.empty());
        String second = keys.next(Optional.empty());
        assertThat(first).matches("m\\d{13}-\\d{6}-[0-9a-f]{8}").isLessThan(second);
        assertThat(ArchiveKeys.archivedAtMillis(first)).contains(T0.toEpochMilli());
        assertThat(ArchiveKeys.archivedAtMillis("../../etc/passwd")).isEmpty();
        assertThat(ArchiveKeys.isKey("m0000000000000-000000-0000000g")).isFalse();
    }

    @Test
    void aKeyCarriesTheMailhookIdSoTheMailIsFoundByItFromTheListing() {
        String id = "mh1_0123456789abcdef0123456789abcdef";
        ArchiveKeys first = new ArchiveKeys(Clock.fixed(T0, ZoneOffset.UTC), new SecureRandom());
        ArchiveKeys later = new ArchiveKeys(Clock.fixed(T0.plusSeconds(1), ZoneOffset.UTC), new SecureRandom());
        String again = later.next(Optional.of(id));
        String original = first.next(Optional.of(id));
        String other = first.next(Optional.of("not-a-mailhook-id"));
        assertThat(original).endsWith("-" + id);
        assertThat(ArchiveKeys.isKey(original)).isTrue();
        assertThat(other).matches("m\\d{13}-\\d{6}-[0-9a-f]{8}");
        assertThat(ArchiveKeys.firstWithMailhookId(List.of(again, other, original), id)).contains(original);
        assertThat(ArchiveKeys.firstWithMailhookId(List.of(other), id)).isEmpty();
        assertThat(ArchiveKeys.page(List.of(again, other, original), Optional.empty(), 10, Long.MAX_VALUE).keys())
            .containsExactly(original, other, again);
    }

    @Test
    void pagesCoverEveryKeyOnceWhateverTheListingOrder() {
        List<String> all = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            ArchiveKeys keys = new ArchiveKeys(Clock.fixed(T0.plusMillis(i / 3), ZoneOffset.UTC), new SecureRandom());
            all.add(keys.next(Optional.empty()));
        }
        List<String> shuffled = new ArrayList<>(all);
        Collections.shuffle(shuffled, new Random(7));
        shuffled.add("not-ours");
        List<String> read = new ArrayList<>();
        Optional<String> cursor = Optional.empty();
        ArchiveKeys.Page page;
        do {
            page = ArchiveKeys.page(shuffled, cursor, 37, Long.MAX_VALUE);
            read.addAll(page.keys());
            cursor = Optional.of(page.cursor());
        } while (page.more());
        Collections.sort(all);
        assertThat(read).isEqualTo(all);
    }

    @Test
    void theNewestMomentIsHeldBackAndTheCursorStaysPut() {
        ArchiveKeys old = new ArchiveKeys(Clock.fixed(T0, ZoneOffset.UTC), new SecureRandom());
        ArchiveKeys recent = new ArchiveKeys(Clock.fixed(T0.plusSeconds(5), ZoneOffset.UTC), new SecureRandom());
        String a = old.next(Optional.empty());
        String b = recent.next(Optional.empty());
        ArchiveKeys.Page page = ArchiveKeys.page(List.of(b, a), Optional.empty(), 10, T0.plusSeconds(2).toEpochMilli());
        assertThat(page.keys()).containsExactly(a);
        ArchiveKeys.Page empty = ArchiveKeys.page(List.of(b, a), Optional.of(a), 10, T0.plusSeconds(2).toEpochMilli());
        assertThat(empty.keys()).isEmpty();
        assertThat(empty.cursor()).isEqualTo(a);
    }

    @Test
    void zeroPaddingIsWhatStringFormatGave() {
        Random random = new Random(13);
        for (int i = 0; i < 10_000; i++) {
            long value = i < 100 ? i : random.nextLong() >>> random.nextInt(64);
            assertThat(ArchiveKeys.zeroPadded(value, 13)).isEqualTo(String.format("%013d", value));
            assertThat(ArchiveKeys.zeroPadded(value % 1_000_000, 6)).isEqualTo(String.format("%06d", value % 1_000_000));
        }
    }

    @Test
    void theCursorBeforeATimeComesAfterEveryEarlierKeyAndBeforeEveryKeyFromThatTimeOn() {
        long at = Instant.parse("2026-12-08T01:00:00Z").toEpochMilli();
        List<String> keys = new ArrayList<>();
        for (long millis : new long[] {at - 1000, at - 1, at, at + 1, at + 3_600_000}) {
            ArchiveKeys generator = new ArchiveKeys(Clock.fixed(Instant.ofEpochMilli(millis), ZoneOffset.UTC), new SecureRandom());
            keys.add(generator.next(Optional.of("mh1_0123456789abcdef0123456789abcdef")));
            keys.add(generator.next(Optional.empty()));
        }
        ArchiveKeys.Page page = ArchiveKeys.page(keys, Optional.of(ArchiveKeys.cursorBefore(at)), 100, Long.MAX_VALUE);
        assertThat(page.keys()).hasSize(6).allSatisfy(key -> assertThat(ArchiveKeys.archivedAtMillis(key).orElseThrow()).isGreaterThanOrEqualTo(at));
        assertThat(ArchiveKeys.isKey(ArchiveKeys.cursorBefore(at))).isFalse();
    }

    @Test
    void keysInAscendingOrderArePagedReadingThePageAndOneKeyMore() {
        ArchiveKeys generator = new ArchiveKeys(Clock.fixed(T0, ZoneOffset.UTC), new SecureRandom());
        TreeSet<String> sorted = new TreeSet<>();
        for (int i = 0; i < 100_000; i++) {
            sorted.add(generator.next(Optional.empty()));
        }
        sorted.add("not-ours");
        String cursor = new ArrayList<>(sorted).get(50_000);
        int[] read = {0};
        Iterator<String> counted = new Iterator<>() {
            private final Iterator<String> keys = sorted.tailSet(cursor, false).iterator();

            @Override
            public boolean hasNext() {
                return keys.hasNext();
            }

            @Override
            public String next() {
                read[0]++;
                return keys.next();
            }
        };

        ArchiveKeys.Page page = ArchiveKeys.page(counted, Optional.of(cursor), 25, Long.MAX_VALUE);

        assertThat(page).isEqualTo(ArchiveKeys.page(sorted, Optional.of(cursor), 25, Long.MAX_VALUE));
        assertThat(page.keys()).hasSize(25);
        assertThat(page.more()).isTrue();
        assertThat(read[0]).isEqualTo(26);
    }
}
