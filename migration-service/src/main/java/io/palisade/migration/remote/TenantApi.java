package io.palisade.migration.remote;

import com.fasterxml.jackson.databind.JsonNode;
import io.palisade.migration.common.MigrationSettings;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/** tenant-service's API, called with the operator's token. */
public final class TenantApi {

    /** A tenant node as tenant-service shows it. */
    public record Node(UUID id, String name, String type, UUID parentId, String path, String externalId) {
        static Node of(JsonNode n) {
            return new Node(UUID.fromString(n.path("id").asText()), n.path("name").asText(), n.path("type").asText(),
                    n.hasNonNull("parentId") ? UUID.fromString(n.get("parentId").asText()) : null, n.path("path").asText(),
                    n.hasNonNull("externalId") ? n.get("externalId").asText() : null);
        }
    }

    private final RemoteCall call;
    private final String base;

    public TenantApi(RemoteCall call, MigrationSettings settings) {
        this.call = call;
        this.base = settings.tenantServiceUrl().replaceAll("/+$", "") + "/api/v1/tenants";
    }

    /** The node, or null when it is missing or outside the token's scope (tenant-service answers 404 for both). */
    public Node get(String token, UUID id) {
        RemoteCall.Answer a = call.get(base + "/" + id, token);
        if (a.status() == 404) {
            return null;
        }
        require(a);
        return Node.of(a.body());
    }

    public RemoteCall.Answer create(String token, String name, String type, UUID parentId, String externalId) {
        Map<String, Object> body = new HashMap<>();
        body.put("name", name);
        body.put("type", type);
        body.put("parentId", parentId);
        body.put("externalId", externalId);
        return call.post(base, token, body);
    }

    /** One entry of a batch create. */
    public record NewTenant(String name, String type, UUID parentId, String externalId) {
    }

    /** Creates up to 500 tenants in one transaction ({@code POST /api/v1/tenants/batch}): all or nothing, in order. */
    public RemoteCall.Answer createAll(String token, java.util.List<NewTenant> tenants) {
        java.util.List<Map<String, Object>> list = new java.util.ArrayList<>();
        for (NewTenant t : tenants) {
            Map<String, Object> body = new HashMap<>();
            body.put("name", t.name());
            body.put("type", t.type());
            body.put("parentId", t.parentId());
            body.put("externalId", t.externalId());
            list.add(body);
        }
        return call.post(base + "/batch", token, Map.of("tenants", list));
    }

    public java.util.List<Node> nodes(RemoteCall.Answer created) {
        java.util.List<Node> out = new java.util.ArrayList<>();
        created.body().path("items").forEach(n -> out.add(Node.of(n)));
        return out;
    }

    public Node node(RemoteCall.Answer created) {
        return Node.of(created.body());
    }

    /** The child of {@code parentId} (null: a top-level node) named {@code name}, or null. */
    public Node child(String token, UUID parentId, String name) {
        String cursor = null;
        do {
            String url = base + "?limit=500&q=" + RemoteCall.q(name) + (parentId == null ? "" : "&under=" + parentId)
                    + (cursor == null ? "" : "&cursor=" + RemoteCall.q(cursor));
            RemoteCall.Answer a = call.get(url, token);
            require(a);
            for (JsonNode n : a.body().path("items")) {
                Node node = Node.of(n);
                if (node.name().equalsIgnoreCase(name) && java.util.Objects.equals(node.parentId(), parentId)) {
                    return node;
                }
            }
            cursor = a.body().hasNonNull("nextCursor") ? a.body().get("nextCursor").asText() : null;
        } while (cursor != null);
        return null;
    }

    static void require(RemoteCall.Answer a) {
        if (!a.ok()) {
            throw new RemoteFailure(a);
        }
    }
}
