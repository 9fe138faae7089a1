package org.mailhook.codec;

import java.io.InputStream;

import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.codec.QuotedPrintableInputStream;

/**
 * A MIME part's body decoded by its Content-Transfer-Encoding: base64 with {@link Base64Body},
 * quoted-printable with mime4j's decoder, anything else (7bit, 8bit, binary, x-uuencode, unknown) as it
 * is. The message document and the attachment scanner both read part bodies through here, so they see
 * the same bytes.
 */
public final class TransferDecoding {
    private TransferDecoding() {
    }

    /**
     * @param raw the part's body as it is in the mail
     * @param transferEncoding the Content-Transfer-Encoding value, any case; null for none
     */
    public static InputStream decoded(InputStream raw, String transferEncoding, DecodeMonitor monitor) {
        if ("base64".equalsIgnoreCase(transferEncoding)) {
            return new Base64Body(raw, monitor);
        }
        if ("quoted-printable".equalsIgnoreCase(transferEncoding)) {
            return new QuotedPrintableInputStream(raw, monitor);
        }
        return raw;
    }
}
