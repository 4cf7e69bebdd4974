package io.palisade.group.common;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** Between JSONB values as the reactive client gives them and Jackson trees. */
public final class Json {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }

    /** A JSONB column value (JsonObject, JsonArray, scalar or null) as a Jackson tree; null stays null. */
    public static JsonNode tree(Object jsonb) {
        if (jsonb == null) {
            return null;
        }
        try {
            String text = jsonb instanceof JsonObject o ? o.encode() : jsonb instanceof JsonArray a ? a.encode()
                    : MAPPER.writeValueAsString(jsonb);
            return MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored JSON value cannot be read", e);
        }
    }

    /** A Jackson tree as a JSONB parameter. */
    public static Object jsonb(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        return node.isArray() ? new JsonArray(node.toString()) : new JsonObject(node.toString());
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }
}
