package org.mailhook.mailets;

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
        MimeMessage message = new MimeMessage(SESSION);
        message.setSubject(subject);
        message.setText(text);
        message.saveChanges();
        MailImpl.Builder builder = MailImpl.builder().name(name).mimeMessage(message).addAttributes(attributes);
        for (String recipient : recipients) {
            builder.addRecipient(recipient);
        }
        MailImpl mail = builder.build();
        try {
            repository.store(mail);
        } finally {
            LifecycleUtil.dispose(mail);
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
