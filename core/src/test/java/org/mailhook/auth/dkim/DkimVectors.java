package org.mailhook.auth.dkim;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.mailhook.dns.JsonFileResolver;
import org.mailhook.testing.Corpus;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Reads the corpus's DKIM vectors in their several formats into a message and a DNS zone. */
public final class DkimVectors {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** A message and the DNS it is verified against. */
    public record Vector(byte[] message, JsonFileResolver dns) {
    }

    private DkimVectors() {
    }

    /** {@code file} relative to corpus {@code auth/}. */
    public static Vector load(String file) throws IOException {
        Path path = Corpus.path("auth/" + file);
        if (file.contains("/stalwart/")) {
            return stalwart(path);
        }
        if (file.startsWith("dkim/mimekit/gmail") || file.startsWith("dkim/mimekit/related")
            || file.startsWith("dkim/mimekit/multipart")) {
            String pem = Files.readString(Corpus.path("auth/dkim/mimekit/gmail.pub"));
            String base64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
            ObjectNode zone = MAPPER.createObjectNode();
            zone.putObject("20120113._domainkey.gmail.com").putArray("TXT").add("v=DKIM1; k=rsa; p=" + base64);
            return new Vector(Files.readAllBytes(path), new JsonFileResolver(zone));
        }
        if (file.startsWith("dkim/mimekit/rfc8463") || file.startsWith("dkim/rfc8463-mailauth")) {
            return new Vector(Files.readAllBytes(path),
                JsonFileResolver.read(Corpus.path("auth/dkim/rfc8463-mailauth/dns.json")));
        }
        Path dns = Path.of(path.toString().replaceAll("\\.eml$", ".dns.json"));
        return new Vector(Files.readAllBytes(path), JsonFileResolver.read(dns));
    }

    /** {@code <name> <TXT value>} lines, an empty line, then the message (stalwart's format). */
    public static Vector stalwart(Path path) throws IOException {
        String text = Files.readString(path, StandardCharsets.ISO_8859_1);
        int split = text.indexOf("\n\n");
        ObjectNode zone = MAPPER.createObjectNode();
        for (String line : text.substring(0, split).split("\n")) {
            String[] nameAndValue = line.split(" ", 2);
            ObjectNode entry = zone.has(nameAndValue[0]) ? (ObjectNode) zone.get(nameAndValue[0])
                : zone.putObject(nameAndValue[0]);
            entry.withArray("TXT").add(nameAndValue[1]);
        }
        return new Vector(text.substring(split + 2).getBytes(StandardCharsets.ISO_8859_1), new JsonFileResolver(zone));
    }
}
