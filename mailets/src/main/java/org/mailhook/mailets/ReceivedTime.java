package org.mailhook.mailets;

import java.time.Clock;
import java.time.Instant;
import java.util.Date;

import org.apache.mailet.Mail;

/**
 * When this James accepted a mail over SMTP: James stamps {@code lastUpdated} when it builds the mail at
 * the end of DATA and keeps it through its queues (JMS, RabbitMQ) and copies, and nothing in the mailet
 * container changes it. A backlog in the spool therefore counts in {@code receivedAt} and in the
 * accept-to-ack latency, as an ingestion SLO must. Never later than {@code clock}'s now.
 */
public final class ReceivedTime {
    private ReceivedTime() {
    }

    public static Instant of(Mail mail, Clock clock) {
        Instant now = clock.instant();
        Date stamped = mail.getLastUpdated();
        return stamped == null || stamped.toInstant().isAfter(now) ? now : stamped.toInstant();
    }
}
