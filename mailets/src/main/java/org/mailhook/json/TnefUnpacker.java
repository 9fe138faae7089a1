package org.mailhook.json;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.apache.poi.hmef.Attachment;
import org.apache.poi.hmef.HMEFMessage;

/** The real files inside a TNEF part ({@code winmail.dat}, {@code application/ms-tnef}), read with POI HMEF. */
final class TnefUnpacker {
    record File(String name, byte[] bytes) {
    }

    private TnefUnpacker() {
    }

    static boolean isTnef(String contentType, String filename) {
        return contentType.equals("application/ms-tnef") || contentType.equals("application/vnd.ms-tnef")
            || (filename != null && filename.toLowerCase(Locale.ROOT).equals("winmail.dat"));
    }

    /**
     * The attached files, in TNEF order.
     *
     * @throws IOException when the data is not TNEF or is damaged; POI reports damage as runtime
     *         exceptions too, which are turned into IOException here so callers handle one failure
     */
    static List<File> unpack(InputStream tnef) throws IOException {
        HMEFMessage message;
        try {
            message = new HMEFMessage(tnef);
        } catch (RuntimeException e) {
            throw new IOException(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage(), e);
        }
        List<File> files = new ArrayList<>();
        for (Attachment attachment : message.getAttachments()) {
            try {
                String name = attachment.getLongFilename() != null ? attachment.getLongFilename() : attachment.getFilename();
                byte[] contents = attachment.getContents();
                if (contents != null) {
                    files.add(new File(name, contents));
                }
            } catch (RuntimeException e) {
                throw new IOException("damaged attachment: " + e.getMessage(), e);
            }
        }
        return files;
    }
}
