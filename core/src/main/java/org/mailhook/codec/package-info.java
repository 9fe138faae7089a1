/**
 * Transfer decoding of MIME part bodies (RFC 2045 6.7, 6.8), shared by the message document
 * ({@code org.mailhook.json}) and the attachment scanner ({@code org.mailhook.attachments}) so both read a
 * part as the same bytes, and reading such bytes into one array of their size ({@link SizedRead}). Imports
 * no other Mailhook engine.
 */
package org.mailhook.codec;
