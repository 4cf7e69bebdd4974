package io.palisade.tenant.common;

import io.palisade.kit.scope.TreePaths;
import io.palisade.tenant.hierarchy.Tenant;
import io.palisade.tenant.hierarchy.TenantRepository;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;

/** The path of the tenant a resource belongs to; a null tenant id means the root. */
@ApplicationScoped
public class CommonPaths {

    private final TenantRepository tenants;

    public CommonPaths(TenantRepository tenants) {
        this.tenants = tenants;
    }

    /** The tenant's path, "/" for the root, or null if the tenant does not exist. */
    public Uni<String> ofTenant(UUID tenantId) {
        if (tenantId == null) {
            return Uni.createFrom().item(TreePaths.ROOT);
        }
        return tenants.findById(tenantId).map(t -> t == null ? null : t.path);
    }

    public Uni<Tenant> tenant(UUID tenantId) {
        return tenantId == null ? Uni.createFrom().nullItem() : tenants.findById(tenantId);
    }
}
