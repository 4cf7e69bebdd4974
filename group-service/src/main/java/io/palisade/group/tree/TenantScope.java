package io.palisade.group.tree;

import io.palisade.kit.problem.ProblemException;
import io.palisade.kit.scope.OperatorScope;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;

/** Where a list query starts: a tenant the caller may see with a permission, or the caller's home. */
@ApplicationScoped
public class TenantScope {

    private final TenantNodes tenants;
    private final OperatorScope scope;

    public TenantScope(TenantNodes tenants, OperatorScope scope) {
        this.tenants = tenants;
        this.scope = scope;
    }

    /** The path of {@code tenantId} (404 when missing, deleted or outside the scope), or the caller's home when null. */
    public Uni<String> subtreeRoot(SqlClient db, UUID tenantId, String permission) {
        if (tenantId == null) {
            return Uni.createFrom().item(() -> {
                scope.require(permission);
                return scope.homePath();
            });
        }
        return tenants.find(db, tenantId).map(t -> {
            scope.authorize(t == null || t.deleted() ? null : t.path(), permission, () -> ProblemException.notFound("Tenant"));
            return t.path();
        });
    }
}
