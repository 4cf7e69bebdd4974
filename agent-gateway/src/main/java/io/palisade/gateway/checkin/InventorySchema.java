package io.palisade.gateway.checkin;

import com.fasterxml.jackson.databind.JsonNode;
import io.palisade.kit.problem.Problem.FieldError;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The inventory document of CONTRACT.md, checked field by field: {@code {hostname, os: {platform, name,
 * version}, agent: {version}, hardware: {ramMb, cpu}, network: {ipv4: [...]}, products: [{name, version}],
 * protection: {status}, tags: []}}. Every part is optional; an unknown field, a value of the wrong type or
 * beyond its size is an error naming its path. Pure.
 */
public final class InventorySchema {

    public static final Set<String> PLATFORMS = Set.of("WINDOWS", "MACOS", "LINUX");
    static final int MAX_PRODUCTS = 500;
    static final int MAX_ADDRESSES = 64;
    static final int MAX_TAGS = 50;
    private static final Map<String, Set<String>> OBJECTS = Map.of(
            "os", Set.of("platform", "name", "version"),
            "agent", Set.of("version"),
            "hardware", Set.of("ramMb", "cpu"),
            "network", Set.of("ipv4"),
            "protection", Set.of("status"));
    private static final Set<String> TOP = Set.of("hostname", "os", "agent", "hardware", "network", "products", "protection", "tags");

    private InventorySchema() {
    }

    /** The errors of {@code inventory} (at {@code path}), empty when it is valid. */
    public static List<FieldError> check(JsonNode inventory, String path) {
        List<FieldError> errors = new ArrayList<>();
        if (!inventory.isObject()) {
            errors.add(new FieldError(path, "must be an object"));
            return errors;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = inventory.fields(); it.hasNext(); ) {
            var field = it.next();
            String name = field.getKey();
            JsonNode value = field.getValue();
            String at = path + "." + name;
            if (!TOP.contains(name)) {
                errors.add(new FieldError(at, "is not a field of the inventory"));
            } else if (value.isNull()) {
                continue;
            } else if (OBJECTS.containsKey(name)) {
                object(value, at, OBJECTS.get(name), errors);
            } else if ("hostname".equals(name)) {
                text(value, at, 253, errors);
            } else if ("products".equals(name)) {
                products(value, at, errors);
            } else if ("tags".equals(name)) {
                texts(value, at, MAX_TAGS, 64, errors);
            }
        }
        return errors;
    }

    private static void object(JsonNode value, String at, Set<String> fields, List<FieldError> errors) {
        if (!value.isObject()) {
            errors.add(new FieldError(at, "must be an object"));
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
            var field = it.next();
            String name = field.getKey();
            JsonNode v = field.getValue();
            String path = at + "." + name;
            if (!fields.contains(name)) {
                errors.add(new FieldError(path, "is not a field of " + at.substring(at.indexOf('.') + 1)));
            } else if (v.isNull()) {
                continue;
            } else if ("ramMb".equals(name)) {
                if (!v.canConvertToLong() || !v.isIntegralNumber() || v.asLong() < 0 || v.asLong() > (1L << 40)) {
                    errors.add(new FieldError(path, "must be a whole number of megabytes"));
                }
            } else if ("ipv4".equals(name)) {
                texts(v, path, MAX_ADDRESSES, 18, errors);
            } else if ("platform".equals(name)) {
                if (!v.isTextual() || !PLATFORMS.contains(v.asText())) {
                    errors.add(new FieldError(path, "must be one of " + String.join(", ", PLATFORMS.stream().sorted().toList())));
                }
            } else {
                text(v, path, "name".equals(name) || "cpu".equals(name) ? 200 : 100, errors);
            }
        }
    }

    private static void products(JsonNode value, String at, List<FieldError> errors) {
        if (!value.isArray() || value.size() > MAX_PRODUCTS) {
            errors.add(new FieldError(at, "must be a list of at most " + MAX_PRODUCTS + " products"));
            return;
        }
        for (int i = 0; i < value.size(); i++) {
            JsonNode product = value.get(i);
            String path = at + "[" + i + "]";
            object(product, path, Set.of("name", "version"), errors);
            if (product.isObject() && (product.get("name") == null || product.get("name").isNull())) {
                errors.add(new FieldError(path + ".name", "is required"));
            }
        }
    }

    private static void texts(JsonNode value, String at, int maxItems, int maxChars, List<FieldError> errors) {
        if (!value.isArray() || value.size() > maxItems) {
            errors.add(new FieldError(at, "must be a list of at most " + maxItems + " texts"));
            return;
        }
        for (int i = 0; i < value.size(); i++) {
            text(value.get(i), at + "[" + i + "]", maxChars, errors);
        }
    }

    private static void text(JsonNode value, String at, int maxChars, List<FieldError> errors) {
        if (!value.isTextual() || value.asText().length() > maxChars) {
            errors.add(new FieldError(at, "must be text of at most " + maxChars + " characters"));
        }
    }
}
