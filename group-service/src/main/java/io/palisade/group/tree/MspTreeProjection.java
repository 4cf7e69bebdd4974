package io.palisade.group.tree;

import io.palisade.events.AuditRecorded;
import io.palisade.events.CloudEvent;
import io.palisade.events.EventCodec;
import io.palisade.events.TenantEvents;
import io.palisade.group.common.SystemGroups;
import io.palisade.group.groups.GroupRepository;
import io.palisade.group.groups.GroupRow;
import io.palisade.kit.audit.AuditTrail;
import io.palisade.kit.scope.TreePaths;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Keeps the MSP tree of groups in step with {@code palisade.tenants}: one managed static group per
 * tenant, named like it, under its parent's group (top-level tenants under {@code All}). Events of
 * different tenants may arrive out of order (they are keyed per tenant), so a child seen before its
 * parent gets a placeholder parent that the parent's own event completes. Stale events (a version
 * below the stored one) change nothing; duplicates are dropped by the consumer log before this runs.
 */
@ApplicationScoped
public class MspTreeProjection {

    private static final Logger LOG = Logger.getLogger(MspTreeProjection.class);

    private final GroupRepository groups;
    private final AuditTrail audit;
    private final EventCodec codec = new EventCodec();

    public MspTreeProjection(GroupRepository groups, AuditTrail audit) {
        this.groups = groups;
        this.audit = audit;
    }

    public Uni<Void> apply(SqlClient db, CloudEvent event) {
        return switch (event.type()) {
            case TenantEvents.Created.TYPE -> {
                var e = codec.data(event, TenantEvents.Created.class);
                yield upsert(db, uuid(e.tenantId()), e.name(), e.type(), uuid(e.parentId()), e.path(), e.version());
            }
            case TenantEvents.Renamed.TYPE -> {
                var e = codec.data(event, TenantEvents.Renamed.class);
                yield upsert(db, uuid(e.tenantId()), e.name(), e.type(), uuid(e.parentId()), e.path(), e.version());
            }
            case TenantEvents.Moved.TYPE -> {
                var e = codec.data(event, TenantEvents.Moved.class);
                yield upsert(db, uuid(e.tenantId()), e.name(), e.type(), uuid(e.parentId()), e.path(), e.version());
            }
            case TenantEvents.Deleted.TYPE -> {
                var e = codec.data(event, TenantEvents.Deleted.class);
                yield delete(db, uuid(e.tenantId()), e.path());
            }
            default -> Uni.createFrom().voidItem();
        };
    }

    /** Brings the tenant node and its managed group to the state the event describes. */
    private Uni<Void> upsert(SqlClient db, UUID id, String name, String type, UUID parentId, String path, long version) {
        return db.preparedQuery("select path, version, deleted from tenant_node where id = $1").execute(Tuple.of(id))
                .chain(rows -> {
                    var it = rows.iterator();
                    if (!it.hasNext()) {
                        return db.preparedQuery("insert into tenant_node (id, parent_id, name, type, path, version) values ($1, $2, $3, $4, $5, $6)")
                                .execute(Tuple.of(id, parentId, name, type, path, version))
                                .chain(() -> ensureManagedGroup(db, id, name, parentId, path));
                    }
                    var row = it.next();
                    if (row.getBoolean("deleted") || row.getLong("version") > version) {
                        LOG.debugf("Ignoring a stale event for tenant %s (version %d)", id, version);
                        return Uni.createFrom().voidItem();
                    }
                    String oldPath = row.getString("path");
                    return db.preparedQuery("update tenant_node set parent_id = $2, name = $3, type = $4, path = $5, version = $6 where id = $1")
                            .execute(Tuple.of(id, parentId, name, type, path, version))
                            .chain(() -> oldPath.equals(path) ? Uni.createFrom().voidItem() : repath(db, oldPath, path))
                            .chain(() -> ensureManagedGroup(db, id, name, parentId, path));
                });
    }

    /** A move: every path under the old tenant path follows, in the projection and on every resource. */
    private Uni<Void> repath(SqlClient db, String oldPath, String newPath) {
        Tuple args = Tuple.of(newPath, oldPath.length() + 1, oldPath, TreePaths.upperBound(oldPath));
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (String sql : new String[] {
                "update tenant_node set path = $1 || substr(path, $2) where path >= $3 and path < $4",
                "update group_node set tenant_path = $1 || substr(tenant_path, $2) where tenant_path >= $3 and tenant_path < $4",
                "update device set tenant_path = $1 || substr(tenant_path, $2) where tenant_path >= $3 and tenant_path < $4",
                "update dynamic_template set tenant_path = $1 || substr(tenant_path, $2) where tenant_path >= $3 and tenant_path < $4",
                "update task set tenant_path = $1 || substr(tenant_path, $2) where tenant_path >= $3 and tenant_path < $4"}) {
            chain = chain.chain(() -> db.preparedQuery(sql).execute(args).replaceWithVoid());
        }
        return chain;
    }

