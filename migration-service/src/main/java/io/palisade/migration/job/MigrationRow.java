package io.palisade.migration.job;

import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Row;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.UUID;

/** A row of {@code migration}. */
public record MigrationRow(UUID id, String status, String sourceVersion, String rules, boolean imported, String exportDigest,
                           UUID targetTenantId, String targetPath, String targetType, UUID initiatedBy, JsonObject plan,
                           JsonObject report, OffsetDateTime leaseUntil, Instant createdAt, Instant updatedAt, int devicesDone) {

    public static final String COLUMNS = "id, status, source_version, rules, imported, export_digest, target_tenant_id, "
            + "target_path, target_type, initiated_by, plan, report, lease_until, created_at, updated_at, devices_done";

    public static MigrationRow of(Row r) {
        return new MigrationRow(r.getUUID("id"), r.getString("status"), r.getString("source_version"), r.getString("rules"),
                r.getBoolean("imported"), r.getString("export_digest"), r.getUUID("target_tenant_id"), r.getString("target_path"),
                r.getString("target_type"), r.getUUID("initiated_by"), (JsonObject) r.getValue("plan"),
                (JsonObject) r.getValue("report"), r.getOffsetDateTime("lease_until"),
                r.getOffsetDateTime("created_at").toInstant(), r.getOffsetDateTime("updated_at").toInstant(),
                r.getInteger("devices_done"));
    }
}
