package io.palisade.migration.export;

import io.palisade.kit.problem.Problem.FieldError;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** The staging tables: the export's rows as uploaded, written in batches, checked with set-oriented SQL. */
@ApplicationScoped
public class StagingRepository {

    private final Pool pool;

    public StagingRepository(Pool pool) {
        this.pool = pool;
    }

    public Uni<Void> insertCompanies(List<Tuple> rows) {
        return batch("insert into staged_company (migration_id, seq, legacy_id, name, type, parent_legacy_id) "
                + "values ($1, $2, $3, $4, $5, $6)", rows);
    }

    public Uni<Void> insertGroups(List<Tuple> rows) {
        return batch("insert into staged_group (migration_id, kind, seq, legacy_id, name, parent_legacy_id, company_legacy_id, rule) "
                + "values ($1, $2, $3, $4, $5, $6, $7, $8::text::jsonb)", rows);
    }

    public Uni<Void> insertDevices(List<Tuple> rows) {
        return batch("insert into staged_device (migration_id, seq, legacy_id, name, static_group_legacy_id, company_legacy_id, "
                + "hardware_id, inventory) values ($1, $2, $3, $4, $5, $6, $7, $8::text::jsonb)", rows);
    }

    public static Tuple company(UUID migration, LegacyExport.Company c) {
        return Tuple.of(migration, c.seq(), c.id(), c.name(), c.type(), c.parentId());
    }

    public static Tuple group(UUID migration, String kind, LegacyExport.Group g) {
        String rule = g.rule() == null || g.rule().isNull() ? null : g.rule().toString();
        return Tuple.tuple(List.of(migration, kind, g.seq())).addString(g.id()).addString(g.name()).addString(g.parentId())
                .addString(g.companyId()).addString(rule);
    }

    public static Tuple device(UUID migration, int seq, String id, String name, String group, String company, String hardwareId,
                               String inventory) {
        return Tuple.tuple(List.of(migration, seq)).addString(id).addString(name).addString(group).addString(company)
                .addString(hardwareId).addString(inventory);
    }

    /** Refreshes the planner's statistics of the freshly filled staging tables (else it guesses them empty). */
    public Uni<Void> analyze() {
        return pool.query("analyze staged_company, staged_group, staged_device").execute()
                .chain(() -> pool.query("analyze recommended_move").execute()).replaceWithVoid();
    }

    /**
     * The device problems, each naming the device: no id, no static group, an unknown static group, the same id more
     * than once (a device in two static groups), an unknown company.
     */
    public Uni<List<FieldError>> deviceProblems(UUID migration, boolean checkCompanies, int limit) {
        String sql = """
                (select 'devices[' || seq || '].id' as field, 'is required' as message, seq as pos
                   from staged_device where migration_id = $1 and legacy_id is null order by seq limit $2)
                union all
                (select 'devices[id=' || legacy_id || ']', 'appears ' || count(*) || ' times: a device sits in exactly one static group',
                        min(seq)
                   from staged_device where migration_id = $1 and legacy_id is not null
                  group by legacy_id having count(*) > 1 order by min(seq) limit $2)
                union all
                (select 'devices[id=' || legacy_id || '].staticGroupId', 'is required: every device sits in exactly one static group', seq
                   from staged_device where migration_id = $1 and legacy_id is not null and static_group_legacy_id is null
                  order by seq limit $2)
                union all
                (select 'devices[id=' || coalesce(d.legacy_id, '#' || d.seq) || '].staticGroupId',
                        'names ' || d.static_group_legacy_id || ', which is no static group of the export', d.seq
                   from staged_device d
                  where d.migration_id = $1 and d.static_group_legacy_id is not null
                    and not exists (select 1 from staged_group g where g.migration_id = $1 and g.kind = 'STATIC'
                                      and g.legacy_id = d.static_group_legacy_id)
                  order by d.seq limit $2)
                union all
                (select 'devices[id=' || coalesce(d.legacy_id, '#' || d.seq) || '].companyId',
                        'names ' || d.company_legacy_id || ', which is no company of the export', d.seq
                   from staged_device d
                  where $3 and d.migration_id = $1 and d.company_legacy_id is not null
                    and not exists (select 1 from staged_company c where c.migration_id = $1 and c.legacy_id = d.company_legacy_id)
                  order by d.seq limit $2)
                union all
                (select 'devices[' || seq || '].id', 'is longer than 100 characters', seq
                   from staged_device where migration_id = $1 and length(legacy_id) > 100 order by seq limit $2)
                union all
                (select 'devices[id=' || left(coalesce(legacy_id, '#' || seq), 100) || '].hardwareId', 'is longer than 200 characters', seq
                   from staged_device where migration_id = $1 and length(hardware_id) > 200 order by seq limit $2)
                union all
                (select 'devices[id=' || left(coalesce(legacy_id, '#' || seq), 100) || '].inventory', 'is larger than 64 KiB', seq
                   from staged_device where migration_id = $1 and length(inventory::text) > 65536 order by seq limit $2)
                """;
        return pool.preparedQuery(sql).execute(Tuple.of(migration, limit, checkCompanies)).map(rows -> {
            List<FieldError> out = new ArrayList<>();
            for (Row r : rows) {
                out.add(new FieldError(r.getString("field"), r.getString("message")));
            }
            return out;
        });
    }

    /**
     * The 7.0 recommendations: a static group whose devices all belong to one company moves under that company's
     * MSP-tree group; a device whose company is known moves into it unless its group moves already.
     */
    public Uni<Integer> recommendMoves(UUID migration) {
        String groups = """
                insert into recommended_move (migration_id, id, kind, legacy_id, name, company_legacy_id, reason)
                select $1, gen_random_uuid(), 'GROUP', g.legacy_id, g.name, m.company,
                       'every device of the group (' || m.devices || ') belongs to company ' || m.company
                  from (select static_group_legacy_id as grp, min(company_legacy_id) as company, count(*) as devices
                          from staged_device where migration_id = $1
                         group by static_group_legacy_id
                        having count(distinct company_legacy_id) = 1 and count(company_legacy_id) = count(*)) m
                  join staged_group g on g.migration_id = $1 and g.kind = 'STATIC' and g.legacy_id = m.grp
                  join staged_company c on c.migration_id = $1 and c.legacy_id = m.company
                 where g.parent_legacy_id is not null
                """;
        String devices = """
                insert into recommended_move (migration_id, id, kind, legacy_id, name, company_legacy_id, reason)
                select $1, gen_random_uuid(), 'DEVICE', d.legacy_id, d.name, d.company_legacy_id,
                       'the device belongs to company ' || d.company_legacy_id
                  from staged_device d
                  join staged_company c on c.migration_id = $1 and c.legacy_id = d.company_legacy_id
                 where d.migration_id = $1
                   and not exists (select 1 from recommended_move r where r.migration_id = $1 and r.kind = 'GROUP'
                                     and r.legacy_id = d.static_group_legacy_id)
                """;
        return pool.preparedQuery(groups).execute(Tuple.of(migration)).map(r -> r.rowCount())
                .call(() -> pool.query("analyze recommended_move").execute())
                .chain(n -> pool.preparedQuery(devices).execute(Tuple.of(migration)).map(r -> n + r.rowCount()));
    }

    private Uni<Void> batch(String sql, List<Tuple> rows) {
        if (rows.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return pool.preparedQuery(sql).executeBatch(rows).replaceWithVoid();
    }
}