    /** Creates, renames or re-parents the tenant's managed group; a missing parent group gets a placeholder. */
    private Uni<Void> ensureManagedGroup(SqlClient db, UUID tenantId, String name, UUID parentTenantId, String path) {
        Uni<GroupRow> parent = parentTenantId == null
                ? groups.find(db, SystemGroups.ALL)
                : placeholderIfMissing(db, parentTenantId, TreePaths.parentOf(path));
        return parent.chain(p -> groups.managedGroupOf(db, tenantId).chain(existing -> {
            if (existing == null) {
                UUID groupId = UUID.randomUUID();
                return groups.insert(db, new GroupRow(groupId, name, GroupRow.Kind.STATIC, p.id(), tenantId, path,
                        p.groupPath() + groupId + "/", true, null, null, 0));
            }
            Uni<Void> rename = existing.name().equals(name) ? Uni.createFrom().voidItem() : groups.rename(db, existing.id(), name);
            Uni<Void> move = p.id().equals(existing.parentId()) ? Uni.createFrom().voidItem() : groups.move(db, existing, p);
            return rename.chain(() -> move);
        }));
    }

    private Uni<GroupRow> placeholderIfMissing(SqlClient db, UUID tenantId, String path) {
        return groups.managedGroupOf(db, tenantId).chain(found -> {
            if (found != null) {
                return Uni.createFrom().item(found);
            }
            UUID grandParent = TreePaths.parentIdOf(path);
            LOG.debugf("Tenant %s is not known yet; placing a placeholder until its own event arrives", tenantId);
            return db.preparedQuery("insert into tenant_node (id, parent_id, name, type, path, version) values ($1, $2, $3, 'PENDING', $4, -1) on conflict (id) do nothing")
                    .execute(Tuple.of(tenantId, grandParent, "(pending) " + tenantId, path))
                    .chain(() -> ensureManagedGroup(db, tenantId, "(pending) " + tenantId, grandParent, path))
                    .chain(() -> groups.managedGroupOf(db, tenantId));
        });
    }

    /**
     * A deleted tenant: its devices are never deleted silently — they go to Lost &amp; Found, and an
     * audit entry says how many; then its groups and templates go.
     */
    private Uni<Void> delete(SqlClient db, UUID tenantId, String path) {
        return groups.managedGroupOf(db, tenantId).chain(group -> {
            Uni<Void> mark = db.preparedQuery("update tenant_node set deleted = true where id = $1").execute(Tuple.of(tenantId)).replaceWithVoid();
            if (group == null) {
                return mark;
            }
            String hi = TreePaths.upperBound(group.groupPath());
            return mark.chain(() -> db.preparedQuery("""
                            update device set static_group_id = $1, status = 'ORPHANED', tenant_path = '/'
                            where static_group_id in (select id from group_node where group_path >= $2 and group_path < $3)
                            returning id""")
                    .execute(Tuple.of(SystemGroups.LOST_AND_FOUND, group.groupPath(), hi)))
                    .chain(moved -> {
                        Uni<Void> note = moved.size() == 0 ? Uni.createFrom().voidItem()
                                : audit.record(db, new AuditRecorded(Instant.now(), null, "device.lost-and-found", "tenant",
                                        tenantId.toString(), tenantId.toString(), AuditTrail.SUCCESS,
                                        moved.size() + " device(s) of the deleted tenant moved to Lost & Found"), path).replaceWithVoid();
                        return note;
                    })
                    .chain(() -> db.preparedQuery("delete from dynamic_membership where group_id in (select id from group_node where group_path >= $1 and group_path < $2)")
                            .execute(Tuple.of(group.groupPath(), hi)))
                    .chain(() -> db.preparedQuery("delete from group_node where group_path >= $1 and group_path < $2")
                            .execute(Tuple.of(group.groupPath(), hi)))
                    .chain(() -> db.preparedQuery("delete from dynamic_template where tenant_id = $1").execute(Tuple.of(tenantId)))
                    .replaceWithVoid();
        });
    }

    private static UUID uuid(String s) {
        return s == null ? null : UUID.fromString(s);
    }
}
