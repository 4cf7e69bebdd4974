package io.palisade.tenant.audit;

import io.palisade.kit.problem.ProblemException;
import io.palisade.kit.scope.OperatorScope;
import io.palisade.kit.scope.Permissions;
import io.palisade.kit.api.Ids;
import io.palisade.kit.api.Paging;
import io.palisade.tenant.hierarchy.TenantService;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.UUID;

/** Reads the audit log: only entries whose tenant lies in the caller's subtree, newest first. */
@ApplicationScoped
public class AuditQuery {

    /** One audit entry as the API shows it. */
    public record AuditView(UUID id, Instant at, String actorId, String action, String targetType, String targetId,
                            UUID tenantId, String outcome, String detail) {
        static AuditView of(AuditEntry e) {
            return new AuditView(e.id, e.at, e.actorId, e.action, e.targetType, e.targetId, e.tenantId, e.outcome, e.detail);
        }
    }

    private final AuditRepository entries;
    private final TenantService tenants;
    private final OperatorScope scope;

    public AuditQuery(AuditRepository entries, TenantService tenants, OperatorScope scope) {
        this.entries = entries;
        this.tenants = tenants;
        this.scope = scope;
    }

    @WithSession
    public Uni<Paging.Page<AuditView>> list(UUID under, Instant from, Instant to, String action, String cursor, int limit) {
        Uni<String> root = tenants.subtreeRoot(under, Permissions.AUDIT_READ);
        String after = Paging.decode(cursor);
        Instant afterAt = null;
        UUID afterId = null;
        if (after != null) {
            int bar = after.indexOf('|');
            if (bar < 0) {
                throw ProblemException.invalid("cursor", "is not a cursor this service gave out");
            }
            afterAt = instant("cursor", after.substring(0, bar));
            afterId = Ids.parse("cursor", after.substring(bar + 1));
        }
        Instant at = afterAt;
        UUID id = afterId;
        return root.chain(path -> entries.page(path, from, to, action, at, id, limit + 1))
                .map(rows -> Paging.page(rows, limit, e -> e.at + "|" + e.id, AuditView::of));
    }

    public static Instant instant(String field, String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw ProblemException.invalid(field, "must be an RFC 3339 UTC time like 2026-01-31T12:00:00Z");
        }
    }
}
