/**
 * Configuration values as text: {@link org.mailhook.config.ParameterValues} reads mailet and matcher
 * parameters and properties keys as text, whole numbers, durations ({@link org.mailhook.config.Durations}),
 * byte counts, flags and domain lists, with one error style that names the source, the key, the value and
 * the allowed form; {@link org.mailhook.config.Cidr} reads address blocks. A leaf of the core: it imports
 * only the JDK, and every engine and adapter may use it.
 */
package org.mailhook.config;
