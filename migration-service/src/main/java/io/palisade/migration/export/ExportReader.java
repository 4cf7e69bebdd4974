package io.palisade.migration.export;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import io.palisade.kit.problem.CommonProblems;
import io.palisade.kit.problem.Problem.FieldError;
import io.palisade.kit.problem.ProblemException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Reads an ESMC export with Jackson's streaming parser: the document is never held whole. The header and the
 * companies and groups are kept ({@link LegacyExport}); every company, group and device is handed to the
 * {@link StagingSink} as it is read, which writes them to the staging tables in batches. Only one array element
 * is materialised at a time.
 */
public final class ExportReader {

    /** Where read rows go (the staging tables). */
    public interface StagingSink {
        void company(LegacyExport.Company company);

        void group(String kind, LegacyExport.Group group);

        void device(int seq, String id, String name, String staticGroupId, String companyId, String hardwareId,
                    String inventoryJson);
    }

    private final ObjectMapper mapper;
    private final ObjectReader elements;
    private final JsonFactory factory;
    private final int maxErrors;

    public ExportReader(ObjectMapper mapper, int maxErrors) {
        this.mapper = mapper;
        // One element at a time from the middle of the stream: what follows it is the rest of the export, not
        // trailing garbage (the service's mapper may be configured to refuse trailing tokens for whole bodies).
        this.elements = mapper.reader().without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        this.factory = mapper.getFactory();
        this.maxErrors = maxErrors;
    }

