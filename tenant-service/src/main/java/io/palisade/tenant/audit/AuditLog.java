package io.palisade.tenant.audit;

import io.palisade.events.AuditRecorded;
import io.palisade.kit.audit.AuditTrail;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.UUID;

/**
 * Records tenant-service's own audited actions: stored at once (so an auditor sees them in the same
 * instant) and published on {@code palisade.audit} with the same id, in the caller's transaction.
 */
@ApplicationScoped
public class AuditLog {

    private final AuditRepository entries;
    private final AuditTrail trail;

    public AuditLog(AuditRepository entries, AuditTrail trail) {
        this.entries = entries;
        this.trail = trail;
    }

    /** What happened, to what, where. {@code tenantId} null and {@code tenantPath} "/" mean the root. */
    public record Action(String actorId, String action, String targetType, String targetId,
                         UUID tenantId, String tenantPath, String outcome, String detail) {
    }

    public Uni<Void> record(Action a) {
        UUID id = UUID.randomUUID();
        Instant at = Instant.now();
        AuditEntry entry = new AuditEntry();
        entry.id = id;
        entry.at = at;
        entry.actorId = a.actorId();
        entry.action = a.action();
        entry.targetType = a.targetType();
        entry.targetId = a.targetId();
        entry.tenantId = a.tenantId();
        entry.tenantPath = a.tenantPath();
        entry.outcome = a.outcome();
        entry.detail = a.detail();
        entry.source = "/tenant-service";
        var event = new AuditRecorded(at, a.actorId(), a.action(), a.targetType(), a.targetId(),
                a.tenantId() == null ? null : a.tenantId().toString(), a.outcome(), a.detail());
        return entries.insertIfAbsent(entry).chain(() -> trail.record(id, event, a.tenantPath())).replaceWithVoid();
    }
}
