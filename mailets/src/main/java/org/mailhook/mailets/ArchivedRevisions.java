package org.mailhook.mailets;

import java.util.Optional;

import javax.mail.MessagingException;

import org.apache.james.lifecycle.api.LifecycleUtil;
import org.apache.james.mailrepository.api.MailRepository;
import org.apache.mailet.AttributeName;
import org.apache.mailet.Mail;

/**
 * The revisions of an archived mail's document, kept beside each other on the archived mail itself (so
 * the archive's retention removes them with it): revision 1, made at receipt, is {@code mailhook.json} as
 * ToJson wrote it and is never rewritten; a reparse adds {@code mailhook.json.r2}, {@code mailhook.json.r3}
 * ... and sets {@code mailhook.json.revision} to the latest number.
 */
public final class ArchivedRevisions {
    /** The latest revision number (absent: 1). */
    public static final AttributeName LATEST = AttributeName.of("mailhook.json.revision");

    private ArchivedRevisions() {
    }

    public static int latest(Mail archived) {
        return MailAttributes.number(archived, LATEST).orElse(1L).intValue();
    }

    /** Revision {@code revision} of the document, when the mail has it. */
    public static Optional<String> json(Mail archived, int revision) {
        return revision == 1 ? MailAttributes.string(archived, MailAttributes.JSON)
            : revision < 1 || revision > latest(archived) ? Optional.empty() : MailAttributes.string(archived, name(revision));
    }

    public static Optional<String> latestJson(Mail archived) {
        return json(archived, latest(archived));
    }

    /**
     * Stores {@code json} as revision {@code revision} of the archived mail (stored again under its key, its
     * raw MIME byte for byte as it was) and makes it the latest.
     */
    public static void add(MailRepository archive, Mail archived, int revision, String json) throws MessagingException {
        Mail copy = MailBytes.copy(archived);
        try {
            copy.setName(archived.getName());
            MailAttributes.set(copy, name(revision), json);
            MailAttributes.set(copy, LATEST, revision);
            archive.store(copy);
        } finally {
            LifecycleUtil.dispose(copy);
        }
    }

    /** Removes the later revisions from a copy of an archived mail that goes elsewhere (the webhook queue carries one document). */
    public static void strip(Mail copy) {
        copy.attributeNames().filter(name -> name.asString().startsWith("mailhook.json.r")).toList().forEach(copy::removeAttribute);
    }

    private static AttributeName name(int revision) {
        return AttributeName.of("mailhook.json.r" + revision);
    }
}
