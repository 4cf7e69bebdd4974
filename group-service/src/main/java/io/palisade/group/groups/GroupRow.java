package io.palisade.group.groups;

import io.vertx.mutiny.sqlclient.Row;
import java.util.UUID;

/** A group as stored: static or dynamic, custom or managed (a mirror of a tenant), with its paths. */
public record GroupRow(UUID id, String name, Kind kind, UUID parentId, UUID tenantId, String tenantPath, String groupPath,
                       boolean managed, String systemRole, UUID templateId, long version) {

    public enum Kind { STATIC, DYNAMIC }

    public static final String COLUMNS =
            "id, name, kind, parent_id, tenant_id, tenant_path, group_path, managed, system_role, template_id, version";

    public static GroupRow of(Row row) {
        return new GroupRow(row.getUUID("id"), row.getString("name"), Kind.valueOf(row.getString("kind")),
                row.getUUID("parent_id"), row.getUUID("tenant_id"), row.getString("tenant_path"),
                row.getString("group_path"), row.getBoolean("managed"), row.getString("system_role"),
                row.getUUID("template_id"), row.getLong("version"));
    }

    public boolean isStatic() {
        return kind == Kind.STATIC;
    }
}
