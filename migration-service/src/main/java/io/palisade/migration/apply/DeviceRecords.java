package io.palisade.migration.apply;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The staged devices of a migration as apply imports them, and the device ids group-service gave them. */
@ApplicationScoped
public class DeviceRecords {

    /** A staged device as uploaded: its legacy static group and company are resolved by apply. */
    public record StagedDevice(int seq, String legacyId, String name, String hardwareId, String inventory, String groupLegacyId,
                               String companyLegacyId) {
    }

    /** What apply created for a legacy object: the id, and for a group the tenant it belongs to. */
    public record Created(UUID id, UUID tenantId) {
    }

    private final Pool pool;

    public DeviceRecords(Pool pool) {
        this.pool = pool;
    }

    /** Where a run resumes: after the last device whose record is known (those before it are done or skipped). */
    public Uni<Integer> resumeAt(UUID migration) {
        return pool.preparedQuery("select coalesce(max(seq) + 1, 0) from imported_device where migration_id = $1")
                .execute(Tuple.of(migration)).map(rows -> rows.iterator().next().getInteger(0));
    }

    public Uni<List<StagedDevice>> page(UUID migration, int fromSeq, int limit) {
        return pool.preparedQuery("""
                        select seq, legacy_id, name, hardware_id, inventory::text as inventory, static_group_legacy_id,
                               company_legacy_id
                        from staged_device where migration_id = $1 and seq >= $2 order by seq limit $3""")
                .execute(Tuple.of(migration, fromSeq, limit))
                .map(rows -> {
                    List<StagedDevice> out = new ArrayList<>();
                    for (Row r : rows) {
                        out.add(new StagedDevice(r.getInteger("seq"), r.getString("legacy_id"), r.getString("name"),
                                r.getString("hardware_id"), r.getString("inventory"), r.getString("static_group_legacy_id"),
                                r.getString("company_legacy_id")));
                    }
                    return out;
                });
    }

    /**
     * What apply created, by legacy id, for the given kinds (DONE items only): the static groups and mapped groups a
     * device may sit in, or the companies' tenants. Read once per run (tens of thousands of small rows at most).
     */
    public Uni<Map<String, Created>> created(UUID migration, List<String> kinds) {
        return pool.preparedQuery("select legacy_id, created_id, tenant_id from job_item "
                        + "where migration_id = $1 and kind = any($2) and state = 'DONE'")
                .execute(Tuple.of(migration, kinds.toArray(new String[0])))
                .map(rows -> {
                    Map<String, Created> out = new HashMap<>();
                    for (Row r : rows) {
                        out.put(r.getString("legacy_id"), new Created(r.getUUID("created_id"), r.getUUID("tenant_id")));
                    }
                    return out;
                });
    }

    /** Records the device ids group-service answered, by staged seq. */
    public Uni<Void> imported(UUID migration, List<Integer> seqs, List<UUID> deviceIds) {
        return pool.preparedQuery("""
                        with recorded as (
                            insert into imported_device (migration_id, seq, device_id)
                            select $1, u.seq, u.device_id from unnest($2::int[], $3::uuid[]) as u (seq, device_id)
                            on conflict do nothing returning 1)
                        update migration set devices_done = devices_done + (select count(*) from recorded) where id = $1""")
                .execute(Tuple.of(migration, seqs.toArray(new Integer[0]), deviceIds.toArray(new UUID[0])))
                .replaceWithVoid();
    }

    /** [imported, staged]. */
    public Uni<long[]> counts(UUID migration) {
        return pool.preparedQuery("select (select count(*) from imported_device where migration_id = $1), "
                        + "(select count(*) from staged_device where migration_id = $1)")
                .execute(Tuple.of(migration))
                .map(rows -> {
                    Row r = rows.iterator().next();
                    return new long[] {r.getLong(0), r.getLong(1)};
                });
    }

    /** The device record imported for a legacy device, or null. */
    public Uni<UUID> deviceOf(UUID migration, String legacyId) {
        return pool.preparedQuery("select i.device_id from staged_device d join imported_device i on i.migration_id = d.migration_id "
                        + "and i.seq = d.seq where d.migration_id = $1 and d.legacy_id = $2")
                .execute(Tuple.of(migration, legacyId))
                .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getUUID(0));
    }
}
