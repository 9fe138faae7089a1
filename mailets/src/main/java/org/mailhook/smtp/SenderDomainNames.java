package org.mailhook.smtp;

import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sender domains as parts of metric names: lower case, every character but letters and digits as
 * {@code _}. Sender domains are chosen by whoever connects, so at most {@link #MAX} get their own name;
 * the others are {@code other}.
 */
final class SenderDomainNames {
    static final int MAX = 200;

    private final Set<String> names = ConcurrentHashMap.newKeySet();

    String bounded(String domain) {
        String name = metricName(domain);
        if (names.contains(name) || (names.size() < MAX && names.add(name))) {
            return name;
        }
        return "other";
    }

    static String metricName(String domain) {
        String name = domain.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "_");
        return name.isEmpty() ? "unknown" : name;
    }
}
