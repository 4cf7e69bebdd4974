package io.palisade.group.groups;

import io.palisade.kit.scope.TreePaths;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** SQL over {@code group_node}; every method takes the client of the caller's transaction. */
@ApplicationScoped
public class GroupRepository {

    private static final String SELECT = "select " + GroupRow.COLUMNS + " from group_node ";

    public Uni<GroupRow> find(SqlClient db, UUID id) {
        return db.preparedQuery(SELECT + "where id = $1").execute(Tuple.of(id)).map(GroupRepository::first);
    }

    public Uni<GroupRow> managedGroupOf(SqlClient db, UUID tenantId) {
        return db.preparedQuery(SELECT + "where tenant_id = $1 and managed").execute(Tuple.of(tenantId))
                .map(GroupRepository::first);
    }

    /** Groups whose tenant lies under {@code path}, optionally children of one parent, in group-path order. */
    public Uni<List<GroupRow>> page(SqlClient db, String path, UUID parentId, String afterGroupPath, int limit) {
        return db.preparedQuery(SELECT + """
                        where tenant_path >= $1 and tenant_path < $2 and ($3::uuid is null or parent_id = $3)
                          and group_path > $4 order by group_path limit $5""")
                .execute(Tuple.of(path, TreePaths.upperBound(path), parentId, afterGroupPath == null ? "" : afterGroupPath, limit))
                .map(GroupRepository::all);
    }

    public Uni<List<GroupRow>> findAll(SqlClient db, java.util.Collection<UUID> ids) {
        return db.preparedQuery(SELECT + "where id = any($1)").execute(Tuple.of(ids.toArray(new UUID[0])))
                .map(GroupRepository::all);
    }

    /** The lower-cased names of the children of each of {@code parentIds}, as "parent/name". */
    public Uni<java.util.Set<String>> childNames(SqlClient db, java.util.Collection<UUID> parentIds) {
        return db.preparedQuery("select parent_id, lower(name) as name from group_node where parent_id = any($1)")
                .execute(Tuple.of(parentIds.toArray(new UUID[0]))).map(rows -> {
                    java.util.Set<String> out = new java.util.HashSet<>();
                    rows.forEach(r -> out.add(r.getUUID("parent_id") + "/" + r.getString("name")));
                    return out;
                });
    }

    public Uni<Void> insertAll(SqlClient db, List<GroupRow> rows) {
        List<Tuple> tuples = new ArrayList<>();
        for (GroupRow g : rows) {
            tuples.add(Tuple.from(new Object[] {g.id(), g.name(), g.kind().name(), g.parentId(), g.tenantId(),
                    g.tenantPath(), g.groupPath(), g.managed(), g.systemRole(), g.templateId()}));
        }
        return db.preparedQuery("""
                        insert into group_node (id, name, kind, parent_id, tenant_id, tenant_path, group_path, managed,
                                                system_role, template_id)
                        values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)""")
                .executeBatch(tuples).replaceWithVoid();
    }

    public Uni<Boolean> siblingNameTaken(SqlClient db, UUID parentId, String name, UUID except) {
        return db.preparedQuery("select 1 from group_node where parent_id = $1 and lower(name) = lower($2) and id <> $3 limit 1")
                .execute(Tuple.of(parentId, name, except == null ? new UUID(0, 0) : except))
                .map(rows -> rows.size() > 0);
    }

    public Uni<Void> insert(SqlClient db, GroupRow g) {
        return db.preparedQuery("""
                        insert into group_node (id, name, kind, parent_id, tenant_id, tenant_path, group_path, managed,
                                                system_role, template_id)
                        values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)""")
                .execute(Tuple.from(new Object[] {g.id(), g.name(), g.kind().name(), g.parentId(), g.tenantId(),
                        g.tenantPath(), g.groupPath(), g.managed(), g.systemRole(), g.templateId()}))
                .replaceWithVoid();
    }

    public Uni<Void> rename(SqlClient db, UUID id, String name) {
        return db.preparedQuery("update group_node set name = $2, version = version + 1 where id = $1")
                .execute(Tuple.of(id, name)).replaceWithVoid();
    }

