/**
 * Attachment safety: the classifier (file names, true types with Tika, macros, PDF actions, archives
 * and bombs with commons-compress and POI), the walk over a message's leaf parts, the clamd client and
 * the stripper that replaces quarantined parts. Owns verdicts and scan limits. Plain Java over mime4j;
 * imports only {@code org.mailhook.codec}, to decode part bodies as the message document decodes them.
 */
package org.mailhook.attachments;
