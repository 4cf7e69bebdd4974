package io.palisade.migration.move;

import io.palisade.migration.job.MigrationDtos.MoveView;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** The recommended moves of a migration and what became of them. */
@ApplicationScoped
public class MoveRepository {

    private final Pool pool;

    public MoveRepository(Pool pool) {
        this.pool = pool;
    }

    public Uni<List<MoveView>> page(UUID migration, UUID after, int limit) {
        return pool.preparedQuery("select id, kind, legacy_id, name, company_legacy_id, reason, status from recommended_move "
                        + "where migration_id = $1 and id > $2 order by id limit $3")
                .execute(Tuple.of(migration, after == null ? new UUID(0, 0) : after, limit)).map(MoveRepository::views);
    }

    /** The moves named (all when {@code ids} is null) that are not performed yet. */
    public Uni<List<MoveView>> open(UUID migration, List<UUID> ids) {
        String sql = "select id, kind, legacy_id, name, company_legacy_id, reason, status from recommended_move "
                + "where migration_id = $1 and status <> 'PERFORMED'" + (ids == null ? "" : " and id = any($2)") + " order by kind, id";
        Tuple args = ids == null ? Tuple.of(migration) : Tuple.of(migration, ids.toArray(new UUID[0]));
        return pool.preparedQuery(sql).execute(args).map(MoveRepository::views);
    }

    public Uni<Long> countKnown(UUID migration, List<UUID> ids) {
        return pool.preparedQuery("select count(*) from recommended_move where migration_id = $1 and id = any($2)")
                .execute(Tuple.of(migration, ids.toArray(new UUID[0]))).map(rows -> rows.iterator().next().getLong(0));
    }

    public Uni<Void> status(SqlClient db, UUID migration, UUID id, String status) {
        return db.preparedQuery("update recommended_move set status = $3 where migration_id = $1 and id = $2")
                .execute(Tuple.of(migration, id, status)).replaceWithVoid();
    }

    /** The group an apply created for a legacy group, or null. */
    public Uni<UUID> createdGroup(UUID migration, String legacyId) {
        return pool.preparedQuery("select created_id from job_item where migration_id = $1 and kind = 'STATIC_GROUP' "
                        + "and legacy_id = $2 and state = 'DONE'")
                .execute(Tuple.of(migration, legacyId)).map(rows -> rows.size() == 0 ? null : rows.iterator().next().getUUID(0));
    }

    /** The tenant an apply created for a legacy company, or null. */
    public Uni<UUID> createdTenant(UUID migration, String legacyId) {
        return pool.preparedQuery("select created_id from job_item where migration_id = $1 and kind = 'TENANT' "
                        + "and legacy_id = $2 and state = 'DONE'")
                .execute(Tuple.of(migration, legacyId)).map(rows -> rows.size() == 0 ? null : rows.iterator().next().getUUID(0));
    }

    private static List<MoveView> views(io.vertx.mutiny.sqlclient.RowSet<Row> rows) {
        List<MoveView> out = new ArrayList<>();
        for (Row r : rows) {
            out.add(new MoveView(r.getUUID("id"), r.getString("kind"), r.getString("legacy_id"), r.getString("name"),
                    r.getString("company_legacy_id"), r.getString("reason"), r.getString("status")));
        }
        return out;
    }
}
