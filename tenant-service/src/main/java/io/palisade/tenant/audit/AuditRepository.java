package io.palisade.tenant.audit;

import io.palisade.kit.scope.TreePaths;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

@ApplicationScoped
public class AuditRepository implements PanacheRepositoryBase<AuditEntry, UUID> {

    /** A page of entries under {@code path}, newest first, after the ({@code at}, {@code id}) position. */
    public Uni<List<AuditEntry>> page(String path, Instant from, Instant to, String action,
                                      Instant afterAt, UUID afterId, int limit) {
        StringBuilder where = new StringBuilder("tenantPath >= :lo and tenantPath < :hi");
        Map<String, Object> params = new HashMap<>();
        params.put("lo", path);
        params.put("hi", TreePaths.upperBound(path));
        if (from != null) {
            where.append(" and at >= :from");
            params.put("from", from);
        }
        if (to != null) {
            where.append(" and at < :to");
            params.put("to", to);
        }
        if (action != null) {
            where.append(" and action = :action");
            params.put("action", action);
        }
        if (afterAt != null) {
            where.append(" and (at < :afterAt or (at = :afterAt and id < :afterId))");
            params.put("afterAt", afterAt);
            params.put("afterId", afterId);
        }
        return find(where + " order by at desc, id desc", params).range(0, limit).list();
    }

    /** Stores an entry unless one with its id exists (redelivery). */
    public Uni<Integer> insertIfAbsent(AuditEntry e) {
        return getSession().chain(s -> s.createNativeQuery("""
                        insert into audit_entry (id, at, actor_id, action, target_type, target_id, tenant_id, tenant_path,
                                                 outcome, detail, source)
                        values (:id, :at, :actor, :action, :targetType, :targetId, :tenantId, :path, :outcome, :detail, :source)
                        on conflict (id) do nothing""")
                .setParameter("id", e.id).setParameter("at", e.at).setParameter("actor", e.actorId)
                .setParameter("action", e.action).setParameter("targetType", e.targetType)
                .setParameter("targetId", e.targetId).setParameter("tenantId", e.tenantId)
                .setParameter("path", e.tenantPath).setParameter("outcome", e.outcome)
                .setParameter("detail", e.detail).setParameter("source", e.source)
                .executeUpdate());
    }

    /** Rewrites the paths of entries under a moved subtree. */
    public Uni<Integer> movePaths(String oldPath, String newPath) {
        return getSession().chain(s -> s.createNativeQuery("""
                        update audit_entry set tenant_path = :newPath || substr(tenant_path, :cut)
                        where tenant_path >= :lo and tenant_path < :hi""")
                .setParameter("newPath", newPath).setParameter("cut", oldPath.length() + 1)
                .setParameter("lo", oldPath).setParameter("hi", TreePaths.upperBound(oldPath))
                .executeUpdate());
    }
}
