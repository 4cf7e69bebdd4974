package io.palisade.migration.remote;

import com.fasterxml.jackson.databind.JsonNode;
import io.palisade.migration.common.MigrationSettings;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

/** group-service's API, called with the operator's token. */
public final class GroupApi {

    /** A group as group-service shows it. */
    public record Group(UUID id, String name, String kind, UUID parentId, UUID tenantId, boolean managed, UUID templateId) {
        static Group of(JsonNode n) {
            return new Group(UUID.fromString(n.path("id").asText()), n.path("name").asText(), n.path("kind").asText(),
                    uuid(n, "parentId"), uuid(n, "tenantId"), n.path("managed").asBoolean(), uuid(n, "templateId"));
        }
    }

    /** A dynamic-group template. */
    public record Template(UUID id, String name, UUID tenantId) {
    }

    private final RemoteCall call;
    private final String base;

    public GroupApi(RemoteCall call, MigrationSettings settings) {
        this.call = call;
        this.base = settings.groupServiceUrl().replaceAll("/+$", "") + "/api/v1";
    }

    /** The MSP-tree group of a tenant, or null while group-service has not mirrored the tenant yet. */
    public Group managedGroupOf(String token, UUID tenantId) {
        RemoteCall.Answer a = call.get(base + "/groups?limit=1&tenantId=" + tenantId, token);
        if (a.status() == 404) {
            return null; // group-service has not seen the tenant's creation event yet
        }
        TenantApi.require(a);
        for (JsonNode n : a.body().path("items")) {
            Group g = Group.of(n);
            if (g.managed() && tenantId.equals(g.tenantId())) {
                return g;
            }
        }
        return null;
    }

    /** The root group {@code All} (for imports at the root). */
    public Group rootGroup(String token) {
        return first("/groups?limit=1", token, g -> g.parentId() == null);
    }

    public Group child(String token, UUID parentId, String name) {
        return first("/groups?parentId=" + parentId, token, g -> parentId.equals(g.parentId()) && g.name().equalsIgnoreCase(name));
    }

    public RemoteCall.Answer create(String token, String name, UUID parentId, String kind, UUID templateId) {
        Map<String, Object> body = new HashMap<>();
        body.put("name", name);
        body.put("parentId", parentId);
        body.put("kind", kind);
        body.put("templateId", templateId);
        return call.post(base + "/groups", token, body);
    }

    public RemoteCall.Answer move(String token, UUID groupId, UUID parentId) {
        return call.post(base + "/groups/" + groupId + "/move", token, Map.of("parentId", parentId));
    }

    /** One entry of a batch create. */
    public record NewGroup(String name, UUID parentId, String kind, UUID templateId) {
    }

    /** Creates up to 1,000 groups in one transaction ({@code POST /api/v1/groups/batch}): all or nothing. */
    public RemoteCall.Answer createAll(String token, java.util.List<NewGroup> groups) {
        java.util.List<Map<String, Object>> list = new java.util.ArrayList<>();
        for (NewGroup g : groups) {
            Map<String, Object> body = new HashMap<>();
            body.put("name", g.name());
            body.put("parentId", g.parentId());
            body.put("kind", g.kind());
            body.put("templateId", g.templateId());
            list.add(body);
        }
        return call.post(base + "/groups/batch", token, Map.of("groups", list));
    }

    /** One device record awaiting its agent, for {@link #importDevices}; {@code inventoryJson} is a JSON object's text. */
    public record NewDevice(String key, String name, UUID tenantId, UUID staticGroupId, String hardwareId, String inventoryJson) {
    }