    /**
     * Reads the whole stream. Malformed JSON is a 400 {@code malformed-body}; more than {@code maxBytes} a 413;
     * shape errors of single fields are collected in {@link LegacyExport#errors}.
     */
    public LegacyExport read(InputStream body, long maxBytes, StagingSink sink) throws IOException {
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        CountingStream counted = new CountingStream(body, maxBytes);
        LegacyExport export = new LegacyExport();
        try (JsonParser p = factory.createParser(new DigestInputStream(counted, sha256))) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new ProblemException(CommonProblems.MALFORMED_BODY, "The export must be a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "format" -> {
                        export.formatSeen = true;
                        export.format = value == JsonToken.VALUE_STRING ? p.getText() : String.valueOf(tree(p));
                    }
                    case "formatVersion" -> {
                        export.formatVersionSeen = true;
                        export.formatVersion = value == JsonToken.VALUE_NUMBER_INT && p.getNumberType() == JsonParser.NumberType.INT
                                ? Integer.valueOf(p.getIntValue()) : null;
                        p.skipChildren();
                    }
                    case "server" -> readServer(p, export);
                    case "emaAccount" -> readAccount(p, export, sink);
                    case "staticGroups" -> readGroups(p, export, "STATIC", "staticGroups", sink);
                    case "dynamicGroups" -> readGroups(p, export, "DYNAMIC", "dynamicGroups", sink);
                    case "devices" -> readDevices(p, export, sink);
                    default -> p.skipChildren();
                }
            }
            if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
                throw new ProblemException(CommonProblems.MALFORMED_BODY, "The export must be one JSON object");
            }
        }
        export.bytes = counted.count;
        export.digest = HexFormat.of().formatHex(sha256.digest());
        return export;
    }

    private JsonNode tree(JsonParser p) throws IOException {
        JsonNode node = elements.readTree(p);
        return node == null ? com.fasterxml.jackson.databind.node.NullNode.getInstance() : node;
    }

    private void readServer(JsonParser p, LegacyExport export) throws IOException {
        JsonNode server = tree(p);
        if (server == null || !server.isObject()) {
            error(export, "server", "must be an object with product and version");
            return;
        }
        export.product = text(export, server, "product", "server.product");
        export.version = text(export, server, "version", "server.version");
    }

    private void readAccount(JsonParser p, LegacyExport export, StagingSink sink) throws IOException {
        if (p.currentToken() == JsonToken.VALUE_NULL) {
            return;
        }
        if (p.currentToken() != JsonToken.START_OBJECT) {
            error(export, "emaAccount", "must be an object");
            p.skipChildren();
            return;
        }
        export.emaAccountSeen = true;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            if ("imported".equals(field)) {
                if (value == JsonToken.VALUE_TRUE || value == JsonToken.VALUE_FALSE) {
                    export.imported = value == JsonToken.VALUE_TRUE;
                } else {
                    error(export, "emaAccount.imported", "must be true or false");
                    p.skipChildren();
                }
            } else if ("companies".equals(field) && value == JsonToken.START_ARRAY) {
                int seq = 0;
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    JsonNode node = tree(p);
                    String at = "emaAccount.companies[" + seq + "]";
                    if (!node.isObject()) {
                        error(export, at, "must be an object");
                    } else {
                        LegacyExport.Company company = new LegacyExport.Company(seq, id(export, node, "id", at),
                                text(export, node, "name", at + ".name"), text(export, node, "type", at + ".type"),
                                id(export, node, "parentId", at + ".parentId"));
                        export.companies.add(company);
                        sink.company(company);
                    }
                    seq++;
                }
            } else if ("companies".equals(field) && value != JsonToken.VALUE_NULL) {
                error(export, "emaAccount.companies", "must be an array");
                p.skipChildren();
            } else {
                p.skipChildren();
            }
        }
    }

    private void readGroups(JsonParser p, LegacyExport export, String kind, String field, StagingSink sink) throws IOException {
        if (!startArray(p, export, field)) {
            return;
        }
        int seq = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            JsonNode node = tree(p);
            String at = field + "[" + seq + "]";
            if (!node.isObject()) {
                error(export, at, "must be an object");
            } else {
                JsonNode rule = null;
                if ("DYNAMIC".equals(kind)) {
                    rule = node.get("rule");
                }
                LegacyExport.Group group = new LegacyExport.Group(seq, id(export, node, "id", at), text(export, node, "name", at + ".name"),
                        id(export, node, "parentId", at + ".parentId"), id(export, node, "companyId", at + ".companyId"), rule);
                ("STATIC".equals(kind) ? export.staticGroups : export.dynamicGroups).add(group);
                sink.group(kind, group);
            }
            seq++;
        }
    }

    private void readDevices(JsonParser p, LegacyExport export, StagingSink sink) throws IOException {
        if (!startArray(p, export, "devices")) {
            return;
        }
        int seq = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            JsonNode node = tree(p);
            String at = "devices[" + seq + "]";
            if (!node.isObject()) {
                error(export, at, "must be an object");
            } else {
                JsonNode inventory = node.get("inventory");
                if (inventory != null && !inventory.isObject() && !inventory.isNull()) {
                    error(export, at + ".inventory", "must be an object");
                    inventory = null;
                }
                String companyId = id(export, node, "companyId", at + ".companyId");
                if (companyId != null) {
                    export.devicesWithCompany++;
                }
                sink.device(seq, id(export, node, "id", at), text(export, node, "name", at + ".name"),
                        id(export, node, "staticGroupId", at + ".staticGroupId"), companyId,
                        text(export, node, "hardwareId", at + ".hardwareId"),
                        inventory == null || inventory.isNull() ? null : mapper.writeValueAsString(inventory));
                export.devices++;
            }
            seq++;
        }
    }

    private boolean startArray(JsonParser p, LegacyExport export, String field) throws IOException {
        if (p.currentToken() == JsonToken.VALUE_NULL) {
            return false;
        }
        if (p.currentToken() != JsonToken.START_ARRAY) {
            error(export, field, "must be an array");
            p.skipChildren();
            return false;
        }
        return true;
    }

    /** An id: a string, or a number taken as its text. */
    private String id(LegacyExport export, JsonNode node, String name, String at) {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            return null;
        }
        if (value.isTextual() || value.isIntegralNumber()) {
            return value.asText();
        }
        error(export, name.equals("id") ? at + ".id" : at, "must be a string");
        return null;
    }

    private String text(LegacyExport export, JsonNode node, String name, String at) {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            return null;
        }
        if (value.isTextual()) {
            return value.asText();
        }
        error(export, at, "must be a string");
        return null;
    }

    private void error(LegacyExport export, String field, String message) {
        if (export.errors.size() < maxErrors) {
            export.errors.add(new FieldError(field, message));
        }
    }

    /** Counts bytes and refuses more than the limit (a chunked upload has no declared length). */
    private static final class CountingStream extends FilterInputStream {
        private final long max;
        long count;

        CountingStream(InputStream in, long max) {
            super(in);
            this.max = max;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                add(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                add(n);
            }
            return n;
        }

        private void add(long n) {
            count += n;
            if (count > max) {
                throw new ProblemException(CommonProblems.PAYLOAD_TOO_LARGE, "The export may be at most " + max + " bytes");
            }
        }
    }
}
