/**
 * The server folder's main class and the bindings James' extension modules cannot override: durable
 * ActiveMQ or RabbitMQ queues with fsynced blobs, configuration templates with {@code
 * ${env:NAME:-default}}, the TLS keystore, WebAdmin access rules and the VM-only broker. May import
 * James and the Mailhook adapters.
 */
package org.mailhook.server;
