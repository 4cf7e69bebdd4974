package io.palisade.gateway.tenant;

import io.palisade.events.CloudEvent;
import io.palisade.events.EventCodec;
import io.palisade.events.TenantEvents;
import io.palisade.kit.scope.TreePaths;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;

/**
 * Which tenants exist and where they sit, from {@code palisade.tenants}: installers are issued for
 * customers that exist, and operator requests are scoped by the customer's path. Events of one tenant
 * arrive in order (keyed by tenant id); a stale version changes nothing; a move carries every path
 * below it along; a deleted tenant is kept, marked, so its devices still resolve to a path.
 */
@ApplicationScoped
public class TenantProjection {

    private final EventCodec codec = new EventCodec();

    public Uni<Void> apply(SqlClient db, CloudEvent event) {
        return switch (event.type()) {
            case TenantEvents.Created.TYPE -> {
                var e = codec.data(event, TenantEvents.Created.class);
                yield upsert(db, UUID.fromString(e.tenantId()), e.type(), e.path(), e.version(), false);
            }
            case TenantEvents.Renamed.TYPE -> {
                var e = codec.data(event, TenantEvents.Renamed.class);
                yield upsert(db, UUID.fromString(e.tenantId()), e.type(), e.path(), e.version(), false);
            }
            case TenantEvents.Moved.TYPE -> {
                var e = codec.data(event, TenantEvents.Moved.class);
                yield upsert(db, UUID.fromString(e.tenantId()), e.type(), e.path(), e.version(), false);
            }
            case TenantEvents.Deleted.TYPE -> {
                var e = codec.data(event, TenantEvents.Deleted.class);
                yield upsert(db, UUID.fromString(e.tenantId()), e.type(), e.path(), e.version(), true);
            }
            default -> Uni.createFrom().voidItem();
        };
    }

    private Uni<Void> upsert(SqlClient db, UUID id, String type, String path, long version, boolean deleted) {
        return db.preparedQuery("select path, version, deleted from tenant where id = $1").execute(Tuple.of(id)).chain(rows -> {
            var it = rows.iterator();
            if (!it.hasNext()) {
                return db.preparedQuery("insert into tenant (id, type, path, version, deleted) values ($1, $2, $3, $4, $5)")
                        .execute(Tuple.of(id, type, path, version, deleted)).replaceWithVoid();
            }
            var row = it.next();
            if (row.getBoolean("deleted") || row.getLong("version") > version) {
                return Uni.createFrom().voidItem();
            }
            String oldPath = row.getString("path");
            Uni<Void> repath = oldPath.equals(path) ? Uni.createFrom().voidItem()
                    : db.preparedQuery("update tenant set path = $1 || substr(path, $2) where path >= $3 and path < $4 and id <> $5")
                            .execute(Tuple.of(path, oldPath.length() + 1, oldPath, TreePaths.upperBound(oldPath), id))
                            .replaceWithVoid();
            return repath.chain(() -> db.preparedQuery("update tenant set type = $2, path = $3, version = $4, deleted = $5 where id = $1")
                    .execute(Tuple.of(id, type, path, version, deleted)).replaceWithVoid());
        });
    }
}