    /**
     * Registers up to 1,000 device records awaiting their agents in one transaction ({@code POST /api/v1/devices/batch}):
     * all or nothing, idempotent by each record's key; the answer's {@code devices[i].id} is the device of entry i.
     */
    public RemoteCall.Answer importDevices(String token, java.util.List<NewDevice> devices) {
        java.util.List<Map<String, Object>> list = new java.util.ArrayList<>();
        for (NewDevice d : devices) {
            Map<String, Object> body = new HashMap<>();
            body.put("key", d.key());
            body.put("name", d.name());
            body.put("tenantId", d.tenantId());
            body.put("staticGroupId", d.staticGroupId());
            if (d.hardwareId() != null) {
                body.put("hardwareId", d.hardwareId());
            }
            if (d.inventoryJson() != null) {
                // the staged JSONB's text, passed through as it is (not parsed and written again)
                body.put("inventory", new com.fasterxml.jackson.databind.util.RawValue(d.inventoryJson()));
            }
            list.add(body);
        }
        return call.post(base + "/devices/batch", token, Map.of("devices", list));
    }

    public RemoteCall.Answer moveDevice(String token, UUID deviceId, UUID groupId) {
        return call.post(base + "/devices/" + deviceId + "/move", token, Map.of("groupId", groupId));
    }

    public java.util.List<Group> groups(RemoteCall.Answer created) {
        java.util.List<Group> out = new java.util.ArrayList<>();
        created.body().path("items").forEach(n -> out.add(Group.of(n)));
        return out;
    }

    public Group group(RemoteCall.Answer created) {
        return Group.of(created.body());
    }

    public RemoteCall.Answer createTemplate(String token, String name, UUID tenantId, JsonNode rule) {
        Map<String, Object> body = new HashMap<>();
        body.put("name", name);
        body.put("tenantId", tenantId);
        body.put("rule", rule);
        return call.post(base + "/dynamic-templates", token, body);
    }

    /** One entry of a template batch. */
    public record NewTemplate(String name, UUID tenantId, JsonNode rule) {
    }

    /**
     * Creates up to 1,000 templates in one transaction ({@code POST /api/v1/dynamic-templates/batch}): all or nothing;
     * the answer's {@code items[i].id} is the template of entry i.
     */
    public RemoteCall.Answer createTemplates(String token, java.util.List<NewTemplate> templates) {
        java.util.List<Map<String, Object>> list = new java.util.ArrayList<>();
        for (NewTemplate t : templates) {
            Map<String, Object> body = new HashMap<>();
            body.put("name", t.name());
            body.put("tenantId", t.tenantId());
            body.put("rule", t.rule());
            list.add(body);
        }
        return call.post(base + "/dynamic-templates/batch", token, Map.of("templates", list));
    }

    public Template template(String token, UUID tenantId, String name) {
        String cursor = null;
        do {
            RemoteCall.Answer a = call.get(base + "/dynamic-templates?limit=500" + (tenantId == null ? "" : "&tenantId=" + tenantId)
                    + (cursor == null ? "" : "&cursor=" + RemoteCall.q(cursor)), token);
            TenantApi.require(a);
            for (JsonNode n : a.body().path("items")) {
                UUID owner = uuid(n, "tenantId");
                if (n.path("name").asText().equals(name) && java.util.Objects.equals(owner, tenantId)) {
                    return new Template(UUID.fromString(n.path("id").asText()), name, owner);
                }
            }
            cursor = a.body().hasNonNull("nextCursor") ? a.body().get("nextCursor").asText() : null;
        } while (cursor != null);
        return null;
    }

    private Group first(String path, String token, Predicate<Group> match) {
        String cursor = null;
        String sep = path.contains("?") ? "&" : "?";
        do {
            RemoteCall.Answer a = call.get(base + path + (path.contains("limit=") ? "" : sep + "limit=500")
                    + (cursor == null ? "" : "&cursor=" + RemoteCall.q(cursor)), token);
            TenantApi.require(a);
            for (JsonNode n : a.body().path("items")) {
                Group g = Group.of(n);
                if (match.test(g)) {
                    return g;
                }
            }
            cursor = path.contains("limit=1") || !a.body().hasNonNull("nextCursor") ? null : a.body().get("nextCursor").asText();
        } while (cursor != null);
        return null;
    }

    private static UUID uuid(JsonNode n, String field) {
        return n.hasNonNull(field) ? UUID.fromString(n.get(field).asText()) : null;
    }
}
