/**
 * The James mailets: thin adapters that read a mail's bytes and attributes, call a core engine and
 * store its answer as {@code mailhook.*} attributes or in a James repository ({@code Authenticate},
 * {@code QuarantineAttachments}, {@code ToJson}, {@code Archive}, {@code WebhookDelivery} and their
 * stores). May import James, the Mailet API and every core engine; never the WebAdmin routes or the
 * CLI.
 */
package org.mailhook.mailets;
