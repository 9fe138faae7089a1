/**
 * Archive keys: time-ordered, unique names for archived mails, which are also the pull API's cursor.
 * Owns the key format only; where the mails are stored is the adapters' business. Imports nothing from
 * other Mailhook packages.
 */
package org.mailhook.archive;
