package io.palisade.group.device;

import io.palisade.group.common.Json;
import io.palisade.group.device.DeviceDtos.DeviceView;
import io.palisade.kit.scope.TreePaths;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/** SQL over {@code device} for the API. */
@ApplicationScoped
public class DeviceRepository {

    /** A device and the path that scopes it. */
    public record DeviceRow(DeviceView view, String tenantPath, UUID customerId) {
    }

    /**
     * The device columns, and the ids of its dynamic groups that the reader may see: those whose tenant
     * lies in the reader's subtree, given as parameters {@code $(visible)} and {@code $(visible + 1)}.
     */
    private static String select(int visible) {
        return """
                select d.id, d.name, d.customer_id, d.tenant_path, d.static_group_id, d.inventory, d.last_seen_at, d.status,
                       array(select m.group_id from dynamic_membership m join group_node g on g.id = m.group_id
                             where m.device_id = d.id and g.tenant_path >= $%d and g.tenant_path < $%d
                             order by m.group_id) as dynamic_ids
                from device d
                """.formatted(visible, visible + 1);
    }

    /** A device; its dynamic group ids limited to those of tenants under {@code readerPath}. */
    public Uni<DeviceRow> find(SqlClient db, UUID id, String readerPath) {
        return db.preparedQuery(select(2) + " where d.id = $1")
                .execute(Tuple.of(id, readerPath, TreePaths.upperBound(readerPath))).map(rows -> {
            var it = rows.iterator();
            return it.hasNext() ? row(it.next()) : null;
        });
    }

    /**
     * A page of devices under {@code path} as a reader at {@code readerPath} sees them; optionally only those in static groups of a group subtree
     * ({@code staticGroupPath}, or exactly {@code staticGroupId}), or members of a dynamic group, or
     * whose name contains {@code q}.
     */
    public Uni<List<DeviceRow>> page(SqlClient db, String readerPath, String path, UUID staticGroupId, String staticGroupPath,
                                     UUID dynamicGroupId, String q, UUID afterId, int limit) {
        return db.preparedQuery(select(10) + """
                        where d.tenant_path >= $1 and d.tenant_path < $2
                          and ($3::uuid is null or d.static_group_id = $3)
                          and ($4::text is null or d.static_group_id in
                               (select g.id from group_node g where g.group_path >= $4 and g.group_path < $5))
                          and ($6::uuid is null or d.id in (select m.device_id from dynamic_membership m where m.group_id = $6))
                          and ($7::text is null or lower(d.name) like '%' || $7 || '%')
                          and d.id > $8
                        order by d.id limit $9""")
                .execute(Tuple.from(new Object[] {path, TreePaths.upperBound(path), staticGroupId, staticGroupPath,
                        staticGroupPath == null ? null : TreePaths.upperBound(staticGroupPath), dynamicGroupId,
                        q == null ? null : escapeLike(q.toLowerCase()), afterId == null ? new UUID(0, 0) : afterId, limit,
                        readerPath, TreePaths.upperBound(readerPath)}))
                .map(rows -> {
                    List<DeviceRow> out = new ArrayList<>();
                    rows.forEach(r -> out.add(row(r)));
                    return out;
                });
    }

    public Uni<Void> move(SqlClient db, UUID deviceId, UUID groupId, UUID customerId, String tenantPath, String status) {
        return db.preparedQuery("update device set static_group_id = $2, customer_id = $3, tenant_path = $4, status = $5 where id = $1")
                .execute(Tuple.of(deviceId, groupId, customerId, tenantPath, status)).replaceWithVoid();
    }

    private static DeviceRow row(Row r) {
        UUID[] dynamic = r.getArrayOfUUIDs("dynamic_ids");
        OffsetDateTime seen = r.getOffsetDateTime("last_seen_at");
        DeviceView view = new DeviceView(r.getUUID("id"), r.getString("name"), r.getUUID("customer_id"),
                r.getUUID("static_group_id"), dynamic == null ? List.of() : Arrays.asList(dynamic),
                Json.tree(r.getValue("inventory")), seen == null ? null : seen.toInstant(), r.getString("status"));
        return new DeviceRow(view, r.getString("tenant_path"), r.getUUID("customer_id"));
    }

    static String escapeLike(String s) {
        return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }
}
