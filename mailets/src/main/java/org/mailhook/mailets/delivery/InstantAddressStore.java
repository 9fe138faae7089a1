package org.mailhook.mailets.delivery;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.mail.MessagingException;

import org.apache.james.lifecycle.api.LifecycleUtil;
import org.apache.james.mailrepository.api.MailKey;
import org.apache.james.mailrepository.api.MailRepository;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.mailhook.webhook.Endpoint;
import org.mailhook.webhook.InstantAddress;
import org.mailhook.webhook.SsrfGuard;
import org.mailhook.mailets.MailAttributes;
import org.mailhook.mailets.RecordMails;

/**
 * The instant addresses ({@link InstantAddress}) kept in one James mail repository, one small mail per
 * address whose attributes hold the address, URL and optional secret, so they survive restarts and are shared by every server of a distributed
 * James that uses the same repository. The WebAdmin routes write them; WebhookDelivery routes them.
 */
public final class InstantAddressStore {
    private static final AttributeName ADDRESS = AttributeName.of("mailhook.instant.address");
    private static final AttributeName URL = AttributeName.of("mailhook.instant.url");
    private static final AttributeName SECRET = AttributeName.of("mailhook.instant.secret");
    private static final AttributeName CREATED_AT = AttributeName.of("mailhook.instant.createdAt");

    private final MailRepository repository;

    public InstantAddressStore(MailRepository repository) {
        this.repository = repository;
    }

    /**
     * Mints a fresh random address on {@code domain} for {@code url} and stores it.
     *
     * @throws IllegalArgumentException when the URL or the secret is not valid, or the guard refuses the URL (the secret is never shown)
     */
    public InstantAddress mint(String domain, String url, Optional<String> secret, SsrfGuard guard, SecureRandom random, long nowMillis)
        throws MessagingException {
        InstantAddress address = InstantAddress.mint(domain, url, secret, guard, random, nowMillis);
        store(address);
        return address;
    }

    private void store(InstantAddress address) throws MessagingException {
        List<Attribute> attributes = new ArrayList<>(List.of(new Attribute(ADDRESS, AttributeValue.of(address.address())),
            new Attribute(URL, AttributeValue.of(address.url())), new Attribute(CREATED_AT, AttributeValue.of(address.createdAtMillis()))));
        address.secret().ifPresent(s -> attributes.add(new Attribute(SECRET, AttributeValue.of(s))));
        RecordMails.store(repository, address.local(), List.of(address.address()), "Mailhook instant address " + address.address(),
            "Routes mail for " + address.address() + " to a webhook. Managed by /mailhook/addresses.\r\n", attributes);
    }

    /** Every minted address, oldest first. */
    public List<InstantAddress> list() throws MessagingException {
        List<InstantAddress> addresses = new ArrayList<>();
        for (Iterator<MailKey> it = repository.list(); it.hasNext(); ) {
            Mail mail = repository.retrieve(it.next());
            if (mail == null) {
                continue;
            }
            try {
                Optional<String> address = MailAttributes.string(mail, ADDRESS);
                Optional<String> url = MailAttributes.string(mail, URL);
                if (address.isPresent() && url.isPresent()) {
                    addresses.add(new InstantAddress(address.get(), url.get(), MailAttributes.string(mail, SECRET),
                        MailAttributes.number(mail, CREATED_AT).orElse(0L)));
                }
            } finally {
                LifecycleUtil.dispose(mail);
            }
        }
        addresses.sort(java.util.Comparator.comparingLong(InstantAddress::createdAtMillis).thenComparing(InstantAddress::address));
        return addresses;
    }

    /** Whether {@code address} is a minted address: one lookup by its local part, for the SMTP recipient check. */
    public boolean contains(String address) throws MessagingException {
        Optional<String> local = InstantAddress.localPartOf(address);
        if (local.isEmpty()) {
            return false;
        }
        Mail mail = repository.retrieve(new MailKey(local.get()));
        if (mail == null) {
            return false;
        }
        try {
            return MailAttributes.string(mail, ADDRESS).filter(address::equalsIgnoreCase).isPresent();
        } finally {
            LifecycleUtil.dispose(mail);
        }
    }

    /** @return whether the address existed */
    public boolean revoke(String address) throws MessagingException {
        Optional<String> local = InstantAddress.localPartOf(address);
        return local.isPresent() && RecordMails.remove(repository, local.get());
    }

    /** The routing table: address → endpoint, for {@code Routes.withAddresses}. */
    public Map<String, Endpoint> endpoints(Optional<Endpoint> fallback) throws MessagingException {
        Map<String, Endpoint> byAddress = new LinkedHashMap<>();
        for (InstantAddress address : list()) {
            byAddress.put(address.address(), address.endpoint(fallback));
        }
        return byAddress;
    }
}
