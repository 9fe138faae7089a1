package org.mailhook.webadmin;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import javax.servlet.http.HttpServletResponse;

/**
 * Headers of every content download (raw MIME, attachments): the bytes are the sender's, so a browser
 * must save them, never render them as a page of WebAdmin's origin (stored XSS). Each download is
 * {@code Content-Disposition: attachment} with a sanitised RFC 5987 file name, {@code nosniff}, and a
 * sandboxing CSP in case something renders it anyway; a part without a file name, and any type a
 * browser would run (HTML, SVG, XML, script), is served as {@code application/octet-stream}.
 */
final class SafeDownload {
    static final String CONTENT_SECURITY_POLICY = "sandbox; default-src 'none'";
    static final String OCTET_STREAM = "application/octet-stream";
    private static final int MAX_NAME_CODE_POINTS = 150;
    private static final Pattern MEDIA_TYPE = Pattern.compile("[a-z0-9][a-z0-9!#$&^_.+-]*/[a-z0-9][a-z0-9!#$&^_.+-]*");
    /** Types a browser renders or executes as active content. */
    private static final Set<String> ACTIVE = Set.of("text/html", "application/xhtml+xml", "image/svg+xml", "text/xml",
        "application/xml", "text/xsl", "application/xslt+xml", "text/javascript", "application/javascript",
        "application/ecmascript", "text/ecmascript", "application/x-javascript", "text/css", "multipart/x-mixed-replace",
        "application/rdf+xml", "application/mathml+xml", "text/vtt", "application/pdf", "application/x-shockwave-flash");

    private SafeDownload() {
    }

    /** Sets the type and the download headers on {@code response}. */
    static void apply(HttpServletResponse response, String contentType, String filename) {
        response.setContentType(contentType);
        response.setHeader("Content-Disposition", contentDisposition(filename));
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
    }

    /** {@code attachment; filename*=UTF-8''…} with every byte outside RFC 5987's attr-char percent-encoded. */
    static String contentDisposition(String filename) {
        StringBuilder out = new StringBuilder("attachment; filename*=UTF-8''");
        for (byte b : filename.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c < 0x80 && (Character.isLetterOrDigit(c) || "!#$&+-.^_`|~".indexOf(c) >= 0)) {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                    .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }

    /**
     * The sender's file name made harmless: no directories, no control, format (bidi override) or
     * reserved characters, no leading or trailing dots and spaces, at most 150 characters; {@code fallback}
     * when nothing is left.
     */
    static String filename(String name, String fallback) {
        if (name == null) {
            return fallback;
        }
        String base = name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
        StringBuilder clean = new StringBuilder();
        base.codePoints().forEach(cp -> {
            int type = Character.getType(cp);
            boolean unsafe = type == Character.CONTROL || type == Character.FORMAT || type == Character.LINE_SEPARATOR
                || type == Character.PARAGRAPH_SEPARATOR || type == Character.UNASSIGNED || type == Character.PRIVATE_USE
                || type == Character.SURROGATE || "\"<>:|?*%;".indexOf(cp) >= 0;
            if (!unsafe && clean.codePointCount(0, clean.length()) < MAX_NAME_CODE_POINTS) {
                clean.appendCodePoint(Character.isWhitespace(cp) ? ' ' : cp);
            }
        });
        String trimmed = clean.toString().replaceAll("^[ .]+|[ .]+$", "");
        return trimmed.isEmpty() ? fallback : trimmed;
    }

    /**
     * The type a part is served with: the declared {@code type/subtype} (parameters dropped) when the
     * part has a file name and the type is well formed and not active content, else octet-stream.
     */
    static String contentType(String declared, boolean named) {
        if (!named || declared == null) {
            return OCTET_STREAM;
        }
        String bare = declared.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (!MEDIA_TYPE.matcher(bare).matches() || ACTIVE.contains(bare) || bare.contains("script") || bare.endsWith("+xml")) {
            return OCTET_STREAM;
        }
        return bare;
    }
}
