package org.mailhook.json;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.apache.poi.hmef.Attachment;
import org.apache.poi.hmef.HMEFMessage;
import org.apache.poi.hmef.attribute.MAPIAttribute;
import org.apache.poi.hmef.attribute.TNEFProperty;
import org.apache.poi.hsmf.datatypes.MAPIProperty;

/** The real files inside a TNEF part ({@code winmail.dat}, {@code application/ms-tnef}), read with POI HMEF. */
final class TnefUnpacker {
    /** IID_IMessage {00020307-0000-0000-C000-000000000046}, which precedes an attached message's data. */
    private static final byte[] IID_IMESSAGE = {0x07, 0x03, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00,
        (byte) 0xC0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46};

    /** One attached file; {@code bytes} is null and {@code failure} says why when its data is unreadable. */
    record File(String name, byte[] bytes, String failure) {
    }

    private TnefUnpacker() {
    }

    /** Whether data starting with these bytes is TNEF (its signature 0x223E9F78, little-endian). */
    static boolean hasSignature(byte[] head) {
        return head.length >= 4 && head[0] == 0x78 && head[1] == (byte) 0x9F && head[2] == 0x3E && head[3] == 0x22;
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
        byte[] bytes = tnef.readAllBytes();
        HMEFMessage message;
        try {
            message = new HMEFMessage(new ByteArrayInputStream(bytes, 0, wellFormedLength(bytes)));
        } catch (RuntimeException e) {
            throw new IOException(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage(), e);
        }
        List<File> files = new ArrayList<>();
        for (Attachment attachment : message.getAttachments()) {
            String name = null;
            try {
                name = attachment.getLongFilename() != null ? attachment.getLongFilename() : attachment.getFilename();
                for (byte[] contents : contents(attachment)) {
                    files.add(new File(name, contents, null));
                }
            } catch (RuntimeException e) {
                files.add(new File(name, null, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
            }
        }
        return files;
    }

    /**
     * The length of the TNEF stream up to its last well-formed attribute record (signature and key, then
     * records of level 1 or 2, id, length, data and checksum). Senders append padding or junk after the
     * last record; POI fails on it and would lose every attachment, so it is given only the records.
     */
    static int wellFormedLength(byte[] tnef) {
        int position = 6;
        while (position + 9 <= tnef.length) {
            int level = tnef[position];
            long length = (tnef[position + 5] & 0xFFL) | (tnef[position + 6] & 0xFFL) << 8
                | (tnef[position + 7] & 0xFFL) << 16 | (tnef[position + 8] & 0xFFL) << 24;
            long end = position + 9 + length + 2;
            if ((level != 1 && level != 2) || end > tnef.length) {
                break;
            }
            position = (int) end;
        }
        return Math.min(position, tnef.length);
    }

    /**
     * The attachment's bytes: the TNEF attAttachData and the MAPI PR_ATTACH_DATA_BIN/OBJ property, each
     * when present (POI does not fall back to the MAPI property by itself). Outlook puts an embedded
     * object in the MAPI property and only a small rendering stub in attAttachData; when both are there
     * and differ, both are returned, as MimeKit does.
     */
    private static List<byte[]> contents(Attachment attachment) {
        List<byte[]> contents = new ArrayList<>();
        if (attachment.getAttribute(TNEFProperty.ID_ATTACHDATA) != null) {
            contents.add(attachment.getContents());
        }
        MAPIAttribute data = attachment.getMAPIAttribute(MAPIProperty.ATTACH_DATA);
        if (data != null) {
            byte[] bytes = data.getData();
            if (bytes.length >= IID_IMESSAGE.length
                && Arrays.equals(bytes, 0, IID_IMESSAGE.length, IID_IMESSAGE, 0, IID_IMESSAGE.length)) {
                // an attached message: the object is its own TNEF stream after the interface id
                bytes = Arrays.copyOfRange(bytes, IID_IMESSAGE.length, bytes.length);
            }
            if (contents.isEmpty() || !Arrays.equals(contents.get(0), bytes)) {
                contents.add(bytes);
            }
        }
        if (contents.isEmpty()) {
            throw new IllegalArgumentException("attachment has no data");
        }
        return contents;
    }
}