    /**
     * Moves a group under a new parent: its own and its descendants' group paths follow, and when
     * {@code newTenantId} is given, the custom groups of the subtree take that tenant.
     */
    public Uni<Void> move(SqlClient db, GroupRow group, GroupRow newParent) {
        String newPath = newParent.groupPath() + group.id() + "/";
        return db.preparedQuery("update group_node set parent_id = $2, version = version + 1 where id = $1")
                .execute(Tuple.of(group.id(), newParent.id()))
                .chain(() -> db.preparedQuery("""
                                update group_node set group_path = $1 || substr(group_path, $2)
                                where group_path >= $3 and group_path < $4""")
                        .execute(Tuple.of(newPath, group.groupPath().length() + 1, group.groupPath(),
                                TreePaths.upperBound(group.groupPath()))))
                .replaceWithVoid();
    }

    /** Sets the tenant of the custom groups of a subtree (after a move to another tenant's part of the tree). */
    public Uni<Void> retenantSubtree(SqlClient db, String groupPath, UUID tenantId, String tenantPath) {
        return db.preparedQuery("""
                        update group_node set tenant_id = $1, tenant_path = $2
                        where group_path >= $3 and group_path < $4 and not managed""")
                .execute(Tuple.of(tenantId, tenantPath, groupPath, TreePaths.upperBound(groupPath))).replaceWithVoid();
    }

    public Uni<Boolean> hasChildren(SqlClient db, UUID id) {
        return db.preparedQuery("select 1 from group_node where parent_id = $1 limit 1").execute(Tuple.of(id))
                .map(rows -> rows.size() > 0);
    }

    public Uni<Boolean> hasDevicesInSubtree(SqlClient db, String groupPath) {
        return db.preparedQuery("""
                        select 1 from device d join group_node g on g.id = d.static_group_id
                        where g.group_path >= $1 and g.group_path < $2 limit 1""")
                .execute(Tuple.of(groupPath, TreePaths.upperBound(groupPath))).map(rows -> rows.size() > 0);
    }

    /**
     * Whether a group subtree could not take the tenant at {@code tenantPath}: it holds a device of a tenant outside
     * that tenant's part of the tree, or a dynamic group whose template is not usable there (owned by neither that
     * tenant nor one of its ancestors).
     */
    public Uni<Boolean> boundOutside(SqlClient db, String groupPath, String tenantPath) {
        return db.preparedQuery("""
                        select exists (select 1 from device d join group_node g on g.id = d.static_group_id
                                       where g.group_path >= $1 and g.group_path < $2 and not starts_with(d.tenant_path, $3))
                            or exists (select 1 from group_node g join dynamic_template t on t.id = g.template_id
                                       where g.group_path >= $1 and g.group_path < $2 and g.kind = 'DYNAMIC'
                                         and not starts_with($3, t.tenant_path))""")
                .execute(Tuple.of(groupPath, TreePaths.upperBound(groupPath), tenantPath))
                .map(rows -> rows.iterator().next().getBoolean(0));
    }

    public Uni<Void> delete(SqlClient db, UUID id) {
        return db.preparedQuery("delete from group_node where id = $1").execute(Tuple.of(id)).replaceWithVoid();
    }

    /** Dynamic groups that use a template, shallowest first. */
    public Uni<List<GroupRow>> usingTemplate(SqlClient db, UUID templateId) {
        return db.preparedQuery(SELECT + "where template_id = $1 order by length(group_path)").execute(Tuple.of(templateId))
                .map(GroupRepository::all);
    }

    public Uni<List<GroupRow>> dynamicChildren(SqlClient db, UUID parentId) {
        return db.preparedQuery(SELECT + "where parent_id = $1 and kind = 'DYNAMIC'").execute(Tuple.of(parentId))
                .map(GroupRepository::all);
    }

    static GroupRow first(RowSet<io.vertx.mutiny.sqlclient.Row> rows) {
        var it = rows.iterator();
        return it.hasNext() ? GroupRow.of(it.next()) : null;
    }

    static List<GroupRow> all(RowSet<io.vertx.mutiny.sqlclient.Row> rows) {
        List<GroupRow> out = new ArrayList<>();
        rows.forEach(r -> out.add(GroupRow.of(r)));
        return out;
    }
}
