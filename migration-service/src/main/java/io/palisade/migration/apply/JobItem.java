package io.palisade.migration.apply;

import io.vertx.mutiny.sqlclient.Row;
import java.util.UUID;

/** One object of an apply and how far it got. */
public record JobItem(String kind, String legacyId, int order, String name, String tenantType, String parentRef, String ruleJson,
                      String idempotencyKey, String state, UUID createdId, UUID templateId, UUID tenantId) {

    public static final String PENDING = "PENDING";
    public static final String TEMPLATE_ATTEMPTED = "TEMPLATE_ATTEMPTED";
    public static final String ATTEMPTED = "ATTEMPTED";
    public static final String DONE = "DONE";
    public static final String FAILED = "FAILED";

    static final String COLUMNS = "kind, legacy_id, ord, name, tenant_type, parent_ref, rule::text as rule, idempotency_key, state, "
            + "created_id, template_id, tenant_id";

    static JobItem of(Row r) {
        return new JobItem(r.getString("kind"), r.getString("legacy_id"), r.getInteger("ord"), r.getString("name"),
                r.getString("tenant_type"), r.getString("parent_ref"), r.getString("rule"), r.getString("idempotency_key"),
                r.getString("state"), r.getUUID("created_id"), r.getUUID("template_id"), r.getUUID("tenant_id"));
    }
}
