package io.palisade.group.tree;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;

/** Reads the projection of the MSP tree. */
@ApplicationScoped
public class TenantNodes {

    /** A tenant as group-service knows it. */
    public record TenantNode(UUID id, String name, String type, String path, boolean deleted) {
        public boolean isCustomer() {
            return "CUSTOMER".equals(type);
        }
    }

    public Uni<TenantNode> find(SqlClient db, UUID id) {
        return db.preparedQuery("select id, name, type, path, deleted from tenant_node where id = $1").execute(Tuple.of(id))
                .map(rows -> {
                    var it = rows.iterator();
                    if (!it.hasNext()) {
                        return null;
                    }
                    var r = it.next();
                    return new TenantNode(r.getUUID("id"), r.getString("name"), r.getString("type"), r.getString("path"),
                            r.getBoolean("deleted"));
                });
    }

    /** The tenants of {@code ids} that are known, by id. */
    public Uni<java.util.Map<UUID, TenantNode>> findAll(SqlClient db, java.util.Collection<UUID> ids) {
        return db.preparedQuery("select id, name, type, path, deleted from tenant_node where id = any($1)")
                .execute(Tuple.of(ids.toArray(new UUID[0])))
                .map(rows -> {
                    java.util.Map<UUID, TenantNode> found = new java.util.HashMap<>();
                    rows.forEach(r -> found.put(r.getUUID("id"), new TenantNode(r.getUUID("id"), r.getString("name"),
                            r.getString("type"), r.getString("path"), r.getBoolean("deleted"))));
                    return found;
                });
    }
}
