package io.palisade.tenant.permission;

import io.palisade.kit.scope.TreePaths;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

@ApplicationScoped
public class PermissionSetRepository implements PanacheRepositoryBase<PermissionSet, UUID> {

    public Uni<Long> countOwnedBy(UUID tenantId) {
        return count("tenantId", tenantId);
    }

    public Uni<List<PermissionSet>> findByIds(Collection<UUID> ids) {
        return ids.isEmpty() ? Uni.createFrom().item(List.of()) : list("id in ?1", ids);
    }

    public Uni<Boolean> nameTaken(UUID tenantId, String name, UUID except) {
        Map<String, Object> params = new HashMap<>();
        params.put("name", name.toLowerCase());
        params.put("except", except == null ? new UUID(0, 0) : except);
        String owner = tenantId == null ? "tenantId is null" : "tenantId = :tenant";
        if (tenantId != null) {
            params.put("tenant", tenantId);
        }
        return count(owner + " and lower(name) = :name and id <> :except", params).map(n -> n > 0);
    }

    /** A page of sets owned by tenants under {@code path} (root-owned sets too when {@code path} is the root). */
    public Uni<List<PermissionSet>> page(String path, UUID afterId, int limit) {
        Map<String, Object> params = new HashMap<>();
        params.put("lo", path);
        params.put("hi", TreePaths.upperBound(path));
        params.put("root", TreePaths.ROOT.equals(path));
        params.put("after", afterId == null ? new UUID(0, 0) : afterId);
        return find("""
                (tenantId in (select t.id from Tenant t where t.path >= :lo and t.path < :hi)
                 or (tenantId is null and :root = true))
                and id > :after order by id""", params).range(0, limit).list();
    }

    public Uni<Long> countAssignments(UUID setId) {
        return getSession().chain(s -> s.createNativeQuery(
                        "select count(*) from operator_permission_set where permission_set_id = :id", Long.class)
                .setParameter("id", setId).getSingleResult());
    }
}
