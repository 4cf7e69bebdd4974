package io.palisade.migration.apply;

import io.palisade.migration.plan.Plan;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The job items: every object an apply creates, with its idempotency key and its state, written before and after
 * each remote call so that a run that dies anywhere resumes where it stopped.
 */
@ApplicationScoped
public class ItemRepository {

    private final Pool pool;

    public ItemRepository(Pool pool) {
        this.pool = pool;
    }

    public Uni<Void> insertAll(SqlClient db, UUID migration, String digest, List<Plan.Item> items) {
        if (items.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Tuple> rows = new ArrayList<>();
        for (Plan.Item i : items) {
            rows.add(Tuple.tuple(List.of(migration, i.kind().name(), i.legacyId(), i.order(), i.name()))
                    .addString(i.tenantType()).addString(i.parentRef()).addString(i.rule() == null ? null : i.rule().toString())
                    .addString(idempotencyKey(digest, i.kind().name(), i.legacyId())));
        }
        return db.preparedQuery("insert into job_item (migration_id, kind, legacy_id, ord, name, tenant_type, parent_ref, rule, "
                + "idempotency_key) values ($1, $2, $3, $4, $5, $6, $7, $8::text::jsonb, $9)").executeBatch(rows).replaceWithVoid();
    }

    /** The key of one object: the export (its SHA-256) and the object's kind and legacy id. */
    public static String idempotencyKey(String digest, String kind, String legacyId) {
        return "esmc:" + digest.substring(0, 32) + ":" + kind + ":" + legacyId;
    }

    /** Items not yet DONE, in creation order, after {@code afterOrder}. */
    public Uni<List<JobItem>> openAfter(UUID migration, int afterOrder, int limit) {
        return pool.preparedQuery("select " + JobItem.COLUMNS + " from job_item where migration_id = $1 and ord > $2 "
                        + "and state <> 'DONE' order by ord limit $3")
                .execute(Tuple.of(migration, afterOrder, limit)).map(rows -> {
                    List<JobItem> out = new ArrayList<>();
                    rows.forEach(r -> out.add(JobItem.of(r)));
                    return out;
                });
    }

    /** The item a parent reference ({@code T:x} or {@code G:x}) names. */
    public Uni<JobItem> byRef(UUID migration, String ref) {
        String kinds = ref.startsWith("T:") ? "('TENANT')" : "('MAPPED_GROUP', 'STATIC_GROUP', 'DYNAMIC_GROUP')";
        return pool.preparedQuery("select " + JobItem.COLUMNS + " from job_item where migration_id = $1 and kind in " + kinds
                        + " and legacy_id = $2")
                .execute(Tuple.of(migration, ref.substring(2))).map(rows -> rows.size() == 0 ? null : JobItem.of(rows.iterator().next()));
    }

    /** Moves an item to {@code state}; DONE is final (a stale run can never take it back). */
    public Uni<Void> state(UUID migration, JobItem item, String state) {
        return pool.preparedQuery("update job_item set state = $4, error = null, updated_at = now() "
                        + "where migration_id = $1 and kind = $2 and legacy_id = $3 and state <> 'DONE'")
                .execute(Tuple.of(migration, item.kind(), item.legacyId(), state)).replaceWithVoid();
    }

    /** Sets the state of several items of one kind at once (a batch about to be sent, or sent back). */
    public Uni<Void> states(UUID migration, String kind, List<String> legacyIds, String state) {
        return pool.preparedQuery("update job_item set state = $4, error = null, updated_at = now() "
                        + "where migration_id = $1 and kind = $2 and legacy_id = any($3) and state <> 'DONE'")
                .execute(Tuple.of(migration, kind, legacyIds.toArray(new String[0]), state)).replaceWithVoid();
    }

    /** Records several created objects at once: [legacy id, created id, tenant id] per item. */
    public Uni<Void> doneAll(UUID migration, String kind, List<Object[]> created) {
        List<Tuple> rows = new ArrayList<>();
        for (Object[] c : created) {
            rows.add(Tuple.of(migration, kind, c[0], c[1], c[2]));
        }
        return pool.preparedQuery("update job_item set created_id = $4, tenant_id = $5, state = 'DONE', error = null, "
                + "updated_at = now() where migration_id = $1 and kind = $2 and legacy_id = $3").executeBatch(rows).replaceWithVoid();
    }

    public Uni<Void> templateDone(UUID migration, JobItem item, UUID templateId) {
        return pool.preparedQuery("update job_item set template_id = $4, state = 'ATTEMPTED', updated_at = now() "
                        + "where migration_id = $1 and kind = $2 and legacy_id = $3 and state <> 'DONE'")
                .execute(Tuple.of(migration, item.kind(), item.legacyId(), templateId)).replaceWithVoid();
    }

    /** Records the templates of several dynamic groups at once: [legacy id, template id] per item. */
    public Uni<Void> templatesDone(UUID migration, String kind, List<Object[]> created) {
        List<Tuple> rows = new ArrayList<>();
        for (Object[] c : created) {
            rows.add(Tuple.of(migration, kind, c[0], c[1]));
        }
        return pool.preparedQuery("update job_item set template_id = $4, state = 'ATTEMPTED', updated_at = now() "
                + "where migration_id = $1 and kind = $2 and legacy_id = $3 and state <> 'DONE'").executeBatch(rows).replaceWithVoid();
    }

    public Uni<Void> done(UUID migration, JobItem item, UUID createdId, UUID tenantId) {
        return pool.preparedQuery("update job_item set created_id = $4, tenant_id = $5, state = 'DONE', error = null, "
                        + "updated_at = now() where migration_id = $1 and kind = $2 and legacy_id = $3")
                .execute(Tuple.of(migration, item.kind(), item.legacyId(), createdId, tenantId)).replaceWithVoid();
    }

    public Uni<Void> failed(UUID migration, JobItem item, String error) {
        return pool.preparedQuery("update job_item set state = 'FAILED', error = $4, updated_at = now() "
                        + "where migration_id = $1 and kind = $2 and legacy_id = $3 and state <> 'DONE'")
                .execute(Tuple.of(migration, item.kind(), item.legacyId(), error)).replaceWithVoid();
    }
}
