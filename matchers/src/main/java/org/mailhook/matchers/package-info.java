/**
 * James matchers over the {@code mailhook.*} attributes the mailets set (DMARC, DKIM, SPF and ARC
 * results, dangerous attachments, reports), so operators route mail in {@code mailetcontainer.xml}. May import
 * the Mailet API and {@code org.mailhook.mailets} (attribute names).
 */
package org.mailhook.matchers;
