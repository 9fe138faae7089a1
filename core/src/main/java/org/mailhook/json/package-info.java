/**
 * MIME to JSON: one streaming pass over mime4j's token stream producing the message document (headers,
 * addresses, bodies, attachments with hashes, parse problems), plus idempotency keys, thin payloads,
 * attachment extraction and the legacy containers (TNEF, Outlook .msg, uuencode). Owns the document's
 * shape (docs/schema/message-v1.json). Imports only {@code org.mailhook.reports}, for the document's
 * {@code report} section, and {@code org.mailhook.codec}, which decodes part bodies as the attachment
 * scanner decodes them.
 */
package org.mailhook.json;
