package io.palisade.migration.apply;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** The staged devices of a migration as apply imports them, and the device ids group-service gave them. */
@ApplicationScoped
public class DeviceRecords {

    /**
     * A staged device with what apply resolved for it: the group created (or mapped) for its legacy static group with
     * that group's tenant, and the tenant created for its company (null without one, or without an imported account).
     */
    public record StagedDevice(int seq, String legacyId, String name, String hardwareId, String inventory, UUID groupId,
                               UUID groupTenantId, UUID companyTenantId) {
    }

    private final Pool pool;

    public DeviceRecords(Pool pool) {
        this.pool = pool;
    }

    /** Where a run resumes: after the last device whose record is known (those before it are done or skipped). */
    public Uni<Integer> resumeAt(UUID migration) {
        return pool.preparedQuery("select coalesce(max(seq) + 1, 0) from staged_device where migration_id = $1 and device_id is not null")
                .execute(Tuple.of(migration)).map(rows -> rows.iterator().next().getInteger(0));
    }

    public Uni<List<StagedDevice>> page(UUID migration, int fromSeq, int limit) {
        return pool.preparedQuery("""
                        select d.seq, d.legacy_id, d.name, d.hardware_id, d.inventory::text as inventory,
                               g.created_id as group_id, g.tenant_id as group_tenant_id, c.created_id as company_tenant_id
                        from staged_device d
                        left join job_item g on g.migration_id = d.migration_id and g.kind in ('STATIC_GROUP', 'MAPPED_GROUP')
                                            and g.legacy_id = d.static_group_legacy_id and g.state = 'DONE'
                        left join job_item c on c.migration_id = d.migration_id and c.kind = 'TENANT'
                                            and c.legacy_id = d.company_legacy_id and c.state = 'DONE'
                        where d.migration_id = $1 and d.seq >= $2 order by d.seq limit $3""")
                .execute(Tuple.of(migration, fromSeq, limit))
                .map(rows -> {
                    List<StagedDevice> out = new ArrayList<>();
                    for (Row r : rows) {
                        out.add(new StagedDevice(r.getInteger("seq"), r.getString("legacy_id"), r.getString("name"),
                                r.getString("hardware_id"), r.getString("inventory"), r.getUUID("group_id"),
                                r.getUUID("group_tenant_id"), r.getUUID("company_tenant_id")));
                    }
                    return out;
                });
    }

    /** Records the device ids group-service answered, by staged seq. */
    public Uni<Void> imported(UUID migration, List<Integer> seqs, List<UUID> deviceIds) {
        return pool.preparedQuery("""
                        update staged_device d set device_id = u.device_id
                        from unnest($2::int[], $3::uuid[]) as u (seq, device_id)
                        where d.migration_id = $1 and d.seq = u.seq""")
                .execute(Tuple.of(migration, seqs.toArray(new Integer[0]), deviceIds.toArray(new UUID[0])))
                .replaceWithVoid();
    }

    /** [imported, staged]. */
    public Uni<long[]> counts(UUID migration) {
        return pool.preparedQuery("select count(device_id), count(*) from staged_device where migration_id = $1")
                .execute(Tuple.of(migration))
                .map(rows -> {
                    Row r = rows.iterator().next();
                    return new long[] {r.getLong(0), r.getLong(1)};
                });
    }

    /** The device record imported for a legacy device, or null. */
    public Uni<UUID> deviceOf(UUID migration, String legacyId) {
        return pool.preparedQuery("select device_id from staged_device where migration_id = $1 and legacy_id = $2")
                .execute(Tuple.of(migration, legacyId))
                .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getUUID(0));
    }
}
