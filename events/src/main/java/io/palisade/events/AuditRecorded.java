package io.palisade.events;

import java.time.Instant;

/**
 * One audited action, from any service, on {@link Topics#AUDIT}, keyed by tenant id ("root" for
 * actions at the root). The envelope id is the audit entry's id, so storing it is idempotent.
 *
 * @param outcome {@code SUCCESS} or {@code FAILURE}
 */
public record AuditRecorded(Instant at, String actorId, String action, String targetType, String targetId,
                            String tenantId, String outcome, String detail) implements PalisadeEvent {
    public static final String TYPE = "io.palisade.audit.recorded.v1";
    public static final String ROOT_KEY = "root";

    @Override public String eventType() { return TYPE; }
    @Override public String topic() { return Topics.AUDIT; }
    @Override public String aggregateId() { return tenantId == null ? ROOT_KEY : tenantId; }
}
