package io.palisade.tenant.operator;

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
public class OperatorRepository implements PanacheRepositoryBase<Operator, UUID> {

    public Uni<Operator> findByUsername(String username) {
        return find("lower(username) = ?1", username.toLowerCase()).firstResult();
    }

    public Uni<Long> countHomedAt(UUID tenantId) {
        return count("homeTenantId", tenantId);
    }

    /** A page of operators whose home lies under {@code path} (root operators too when it is the root). */
    public Uni<List<Operator>> page(String path, UUID afterId, int limit) {
        Map<String, Object> params = new HashMap<>();
        params.put("lo", path);
        params.put("hi", TreePaths.upperBound(path));
        params.put("root", TreePaths.ROOT.equals(path));
        params.put("after", afterId == null ? new UUID(0, 0) : afterId);
        return find("""
                (homeTenantId in (select t.id from Tenant t where t.path >= :lo and t.path < :hi)
                 or (homeTenantId is null and :root = true))
                and id > :after order by id""", params).range(0, limit).list();
    }

    /** Counts one more failed sign-in and locks the account when it reaches {@code max}; atomic. */
    public Uni<Integer> recordFailure(UUID id, int max, Instant lockUntil) {
        return getSession().chain(s -> s.createNativeQuery("""
                        update operator set failed_attempts = failed_attempts + 1,
                               locked_until = case when failed_attempts + 1 >= :max then :until else locked_until end
                        where id = :id""")
                .setParameter("max", max).setParameter("until", lockUntil).setParameter("id", id)
                .executeUpdate());
    }

    public Uni<Integer> recordSuccess(UUID id) {
        return getSession().chain(s -> s.createNativeQuery(
                        "update operator set failed_attempts = 0, locked_until = null where id = :id")
                .setParameter("id", id).executeUpdate());
    }

    /**
     * Claims a TOTP time step for the operator: succeeds (1) only if no code of this or a later step
     * was accepted before, so a code works once even under concurrent submissions.
     */
    public Uni<Integer> claimTotpStep(UUID id, long step) {
        return getSession().chain(s -> s.createNativeQuery("""
                        update operator set totp_last_step = :step
                        where id = :id and (totp_last_step is null or totp_last_step < :step)""")
                .setParameter("step", step).setParameter("id", id).executeUpdate());
    }
}
