package io.palisade.migration.support;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds ESMC exports for tests. */
public final class Exports {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, Object> root = new LinkedHashMap<>();
    private final Map<String, Object> server = new LinkedHashMap<>();
    private final Map<String, Object> account = new LinkedHashMap<>();
    private final List<Object> companies = new ArrayList<>();
    private final List<Object> statics = new ArrayList<>();
    private final List<Object> dynamics = new ArrayList<>();
    private final List<Object> devices = new ArrayList<>();

    private Exports(String version, boolean imported) {
        root.put("format", "esmc-export");
        root.put("formatVersion", 1);
        server.put("product", "ESMC");
        server.put("version", version);
        root.put("server", server);
        account.put("imported", imported);
        account.put("companies", companies);
        root.put("emaAccount", account);
        root.put("staticGroups", statics);
        root.put("dynamicGroups", dynamics);
        root.put("devices", devices);
    }

    public static Exports esmc(String version) {
        return new Exports(version, true);
    }

    public static Exports withoutAccount(String version) {
        return new Exports(version, false);
    }

    public Exports set(String field, Object value) {
        root.put(field, value);
        return this;
    }

    public Exports server(String product, String version) {
        server.put("product", product);
        server.put("version", version);
        return this;
    }

    public Exports company(String id, String name, String type, String parentId) {
        companies.add(map("id", id, "name", name, "type", type, "parentId", parentId));
        return this;
    }

    public Exports staticGroup(String id, String name, String parentId, String companyId) {
        statics.add(map("id", id, "name", name, "parentId", parentId, "companyId", companyId));
        return this;
    }

    public Exports dynamicGroup(String id, String name, String parentId, Object rule) {
        dynamics.add(map("id", id, "name", name, "parentId", parentId, "rule", rule));
        return this;
    }

    public Exports device(String id, String name, String staticGroupId, String companyId) {
        Map<String, Object> d = map("id", id, "name", name, "staticGroupId", staticGroupId, "companyId", companyId);
        d.put("inventory", Map.of("os", Map.of("platform", "WINDOWS")));
        devices.add(d);
        return this;
    }

    public static Map<String, Object> condition(String attribute, String operator, Object value) {
        return map("attribute", attribute, "operator", operator, "value", value);
    }

    public static Map<String, Object> all(Object... rules) {
        return map("op", "AND", "rules", List.of(rules));
    }

    public String json() {
        try {
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }
}
