package org.mailhook.server;

import org.apache.james.queue.api.MailQueue;
import org.apache.james.queue.api.MailQueueFactory;
import org.apache.james.queue.api.ManageableMailQueue;

import com.google.inject.AbstractModule;
import com.google.inject.TypeLiteral;

/**
 * The three generic keys under which James' components ask for the mail queue factory, all bound to
 * one implementation (the implementation's own binding decides its scope and initialisation).
 */
final class MailQueueFactoryBindings extends AbstractModule {
    private final Class<? extends MailQueueFactory<? extends ManageableMailQueue>> implementation;

    MailQueueFactoryBindings(Class<? extends MailQueueFactory<? extends ManageableMailQueue>> implementation) {
        this.implementation = implementation;
    }

    @Override
    protected void configure() {
        bind(new TypeLiteral<MailQueueFactory<? extends ManageableMailQueue>>() { }).to(implementation);
        bind(new TypeLiteral<MailQueueFactory<? extends MailQueue>>() { }).to(implementation);
        bind(new TypeLiteral<MailQueueFactory<?>>() { }).to(implementation);
    }
}
