/**
 * Reparse: a stored mail's raw MIME run again through the current parser (and, when given, attachment
 * classification, spam scoring and, only when asked, authentication), compared with the stored
 * document to decide whether a new revision is due. Uses the JSON document engine only; verdict steps
 * come in as functions, so nothing here knows James or the scanners.
 */
package org.mailhook.reparse;
