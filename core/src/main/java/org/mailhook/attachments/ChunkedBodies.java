package org.mailhook.attachments;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.SequenceInputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import org.apache.james.mime4j.dom.BinaryBody;
import org.apache.james.mime4j.dom.TextBody;
import org.apache.james.mime4j.message.BodyFactory;

/**
 * Leaf bodies for {@link MimeParts#parse}, kept as read in a list of chunks. mime4j's
 * {@code BasicBodyFactory} gathers each body in a growing buffer and then copies it into one array
 * (twice the part at its peak: 80 MB for a 40 MB attachment) and looks up the charset of every text part,
 * which the scan never reads: it reads bodies as bytes ({@link MimeParts#decoded}) and the stripper
 * writes them back untouched.
 */
final class ChunkedBodies implements BodyFactory {
    static final ChunkedBodies INSTANCE = new ChunkedBodies();
    private static final int FIRST_CHUNK = 4096;
    private static final int LARGEST_CHUNK = 1 << 20;

    private ChunkedBodies() {
    }

    @Override
    public BinaryBody binaryBody(InputStream in) throws IOException {
        Chunks chunks = Chunks.read(in);
        return new BinaryBody() {
            @Override
            public InputStream getInputStream() {
                return chunks.stream();
            }

            @Override
            public long size() {
                return chunks.size();
            }
        };
    }

    @Override
    public TextBody textBody(InputStream in, String mimeCharset) throws IOException {
        Chunks chunks = Chunks.read(in);
        return new TextBody() {
            @Override
            public InputStream getInputStream() {
                return chunks.stream();
            }

            @Override
            public long size() {
                return chunks.size();
            }

            @Override
            public String getMimeCharset() {
                return mimeCharset;
            }

            @Override
            public Charset getCharset() {
                try {
                    return mimeCharset == null ? StandardCharsets.US_ASCII : Charset.forName(mimeCharset.trim());
                } catch (IllegalArgumentException e) {
                    return StandardCharsets.US_ASCII;
                }
            }

            @Override
            public Reader getReader() {
                return new InputStreamReader(chunks.stream(), getCharset());
            }
        };
    }

    /** A body's bytes: chunks that double from 4 KB up to 1 MB, so a small part is one small array and a large one is copied once. */
    record Chunks(List<byte[]> chunks, long size) {
        static Chunks read(InputStream in) throws IOException {
            List<byte[]> chunks = new ArrayList<>();
            long size = 0;
            for (int length = FIRST_CHUNK; ; length = Math.min(length * 2, LARGEST_CHUNK)) {
                byte[] chunk = new byte[length];
                int read = in.readNBytes(chunk, 0, length);
                size += read;
                if (read < length) {
                    if (read > 0) {
                        chunks.add(Arrays.copyOf(chunk, read));
                    }
                    return new Chunks(List.copyOf(chunks), size);
                }
                chunks.add(chunk);
            }
        }

        InputStream stream() {
            if (chunks.size() == 1) {
                return new ByteArrayInputStream(chunks.get(0));
            }
            List<InputStream> streams = new ArrayList<>(chunks.size());
            chunks.forEach(chunk -> streams.add(new ByteArrayInputStream(chunk)));
            return new SequenceInputStream(Collections.enumeration(streams));
        }
    }
}
