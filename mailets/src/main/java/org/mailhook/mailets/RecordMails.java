package org.mailhook.mailets;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;

import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.internet.MimeMessage;

import org.apache.james.lifecycle.api.LifecycleUtil;
import org.apache.james.mailrepository.api.MailKey;
import org.apache.james.mailrepository.api.MailRepository;
import org.apache.james.server.core.MailImpl;
import org.apache.mailet.Attribute;
import org.apache.mailet.Mail;

/**
 * Small mails that exist for their attributes: how Mailhook keeps records (instant addresses, delivered
 * webhooks) in James mail repositories, which store whole mails only, on every James backend.
 */
public final class RecordMails {
    /**
     * One session for every record: a new JavaMail session reads the javamail resources of every jar on
     * the class path, which was 7 % of the webhook consumer's samples when made per delivery.
     */
    private static final Session SESSION = Session.getInstance(new Properties());

    private RecordMails() {
    }

    /** Stores a record under {@code name}, replacing what was stored under it; the text says what it is. */
    public static void store(MailRepository repository, String name, List<String> recipients, String subject, String text,
                             List<Attribute> attributes) throws MessagingException {
        MailImpl.Builder builder = MailImpl.builder().name(name).addAttributes(attributes);
        for (String recipient : recipients) {
            builder.addRecipient(recipient);
        }
        MailImpl mail = builder.build();
        try {
            MailBytes.replace(mail, message(subject, text));
            repository.store(mail);
        } finally {
            LifecycleUtil.dispose(mail);
        }
    }

    /**
     * The record's message as bytes: written out as they are, where a JavaMail message would be built,
     * given a Message-ID and encoded for every record (a record is written per acknowledged delivery).
     */
    static byte[] message(String subject, String text) throws MessagingException {
        boolean oneAsciiLine = subject.length() < 900 && subject.indexOf('\r') < 0 && subject.indexOf('\n') < 0;
        if (oneAsciiLine && StandardCharsets.US_ASCII.newEncoder().canEncode(subject + text)) {
            return ("Subject: " + subject + "\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n"
                + "Content-Transfer-Encoding: 7bit\r\n\r\n" + text).getBytes(StandardCharsets.US_ASCII);
        }
        MimeMessage message = new MimeMessage(SESSION);
        message.setSubject(subject, StandardCharsets.UTF_8.name());
        message.setText(text, StandardCharsets.UTF_8.name());
        message.saveChanges();
        try (ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            message.writeTo(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new MessagingException("cannot write the record's message", e);
        }
    }

    /** @return whether there was a mail under this key (it is removed) */
    public static boolean remove(MailRepository repository, String key) throws MessagingException {
        MailKey mailKey = new MailKey(key);
        Mail existing = repository.retrieve(mailKey);
        if (existing == null) {
            return false;
        }
        LifecycleUtil.dispose(existing);
        repository.remove(mailKey);
        return true;
    }
}
