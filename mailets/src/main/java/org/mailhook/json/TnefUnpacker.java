package org.mailhook.json;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.apache.poi.hmef.Attachment;
import org.apache.poi.hmef.HMEFMessage;
import org.apache.poi.hmef.attribute.MAPIAttribute;
import org.apache.poi.hmef.attribute.TNEFProperty;
import org.apache.poi.hsmf.datatypes.MAPIProperty;

/** The real files inside a TNEF part ({@code winmail.dat}, {@code application/ms-tnef}), read with POI HMEF. */
final class TnefUnpacker {
    /** One attached file; {@code bytes} is null and {@code failure} says why when its data is unreadable. */
    record File(String name, byte[] bytes, String failure) {
    }

    private TnefUnpacker() {
    }

    static boolean isTnef(String contentType, String filename) {
        return contentType.equals("application/ms-tnef") || contentType.equals("application/vnd.ms-tnef")
            || (filename != null && filename.toLowerCase(Locale.ROOT).equals("winmail.dat"));
    }

    /**
     * The attached files, in TNEF order. A file whose data cannot be read comes back with null bytes and
     * the reason, so one damaged attachment does not hide the others.
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
            String name = null;
            try {
                name = attachment.getLongFilename() != null ? attachment.getLongFilename() : attachment.getFilename();
                files.add(new File(name, contents(attachment), null));
            } catch (RuntimeException e) {
                files.add(new File(name, null, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
            }
        }
        return files;
    }

    /**
     * The attachment's bytes: the TNEF attAttachData, or else the MAPI PR_ATTACH_DATA_BIN/OBJ property
     * (Outlook puts embedded objects there), which POI does not fall back to by itself.
     */
    private static byte[] contents(Attachment attachment) {
        if (attachment.getAttribute(TNEFProperty.ID_ATTACHDATA) != null) {
            return attachment.getContents();
        }
        MAPIAttribute data = attachment.getMAPIAttribute(MAPIProperty.ATTACH_DATA);
        if (data == null) {
            throw new IllegalArgumentException("attachment has no data");
        }
        return data.getData();
    }
}
