package org.mailhook.json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

/** The published schema, docs/schema/message-v1.json, for tests to validate every document they produce. */
public final class MessageSchema {
    private static final JsonSchema SCHEMA = load();

    private MessageSchema() {
    }

    private static JsonSchema load() {
        Path path = Path.of("..", "docs", "schema", "message-v1.json");
        try {
            JsonNode schema = new ObjectMapper().readTree(Files.readString(path));
            SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(schema, config);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path.toAbsolutePath(), e);
        }
    }

    /** The schema violations of a document; empty when it is valid. */
    public static List<String> errors(JsonNode document) {
        return SCHEMA.validate(document).stream().map(ValidationMessage::toString).sorted().toList();
    }

    public static List<String> errors(byte[] json) {
        try {
            return errors(new ObjectMapper().readTree(json));
        } catch (IOException e) {
            return List.of("not JSON: " + e.getMessage());
        }
    }
}
