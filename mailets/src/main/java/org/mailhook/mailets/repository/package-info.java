/**
 * Mailhook's James mail repository ({@code mailhook://}): each mail one record file, written once, on
 * the {@code org.mailhook.store} engine. The pipeline's repositories use it instead of James'
 * {@code FileMailRepository}.
 */
package org.mailhook.mailets.repository;
