package io.palisade.group.device;

import com.fasterxml.jackson.databind.JsonNode;
import io.palisade.events.AuditRecorded;
import io.palisade.events.CloudEvent;
import io.palisade.events.DeviceEvents;
import io.palisade.events.EventCodec;
import io.palisade.group.common.Json;
import io.palisade.group.common.SystemGroups;
import io.palisade.group.dynamic.MembershipEngine;
import io.palisade.group.dynamic.rule.DeviceFacts;
import io.palisade.group.groups.GroupRepository;
import io.palisade.group.groups.GroupRow;
import io.palisade.group.tree.TenantNodes;
import io.palisade.kit.audit.AuditTrail;
import io.palisade.kit.scope.TreePaths;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * The device registry, fed by {@code palisade.devices}: enrolment places a device in a static group,
 * inventory updates its facts (and so its dynamic groups), check-ins its last-seen time, revocation
 * its status, task events the task's per-device status.
 */
@ApplicationScoped
public class DeviceRegistry {

    private static final Logger LOG = Logger.getLogger(DeviceRegistry.class);
    /** How long an enrolment waits for its customer's tenant event before the device goes to Lost & Found. */
    private static final Duration CUSTOMER_GRACE = Duration.ofMinutes(2);
    private static final int MAX_OUTPUT = 4096;

    private final GroupRepository groups;
    private final TenantNodes tenants;
    private final MembershipEngine membership;
    private final AuditTrail audit;
    private final EventCodec codec = new EventCodec();

    public DeviceRegistry(GroupRepository groups, TenantNodes tenants, MembershipEngine membership, AuditTrail audit) {
        this.groups = groups;
        this.tenants = tenants;
        this.membership = membership;
        this.audit = audit;
    }

    /** Thrown to have an event retried later: what it refers to has not arrived yet. */
    static final class NotYet extends RuntimeException {
        NotYet(String message) {
            super(message, null, false, false);
        }
    }

    public Uni<Void> apply(SqlClient db, CloudEvent event) {
        return switch (event.type()) {
            case DeviceEvents.Enrolled.TYPE -> enrolled(db, event, codec.data(event, DeviceEvents.Enrolled.class));
            case DeviceEvents.InventoryChanged.TYPE -> inventory(db, codec.data(event, DeviceEvents.InventoryChanged.class));
            case DeviceEvents.CheckedIn.TYPE -> {
                var e = codec.data(event, DeviceEvents.CheckedIn.class);
                Instant at = e.at() == null ? event.time() : e.at();
                yield db.preparedQuery("update device set last_seen_at = greatest(coalesce(last_seen_at, $2), $2) where id = $1")
                        .execute(Tuple.of(UUID.fromString(e.deviceId()), at.atOffset(ZoneOffset.UTC))).replaceWithVoid();
            }
            case DeviceEvents.Revoked.TYPE -> db.preparedQuery("update device set status = 'REVOKED' where id = $1")
                    .execute(Tuple.of(UUID.fromString(codec.data(event, DeviceEvents.Revoked.class).deviceId()))).replaceWithVoid();
            case DeviceEvents.TaskDelivered.TYPE -> {
                var e = codec.data(event, DeviceEvents.TaskDelivered.class);
                yield db.preparedQuery("update task_device set status = 'DELIVERED', updated_at = now() where task_id = $1 and device_id = $2 and status = 'PENDING'")
                        .execute(Tuple.of(UUID.fromString(e.taskId()), UUID.fromString(e.deviceId()))).replaceWithVoid();
            }
            case DeviceEvents.TaskResult.TYPE -> {
                var e = codec.data(event, DeviceEvents.TaskResult.class);
                String status = "SUCCEEDED".equals(e.status()) ? "SUCCEEDED" : "FAILED";
                String output = e.output() == null ? null : e.output().length() > MAX_OUTPUT ? e.output().substring(0, MAX_OUTPUT) : e.output();
                yield db.preparedQuery("update task_device set status = $3, output = $4, updated_at = now() where task_id = $1 and device_id = $2")
                        .execute(Tuple.of(UUID.fromString(e.taskId()), UUID.fromString(e.deviceId()), status, output)).replaceWithVoid();
            }
            default -> Uni.createFrom().voidItem();
        };
    }

