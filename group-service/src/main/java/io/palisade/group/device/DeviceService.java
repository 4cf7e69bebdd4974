package io.palisade.group.device;

import io.palisade.events.AuditRecorded;
import io.palisade.group.common.GroupProblems;
import io.palisade.group.common.SystemGroups;
import io.palisade.group.device.DeviceDtos.DeviceView;
import io.palisade.group.device.DeviceRepository.DeviceRow;
import io.palisade.group.dynamic.MembershipEngine;
import io.palisade.group.groups.GroupRow;
import io.palisade.group.groups.GroupService;
import io.palisade.group.tree.TenantNodes;
import io.palisade.group.tree.TenantScope;
import io.palisade.kit.api.Ids;
import io.palisade.kit.api.Paging;
import io.palisade.kit.audit.AuditTrail;
import io.palisade.kit.problem.ProblemException;
import io.palisade.kit.scope.OperatorPrincipal;
import io.palisade.kit.scope.OperatorScope;
import io.palisade.kit.scope.Permissions;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.UUID;

/** Reading devices and moving them between static groups, within the caller's scope. */
@ApplicationScoped
public class DeviceService {

    private final Pool pool;
    private final DeviceRepository devices;
    private final GroupService groups;
    private final TenantNodes tenants;
    private final TenantScope tenantScope;
    private final MembershipEngine membership;
    private final OperatorScope scope;
    private final AuditTrail audit;

    public DeviceService(Pool pool, DeviceRepository devices, GroupService groups, TenantNodes tenants,
                         TenantScope tenantScope, MembershipEngine membership, OperatorScope scope, AuditTrail audit) {
        this.pool = pool;
        this.devices = devices;
        this.groups = groups;
        this.tenants = tenants;
        this.tenantScope = tenantScope;
        this.membership = membership;
        this.scope = scope;
        this.audit = audit;
    }

    public static ProblemException notFound() {
        return ProblemException.notFound("Device");
    }

    private Uni<DeviceRow> visible(SqlClient db, UUID id, String permission) {
        return devices.find(db, id, scope.principal().homePath()).invoke(d -> scope.authorize(d == null ? null : d.tenantPath(), permission, DeviceService::notFound));
    }

    public Uni<DeviceView> get(UUID id) {
        return visible(pool, id, Permissions.DEVICES_READ).map(DeviceRow::view);
    }

    public Uni<Paging.Page<DeviceView>> list(UUID tenantId, UUID groupId, String q, String cursor, int limit) {
        if (q != null && q.length() > 200) {
            throw ProblemException.invalid("q", "must be at most 200 characters");
        }
        String after = Paging.decode(cursor);
        UUID afterId = after == null ? null : Ids.parse("cursor", after);
        Uni<String> root = tenantScope.subtreeRoot(pool, tenantId, Permissions.DEVICES_READ);
        return root.chain(path -> {
            if (groupId == null) {
                return devices.page(pool, scope.homePath(), path, null, null, null, blankToNull(q), afterId, limit + 1);
            }
            return groups.visible(pool, groupId, Permissions.DEVICES_READ).chain(g -> g.isStatic()
                    ? devices.page(pool, scope.homePath(), path, g.id(), null, null, blankToNull(q), afterId, limit + 1)
                    : devices.page(pool, scope.homePath(), path, null, null, g.id(), blankToNull(q), afterId, limit + 1));
        }).map(rows -> Paging.page(rows, limit, d -> d.view().id().toString(), DeviceRow::view));
    }

    /** Members of a group: a static group's own devices (with {@code recursive}, its subgroups' too), a dynamic group's members. */
    public Uni<Paging.Page<DeviceView>> members(UUID groupId, boolean recursive, String cursor, int limit) {
        String after = Paging.decode(cursor);
        UUID afterId = after == null ? null : Ids.parse("cursor", after);
        return groups.visible(pool, groupId, Permissions.DEVICES_READ).chain(g -> {
            String path = scope.homePath();
            if (!g.isStatic()) {
                return devices.page(pool, scope.homePath(), path, null, null, g.id(), null, afterId, limit + 1);
            }
            return recursive
                    ? devices.page(pool, scope.homePath(), path, null, g.groupPath(), null, null, afterId, limit + 1)
                    : devices.page(pool, scope.homePath(), path, g.id(), null, null, null, afterId, limit + 1);
        }).map(rows -> Paging.page(rows, limit, d -> d.view().id().toString(), DeviceRow::view));
    }

    /**
     * Moves a device into another static group. The caller needs {@code devices.write} over both
     * ends; the target must lie in the device's customer's part of the tree. A device in Lost &amp;
     * Found (its customer was deleted) may be adopted by a customer in the caller's scope.
     */
    public Uni<DeviceView> move(UUID deviceId, UUID groupId) {
        OperatorPrincipal caller = scope.principal();
        return pool.withTransaction(db -> visible(db, deviceId, Permissions.DEVICES_WRITE).chain(device ->
                groups.visible(db, groupId, Permissions.DEVICES_WRITE).chain(target -> {
                    if (!target.isStatic() || target.managed() && target.tenantId() == null) {
                        throw new ProblemException(GroupProblems.GROUP_RULE, "Devices live in static groups of a customer");
                    }
                    boolean orphan = SystemGroups.LOST_AND_FOUND.equals(device.view().staticGroupId())
                            || "ORPHANED".equals(device.view().status());
                    Uni<TenantNodes.TenantNode> customer = orphan
                            ? customerOf(db, target)
                            : tenants.find(db, device.customerId()).invoke(c -> {
                                if (c == null || !target.tenantPath().startsWith(c.path())) {
                                    throw new ProblemException(GroupProblems.GROUP_RULE,
                                            "A device stays within its customer's groups");
                                }
                            });
                    return customer.chain(c -> devices.move(db, deviceId, target.id(), c.id(), c.path(),
                                    orphan ? "ACTIVE" : device.view().status())
                            .chain(() -> membership.reevaluate(db, deviceId))
                            .chain(() -> audit.record(db, new AuditRecorded(Instant.now(), caller.getName(), "device.moved", "device",
                                    deviceId.toString(), c.id().toString(), AuditTrail.SUCCESS, "moved to group " + target.id()), c.path())));
                }))
                .chain(() -> devices.find(db, deviceId, caller.homePath())))
                .map(DeviceRow::view);
    }

    /** The customer whose part of the tree a group lies in. */
    private Uni<TenantNodes.TenantNode> customerOf(SqlClient db, GroupRow target) {
        if (target.tenantId() == null) {
            throw new ProblemException(GroupProblems.GROUP_RULE, "Devices live in static groups of a customer");
        }
        return tenants.find(db, target.tenantId()).invoke(t -> {
            if (t == null || !t.isCustomer()) {
                throw new ProblemException(GroupProblems.GROUP_RULE, "Devices live in static groups of a customer");
            }
        });
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
