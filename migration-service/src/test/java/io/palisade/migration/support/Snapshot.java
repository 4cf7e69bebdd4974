package io.palisade.migration.support;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What an apply left under a target tenant, independent of ids: every tenant below it (by name path, type and
 * externalId), every group of its subtree (by name path from the target's group, kind, managed, and the rule of
 * a dynamic group's template), and every device (name, tenant, static group, dynamic groups, status). Two imports of the same export under two targets have equal snapshots.
 */
public final class Snapshot {

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper()
            .configure(com.fasterxml.jackson.databind.SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    private Snapshot() {
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static List<String> of(String token, String tenantId) {
        List<String> out = new ArrayList<>();
        List<Map<String, Object>> tenants = World.tenantsUnder(token, tenantId);
        Map<Object, Map<String, Object>> tenantById = new HashMap<>();
        tenants.forEach(t -> tenantById.put(t.get("id"), t));
        for (Map<String, Object> t : tenants) {
            out.add("tenant " + namePath(t, tenantById, tenantId) + " " + t.get("type") + " externalId=" + t.get("externalId"));
        }
        List<Map<String, Object>> groups = World.groupsOf(token, tenantId);
        Map<Object, Map<String, Object>> groupById = new HashMap<>();
        groups.forEach(g -> groupById.put(g.get("id"), g));
        Map<Object, Object> rules = new HashMap<>();
        World.templatesOf(token, tenantId).forEach(t -> rules.put(t.get("id"), t.get("rule")));
        for (Map<String, Object> g : groups) {
            if (Boolean.TRUE.equals(g.get("managed")) && tenantId.equals(g.get("tenantId"))) {
                continue;
            }
            out.add("group " + groupPath(g, groupById, tenantId) + " " + g.get("kind") + (Boolean.TRUE.equals(g.get("managed")) ? " managed" : "")
                    + (g.get("templateId") == null ? "" : " rule=" + json(rules.get(g.get("templateId")))));
        }
        for (Map<String, Object> d : World.devicesOf(token, tenantId)) {
            Object owner = d.get("tenantId");
            List<String> dynamic = new ArrayList<>();
            for (Object g : (List<?>) d.get("dynamicGroupIds")) {
                dynamic.add(groupById.containsKey(g) ? groupPath(groupById.get(g), groupById, tenantId) : "?");
            }
            dynamic.sort(String::compareTo);
            Object group = d.get("staticGroupId");
            out.add("device " + d.get("name") + " tenant=" + (tenantId.equals(owner) ? "(target)"
                    : tenantById.containsKey(owner) ? namePath(tenantById.get(owner), tenantById, tenantId) : "?")
                    + " group=" + (groupById.containsKey(group) ? groupPath(groupById.get(group), groupById, tenantId) : "?")
                    + " dynamic=" + dynamic + " " + d.get("status"));
        }
        out.sort(String::compareTo);
        return out;
    }

    private static String namePath(Map<String, Object> t, Map<Object, Map<String, Object>> byId, String stop) {
        String path = (String) t.get("name");
        Object parent = t.get("parentId");
        while (parent != null && !stop.equals(parent) && byId.containsKey(parent)) {
            Map<String, Object> p = byId.get(parent);
            path = p.get("name") + "/" + path;
            parent = p.get("parentId");
        }
        return path;
    }

    private static String groupPath(Map<String, Object> g, Map<Object, Map<String, Object>> byId, String targetTenant) {
        String path = (String) g.get("name");
        Object parent = g.get("parentId");
        while (parent != null && byId.containsKey(parent)) {
            Map<String, Object> p = byId.get(parent);
            if (Boolean.TRUE.equals(p.get("managed")) && targetTenant.equals(p.get("tenantId"))) {
                break;
            }
            path = p.get("name") + "/" + path;
            parent = p.get("parentId");
        }
        return path;
    }
}