    private Uni<Void> enrolled(SqlClient db, CloudEvent event, DeviceEvents.Enrolled e) {
        UUID deviceId = UUID.fromString(e.deviceId());
        UUID customerId = UUID.fromString(e.customerId());
        return tenants.find(db, customerId).chain(customer -> {
            if (customer == null || customer.deleted()) {
                Instant time = event.time() == null ? Instant.now() : event.time();
                if (customer == null && time.plus(CUSTOMER_GRACE).isAfter(Instant.now())) {
                    throw new NotYet("customer " + customerId + " is not known yet");
                }
                return register(db, deviceId, customerId, e, TreePaths.ROOT, SystemGroups.LOST_AND_FOUND, "ORPHANED")
                        .call(() -> audit.record(db, new AuditRecorded(Instant.now(), null, "device.lost-and-found", "device",
                                deviceId.toString(), null, AuditTrail.SUCCESS, "enrolled for an unknown customer"), TreePaths.ROOT));
            }
            return placement(db, customerId, customer.path(), e.staticGroupId())
                    .chain(group -> register(db, deviceId, customerId, e, customer.path(), group, "ACTIVE"));
        }).chain(() -> membership.reevaluate(db, deviceId));
    }

    /** The installer's group when it lies in the customer's part of the tree, else the customer's own group. */
    private Uni<UUID> placement(SqlClient db, UUID customerId, String customerPath, String requestedGroupId) {
        Uni<GroupRow> requested = requestedGroupId == null ? Uni.createFrom().nullItem()
                : groups.find(db, UUID.fromString(requestedGroupId));
        return requested.chain(g -> {
            if (g != null && g.isStatic() && g.tenantPath().startsWith(customerPath)) {
                return Uni.createFrom().item(g.id());
            }
            return groups.managedGroupOf(db, customerId).map(own -> {
                if (own == null) {
                    throw new NotYet("the group of customer " + customerId + " does not exist yet");
                }
                return own.id();
            });
        });
    }

    /**
     * Inserts the device, or — the same id again — updates it: a re-enrolment keeps the device where it is, and an
     * imported record awaiting its agent (see {@link DeviceImport}) keeps its group and passes to the enrolling customer.
     */
    private Uni<Void> register(SqlClient db, UUID deviceId, UUID customerId, DeviceEvents.Enrolled e, String path, UUID groupId,
                               String status) {
        String name = e.hostname() == null || e.hostname().isBlank() ? "device-" + deviceId.toString().substring(0, 8) : e.hostname();
        return db.preparedQuery("""
                        insert into device (id, name, customer_id, tenant_path, static_group_id, hardware_id, status)
                        values ($1, $2, $3, $4, $5, $6, $7)
                        on conflict (id) do update set name = excluded.name, hardware_id = excluded.hardware_id,
                            customer_id = case when device.status = 'AWAITING_AGENT' then excluded.customer_id else device.customer_id end,
                            tenant_path = case when device.status = 'AWAITING_AGENT' then excluded.tenant_path else device.tenant_path end,
                            status = case when device.status in ('REVOKED', 'AWAITING_AGENT') then 'ACTIVE' else device.status end""")
                .execute(Tuple.from(new Object[] {deviceId, truncate(name, 200), customerId, path, groupId,
                        e.hardwareId() == null ? null : truncate(e.hardwareId(), 200), status}))
                .replaceWithVoid();
    }

    private Uni<Void> inventory(SqlClient db, DeviceEvents.InventoryChanged e) {
        UUID deviceId = UUID.fromString(e.deviceId());
        JsonNode inventory = e.inventory();
        DeviceFacts facts = DeviceFacts.from(inventory);
        List<Object> args = new ArrayList<>();
        args.add(deviceId);
        args.add(Json.jsonb(inventory));
        args.addAll(facts.values());
        String set = "inventory = $2, inventory_at = now(), " + DeviceFacts.assignments(3);
        return db.preparedQuery("update device set " + set + " where id = $1 returning tenant_path, "
                        + "(select g.group_path from group_node g where g.id = static_group_id) as static_path")
                .execute(Tuple.from(args))
                .chain(rows -> {
                    var it = rows.iterator();
                    if (!it.hasNext()) {
                        LOG.warnf("Inventory for unknown device %s ignored", deviceId);
                        return Uni.createFrom().voidItem();
                    }
                    var row = it.next();
                    return membership.reevaluate(db, deviceId, row.getString("tenant_path"), row.getString("static_path"), facts);
                });
    }

    private static String truncate(String s, int max) {
        return s.length() > max ? s.substring(0, max) : s;
    }
}
