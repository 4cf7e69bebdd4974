package io.palisade.migration.job;

import io.palisade.kit.scope.TreePaths;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The {@code migration} table: jobs, their plans, leases and reports. */
@ApplicationScoped
public class MigrationRepository {

    private final Pool pool;

    public MigrationRepository(Pool pool) {
        this.pool = pool;
    }

    public Uni<Void> insertStaging(UUID id, UUID targetTenantId, String targetPath, String targetType, UUID initiatedBy) {
        return pool.preparedQuery("insert into migration (id, status, target_tenant_id, target_path, target_type, initiated_by) "
                        + "values ($1, 'STAGING', $2, $3, $4, $5)")
                .execute(Tuple.of(id, targetTenantId, targetPath, targetType, initiatedBy)).replaceWithVoid();
    }

    public Uni<Void> markPlanned(SqlClient db, UUID id, String sourceVersion, String rules, boolean imported, String digest,
                                 JsonObject plan) {
        return db.preparedQuery("update migration set status = 'PLANNED', source_version = $2, rules = $3, imported = $4, "
                        + "export_digest = $5, plan = $6, updated_at = now() where id = $1")
                .execute(Tuple.tuple(List.of(id, sourceVersion, rules, imported, digest, plan))).replaceWithVoid();
    }

    public Uni<Void> delete(UUID id) {
        return pool.preparedQuery("delete from migration where id = $1").execute(Tuple.of(id)).replaceWithVoid();
    }

    /** Uploads that never finished (the process died while staging) are removed after a while. */
    public Uni<Integer> deleteAbandonedStaging(Duration olderThan) {
        return pool.preparedQuery("delete from migration where status = 'STAGING' and created_at < now() - make_interval(secs => $1)")
                .execute(Tuple.of((double) olderThan.toSeconds())).map(RowSet::rowCount);
    }

    public Uni<MigrationRow> find(UUID id) {
        return find(pool, id);
    }

    public Uni<MigrationRow> find(SqlClient db, UUID id) {
        return db.preparedQuery("select " + MigrationRow.COLUMNS + " from migration where id = $1 and status <> 'STAGING'")
                .execute(Tuple.of(id)).map(rows -> rows.size() == 0 ? null : MigrationRow.of(rows.iterator().next()));
    }

    /** A page of the migrations whose target lies in the subtree at {@code path}, newest first. */
    public Uni<List<MigrationRow>> page(String path, String after, int limit) {
        String sql = "select " + MigrationRow.COLUMNS + " from migration where target_path >= $1 and target_path < $2 "
                + "and status <> 'STAGING'" + (after == null ? "" : " and (created_at, id) < ($4::text::timestamptz, $5::text::uuid)")
                + " order by created_at desc, id desc limit $3";
        Tuple args = Tuple.of(path, TreePaths.upperBound(path), limit);
        if (after != null) {
            int cut = after.indexOf('|');
            args.addString(after.substring(0, cut)).addString(after.substring(cut + 1));
        }
        return pool.preparedQuery(sql).execute(args).map(rows -> {
            List<MigrationRow> out = new ArrayList<>();
            rows.forEach(r -> out.add(MigrationRow.of(r)));
            return out;
        });
    }

    /**
     * Claims the job for a runner: PLANNED, FAILED, or RUNNING with an expired lease (its runner died). Returns
     * false when another runner holds it or it is COMPLETED.
     */
    public Uni<Boolean> claim(UUID id, Duration lease, UUID runner) {
        return pool.preparedQuery("update migration set status = 'RUNNING', report = null, runner = $3, updated_at = now(), "
                        + "lease_until = now() + make_interval(secs => $2) where id = $1 and (status in ('PLANNED', 'FAILED') "
                        + "or (status = 'RUNNING' and lease_until < now()))")
                .execute(Tuple.of(id, (double) lease.toSeconds(), runner)).map(r -> r.rowCount() == 1);
    }

    /** Extends the lease of {@code runner}; false when the job is no longer its own (its lease ran out and was taken). */
    public Uni<Boolean> renew(UUID id, Duration lease, UUID runner) {
        return pool.preparedQuery("update migration set lease_until = now() + make_interval(secs => $2) "
                        + "where id = $1 and status = 'RUNNING' and runner = $3")
                .execute(Tuple.of(id, (double) lease.toSeconds(), runner)).map(r -> r.rowCount() == 1);
    }

    public Uni<Void> finish(UUID id, UUID runner, String status, JsonObject report) {
        return pool.preparedQuery("update migration set status = $2, report = $3, lease_until = null, runner = null, "
                        + "updated_at = now() where id = $1 and status = 'RUNNING' and runner = $4")
                .execute(Tuple.of(id, status, report, runner)).replaceWithVoid();
    }

    /** Progress per kind: kind → [done, total]. */
    public Uni<Map<String, long[]>> progress(UUID id) {
        return pool.preparedQuery("select kind, count(*) filter (where state = 'DONE') as done, count(*) as total "
                        + "from job_item where migration_id = $1 group by kind")
                .execute(Tuple.of(id)).map(rows -> {
                    Map<String, long[]> out = new LinkedHashMap<>();
                    for (Row r : rows) {
                        out.put(r.getString("kind"), new long[] {r.getLong("done"), r.getLong("total")});
                    }
                    return out;
                });
    }
}
