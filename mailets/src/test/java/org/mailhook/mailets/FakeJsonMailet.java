package org.mailhook.mailets;

import javax.mail.MessagingException;

import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;

/**
 * Test stand-in for ToJson when a test is about what comes after it: the id is the Message-ID and
 * the JSON carries the subject, so each test mail is told apart.
 */
public class FakeJsonMailet extends GenericMailet {
    @Override
    public void service(Mail mail) throws MessagingException {
        String subject = mail.getMessage().getSubject();
        MailAttributes.set(mail, MailAttributes.ID, mail.getMessage().getMessageID());
        MailAttributes.set(mail, MailAttributes.JSON, "{\"subject\":\"" + subject + "\"}");
    }
}
