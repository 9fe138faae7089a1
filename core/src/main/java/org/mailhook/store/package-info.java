/**
 * Where Mailhook keeps mail and records on disk: {@link org.mailhook.store.RecordFiles}, one file per
 * record, written once, renamed into place and (by default) forced to disk. Plain Java, no James types;
 * the James mail repository on top of it is {@code org.mailhook.mailets.repository.RecordMailRepository}.
 */
package org.mailhook.store;
