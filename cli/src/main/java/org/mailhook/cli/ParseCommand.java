package org.mailhook.cli;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.mailhook.json.Envelope;
import org.mailhook.json.MessageParser;
import org.mailhook.json.ParseOptions;
import org.mailhook.json.ParsedMessage;
import org.mailhook.json.ThinPayload;

/** {@code mailhook parse FILE…}: the same JSON the ToJson mailet stores, for files on disk. */
public final class ParseCommand implements Command {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** Enough of a file to tell an Outlook .msg (CFB signature) or a TNEF file from a mail. */
    private static final int SIGNATURE_BYTES = 8;

    private final Clock clock;

    public ParseCommand() {
        this(Clock.systemUTC());
    }

    /** For tests: pins the default {@code receivedAt}. */
    ParseCommand(Clock clock) {
        this.clock = clock;
    }

    @Override
    public String name() {
        return "parse";
    }

    @Override
    public String summary() {
        return "parse mail files into mailhook.message.v1 JSON";
    }

    @Override
    public String help() {
        return """
            Usage: mailhook parse [OPTIONS] FILE...

            Prints the mailhook.message.v1 document of each mail (RFC 5322 / MIME file, an Outlook .msg or a
            TNEF winmail.dat; - reads standard input).
            One file: the document. Several files: JSON Lines, one document per line with a "file" field.
            Malformed mail still gives a document; its problems are in parse.errors / parse.warnings.

            Options:
              --mail-from ADDR        envelope MAIL FROM
              --rcpt-to ADDR          envelope RCPT TO (repeat for several recipients)
              --remote-address IP     the SMTP client's address
              --remote-host NAME      the SMTP client's host name
              --helo NAME             the HELO/EHLO name
              --received-at TIME      ISO-8601 instant for receivedAt (default: now)
              --attachment-inline-bytes N  attachments up to N decoded bytes are inlined (default 262144)
              --thin                  print the thin form (no attachment content, "thin": true)

            Exit codes: 0 parsed (even with parse errors), 2 bad usage or a file that cannot be read.

            Example:
              mailhook parse --mail-from a@example.net --rcpt-to support@example.org message.eml""";
    }

    @Override
    public int run(List<String> argv, Console console) throws Exception {
        Args args = Args.parse(argv, Set.of("mail-from", "rcpt-to", "remote-address", "remote-host", "helo",
            "received-at", "attachment-inline-bytes"), Set.of("thin"));
        List<String> files = args.positionals();
        if (files.isEmpty()) {
            throw new UsageException("no FILE given (try: mailhook parse --help)");
        }
        for (String file : files) {
            if (!file.equals("-") && !Files.isReadable(Path.of(file))) {
                throw new UsageException("cannot read " + file);
            }
            if (!file.equals("-") && Files.isDirectory(Path.of(file))) {
                throw new UsageException(file + " is a directory, not a mail file");
            }
        }
        Instant receivedAt = receivedAt(args);
        Envelope envelope = new Envelope(args.option("mail-from").orElse(null), args.options("rcpt-to"),
            args.option("remote-address").orElse(null), args.option("remote-host").orElse(null),
            args.option("helo").orElse(null));
        int inline = args.intOption("attachment-inline-bytes", ParseOptions.DEFAULT_ATTACHMENT_INLINE_BYTES);
        if (inline < 0) {
            throw new UsageException("option --attachment-inline-bytes must not be negative");
        }
        MessageParser parser = new MessageParser(ParseOptions.defaults().withAttachmentInlineBytes(inline));
        for (String file : files) {
            ParsedMessage parsed;
            try (InputStream in = new BufferedInputStream(file.equals("-") ? standardInput() : Files.newInputStream(Path.of(file)))) {
                in.mark(SIGNATURE_BYTES);
                byte[] head = in.readNBytes(SIGNATURE_BYTES);
                in.reset();
                parsed = MessageParser.isOutlookMsg(head) ? parser.parseOutlook(in, envelope, receivedAt, Map.of())
                    : MessageParser.isTnef(head) ? parser.parseTnef(in, envelope, receivedAt, Map.of())
                    : parser.parse(in, envelope, receivedAt, Map.of());
            } catch (IOException e) {
                throw new UsageException("cannot read " + file + ": " + e.getMessage(), e);
            }
            byte[] json = args.has("thin") ? ThinPayload.thin(parsed.json()) : parsed.json();
            console.out().println(new String(files.size() == 1 ? json : withFile(file, json), StandardCharsets.UTF_8));
        }
        console.out().flush();
        return OK;
    }

    private Instant receivedAt(Args args) throws UsageException {
        String text = args.option("received-at").orElse(null);
        if (text == null) {
            return clock.instant();
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new UsageException("option --received-at must be an ISO-8601 instant like 2026-11-29T07:00:00Z, got '"
                + text + "'");
        }
    }

    /** Standard input, left open when the parse is done with it. */
    private static InputStream standardInput() {
        return new FilterInputStream(System.in) {
            @Override
            public void close() {
                // not ours to close
            }
        };
    }

    /** The document with {@code "file"} as its first field, for JSON Lines. */
    private static byte[] withFile(String file, byte[] json) throws IOException {
        ObjectNode line = MAPPER.createObjectNode();
        line.put("file", file);
        line.setAll((ObjectNode) MAPPER.readTree(json));
        return MAPPER.writeValueAsBytes(line);
    }
}
