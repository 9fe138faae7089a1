package org.mailhook.store;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Keys as file names and back: letters, digits, {@code -} and {@code _} stay, every other byte of the
 * key's UTF-8 is written {@code %XX}. So any key (a James mail name, an archive key) is one safe file
 * name, never a path, a hidden file or a name two keys share.
 */
final class FileNames {
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private FileNames() {
    }

    static String encode(String key) {
        StringBuilder name = new StringBuilder(key.length() + 8);
        for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
                name.append((char) c);
            } else {
                name.append('%').append(HEX[c >> 4]).append(HEX[c & 0xF]);
            }
        }
        return name.toString();
    }

    static String decode(String name) {
        ByteArrayOutputStream key = new ByteArrayOutputStream(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '%' && i + 2 < name.length()) {
                key.write(Integer.parseInt(name, i + 1, i + 3, 16));
                i += 2;
            } else {
                key.write(c);
            }
        }
        return key.toString(StandardCharsets.UTF_8);
    }
}
