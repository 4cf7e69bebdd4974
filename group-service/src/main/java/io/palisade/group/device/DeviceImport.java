package io.palisade.group.device;

import io.palisade.events.AuditRecorded;
import io.palisade.events.CommandEvents;
import io.palisade.group.common.GroupProblems;
import io.palisade.group.common.SystemGroups;
import io.palisade.group.device.DeviceDtos.ImportDevice;
import io.palisade.group.device.DeviceDtos.ImportedDevice;
import io.palisade.group.dynamic.MembershipEngine;
import io.palisade.group.dynamic.MembershipEngine.DeviceState;
import io.palisade.group.dynamic.rule.DeviceFacts;
import io.palisade.group.groups.GroupRepository;
import io.palisade.group.groups.GroupRow;
import io.palisade.group.groups.GroupService;
import io.palisade.group.tree.TenantNodes;
import io.palisade.group.tree.TenantNodes.TenantNode;
import io.palisade.kit.audit.AuditTrail;
import io.palisade.kit.outbox.Outbox;
import io.palisade.kit.problem.Problem;
import io.palisade.kit.problem.ProblemException;
import io.palisade.kit.scope.OperatorPrincipal;
import io.palisade.kit.scope.OperatorScope;
import io.palisade.kit.scope.Permissions;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Registers device records awaiting their agents, many per call (migrations bring a legacy installation's devices
 * this way). Each record gets its device id here, sits in the static group asked for, and is evaluated against the
 * dynamic groups with its last known inventory at once; the agent gateway learns of it from
 * {@code io.palisade.command.device-expected.v1} and gives its id to the agent that enrols later with the same
 * hardware id. The caller needs {@code devices.write} over every tenant and every group named; the whole batch is
 * one transaction and an import key never creates a second device for its tenant, so repeating a batch is harmless.
 */
@ApplicationScoped
public class DeviceImport {

    public static final int MAX_BATCH = 1000;
    static final int MAX_INVENTORY_CHARS = 64 * 1024;
    static final String AWAITING_AGENT = "AWAITING_AGENT";

    private final Pool pool;
    private final GroupRepository groups;
    private final TenantNodes tenants;
    private final MembershipEngine membership;
    private final OperatorScope scope;
    private final Outbox outbox;

    public DeviceImport(Pool pool, GroupRepository groups, TenantNodes tenants, MembershipEngine membership, OperatorScope scope,
                        Outbox outbox) {
        this.pool = pool;
        this.groups = groups;
        this.tenants = tenants;
        this.membership = membership;
        this.scope = scope;
        this.outbox = outbox;
    }

    /** A record to insert, with everything resolved. */
    private record NewDevice(int index, UUID id, ImportDevice request, TenantNode tenant, GroupRow group, String document,
                             DeviceFacts facts) {
    }

    public Uni<List<ImportedDevice>> importAll(List<ImportDevice> requests) {
        OperatorPrincipal caller = scope.principal();
        String[] documents = checked(requests);
        Set<UUID> tenantIds = new LinkedHashSet<>();
        Set<UUID> groupIds = new LinkedHashSet<>();
        requests.forEach(r -> {
            tenantIds.add(r.tenantId());
            groupIds.add(r.staticGroupId());
        });
        return pool.withTransaction(db -> tenants.findAll(db, tenantIds).chain(tenantsById -> groups.findAll(db, groupIds).chain(found -> {
            Map<UUID, GroupRow> groupsById = new HashMap<>();
            found.forEach(g -> groupsById.put(g.id(), g));
            for (UUID id : tenantIds) {
                TenantNode t = tenantsById.get(id);
                scope.authorize(t == null || t.deleted() ? null : t.path(), Permissions.DEVICES_WRITE, () -> ProblemException.notFound("Tenant"));
            }
            for (UUID id : groupIds) {
                GroupRow g = groupsById.get(id);
                scope.authorize(g == null ? null : g.tenantPath(), Permissions.DEVICES_WRITE, GroupService::notFound);
            }
            for (int i = 0; i < requests.size(); i++) {
                placementRule(i, tenantsById.get(requests.get(i).tenantId()), groupsById.get(requests.get(i).staticGroupId()));
            }
            return existing(db, requests).chain(known -> {
                List<NewDevice> fresh = new ArrayList<>();
                for (int i = 0; i < requests.size(); i++) {
                    ImportDevice r = requests.get(i);
                    if (!known.containsKey(r.key())) {
                        fresh.add(new NewDevice(i, UUID.randomUUID(), r, tenantsById.get(r.tenantId()), groupsById.get(r.staticGroupId()),
                                documents[i], DeviceFacts.from(r.inventory())));
                    }
                }
                return insert(db, fresh).chain(inserted -> {
                    List<NewDevice> created = fresh.stream().filter(d -> inserted.contains(d.id())).toList();
                    Uni<Void> missing = created.size() == fresh.size() ? Uni.createFrom().voidItem()
                            // another call imported some of the same keys meanwhile: theirs stand
                            : byKey(db, fresh.stream().filter(d -> !inserted.contains(d.id())).map(NewDevice::request).toList())
                                    .invoke(known::putAll).replaceWithVoid();
                    return missing
                            .chain(() -> membership.reevaluate(db, created.stream().map(d -> new DeviceState(d.id(), d.tenant().path(),
                                    d.group().groupPath(), d.facts())).toList()))
                            .chain(() -> outbox.publishAll(db, events(caller, created)))
                            .map(ignored -> {
                                Map<String, UUID> createdIds = new HashMap<>();
                                created.forEach(d -> createdIds.put(d.request().key(), d.id()));
                                return requests.stream().map(r -> createdIds.containsKey(r.key())
                                        ? new ImportedDevice(r.key(), createdIds.get(r.key()), true)
                                        : new ImportedDevice(r.key(), known.get(r.key()), false)).toList();
                            });
                });
            });
        })));
    }

    /** Keys unique within the batch, inventories objects of bounded size; the inventories' text, by index. */
    private static String[] checked(List<ImportDevice> requests) {
        String[] documents = new String[requests.size()];
        Map<String, Integer> keys = new HashMap<>();
        for (int i = 0; i < requests.size(); i++) {
            ImportDevice r = requests.get(i);
            Integer earlier = keys.putIfAbsent(r.key(), i);
            if (earlier != null) {
                throw ProblemException.invalid("devices[" + i + "].key", "repeats the key of devices[" + earlier + "]");
            }
            if (r.inventory() != null && !r.inventory().isNull()) {
                if (!r.inventory().isObject()) {
                    throw ProblemException.invalid("devices[" + i + "].inventory", "must be a JSON object");
                }
                String document = r.inventory().toString();
                if (document.length() > MAX_INVENTORY_CHARS) {
                    throw ProblemException.invalid("devices[" + i + "].inventory", "must be at most 64 KiB");
                }
                documents[i] = document;
            }
        }
        return documents;
    }

    /**
     * A record sits in a static group (not Lost &amp; Found) of its tenant, of one of the tenant's ancestors (a legacy
     * group beside the MSP tree) or of the tenant's subtree.
     */
    private static void placementRule(int index, TenantNode tenant, GroupRow group) {
        String problem = null;
        if (!group.isStatic() || SystemGroups.LOST_AND_FOUND.equals(group.id())) {
            problem = "devices live in static groups other than Lost & Found";
        } else if (!tenant.path().startsWith(group.tenantPath()) && !group.tenantPath().startsWith(tenant.path())) {
            problem = "the group belongs neither to the device's tenant, nor to one of its ancestors, nor to its subtree";
        }
        if (problem != null) {
            throw new ProblemException(GroupProblems.GROUP_RULE, "devices[" + index + "]: " + problem,
                    List.of(new Problem.FieldError("devices[" + index + "].staticGroupId", problem)), null);
        }
    }

    /**
     * The devices the batch's keys stand for already: imported before under the same key, or — a machine whose agent
     * enrolled before the import — a device of the same tenant with the same hardware id (not revoked).
     */
    private Uni<Map<String, UUID>> existing(SqlClient db, List<ImportDevice> requests) {
        List<ImportDevice> withHardware = requests.stream().filter(r -> r.hardwareId() != null && !r.hardwareId().isBlank()).toList();
        return byKey(db, requests).chain(known -> {
            if (withHardware.isEmpty()) {
                return Uni.createFrom().item(known);
            }
            return db.preparedQuery("""
                            select u.key, d.id from unnest($1::text[], $2::uuid[], $3::text[]) as u (key, tenant_id, hardware_id)
                            join device d on d.customer_id = u.tenant_id and d.hardware_id = u.hardware_id and d.status <> 'REVOKED'""")
                    .execute(Tuple.of(withHardware.stream().map(ImportDevice::key).toArray(String[]::new),
                            withHardware.stream().map(ImportDevice::tenantId).toArray(UUID[]::new),
                            withHardware.stream().map(ImportDevice::hardwareId).toArray(String[]::new)))
                    .map(rows -> {
                        rows.forEach(row -> known.putIfAbsent(row.getString("key"), row.getUUID("id")));
                        return known;
                    });
        });
    }

    /** The devices imported before under these keys, each for the tenant its request names. */
    private static Uni<Map<String, UUID>> byKey(SqlClient db, List<ImportDevice> requests) {
        return db.preparedQuery("""
                        select u.key, d.id from unnest($1::text[], $2::uuid[]) as u (key, tenant_id)
                        join device d on d.import_tenant_id = u.tenant_id and d.import_key = u.key""")
                .execute(Tuple.of(requests.stream().map(ImportDevice::key).toArray(String[]::new),
                        requests.stream().map(ImportDevice::tenantId).toArray(UUID[]::new)))
                .map(rows -> {
                    Map<String, UUID> known = new HashMap<>();
                    rows.forEach(row -> known.put(row.getString("key"), row.getUUID("id")));
                    return known;
                });
    }

    /** One statement for the whole batch; answers the ids actually inserted (a key taken meanwhile is skipped). */
    private static Uni<Set<UUID>> insert(SqlClient db, List<NewDevice> devices) {
        if (devices.isEmpty()) {
            return Uni.createFrom().item(Set.of());
        }
        int n = devices.size();
        UUID[] ids = new UUID[n];
        String[] names = new String[n];
        UUID[] tenantIds = new UUID[n];
        String[] tenantPaths = new String[n];
        UUID[] groupIds = new UUID[n];
        String[] hardwareIds = new String[n];
        String[] keys = new String[n];
        String[] documents = new String[n];
        List<DeviceFacts> facts = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            NewDevice d = devices.get(i);
            ids[i] = d.id();
            names[i] = d.request().name().trim();
            tenantIds[i] = d.tenant().id();
            tenantPaths[i] = d.tenant().path();
            groupIds[i] = d.group().id();
            hardwareIds[i] = d.request().hardwareId() == null || d.request().hardwareId().isBlank() ? null : d.request().hardwareId();
            keys[i] = d.request().key();
            documents[i] = d.document();
            facts.add(d.facts());
        }
        List<Object> params = new ArrayList<>();
        params.addAll(List.of(ids, names, tenantIds, tenantPaths, groupIds, hardwareIds, keys));
        params.add(documents);
        params.addAll(DeviceFacts.unnestValues(facts));
        String columns = String.join(", ", DeviceFacts.columns());
        return db.preparedQuery("insert into device (id, name, customer_id, tenant_path, static_group_id, hardware_id, status, import_tenant_id,"
                        + " import_key, inventory, inventory_at, " + columns + ")"
                        + " select u.id, u.name, u.tenant_id, u.tenant_path, u.group_id, u.hardware_id, '" + AWAITING_AGENT + "', u.tenant_id, u.key,"
                        + " u.document::jsonb, case when u.document is null then null else now() end, " + DeviceFacts.bulkValues("u")
                        + " from unnest($1::uuid[], $2::text[], $3::uuid[], $4::text[], $5::uuid[], $6::text[], $7::text[], $8::text[], "
                        + DeviceFacts.unnestArguments(9) + ") as u (id, name, tenant_id, tenant_path, group_id, hardware_id, key, document, "
                        + columns + ")"
                        + " on conflict (import_tenant_id, import_key) where import_key is not null do nothing returning id")
                .execute(Tuple.from(params))
                .map(rows -> {
                    Set<UUID> inserted = new java.util.HashSet<>();
                    rows.forEach(row -> inserted.add(row.getUUID("id")));
                    return inserted;
                });
    }

    /** For each new record: its audit entry, and the gateway's cue to bind an enrolling agent with its hardware id. */
    private static List<Outbox.Pending> events(OperatorPrincipal caller, List<NewDevice> created) {
        List<Outbox.Pending> events = new ArrayList<>(created.size() * 2);
        Instant now = Instant.now();
        for (NewDevice d : created) {
            String id = d.id().toString();
            String tenantId = d.tenant().id().toString();
            events.add(new Outbox.Pending(new AuditRecorded(now, caller.getName(), "device.imported", "device", id, tenantId,
                    AuditTrail.SUCCESS, "awaiting its agent in group " + d.group().id() + " (import key " + d.request().key() + ")"),
                    d.tenant().path()));
            if (d.request().hardwareId() != null && !d.request().hardwareId().isBlank()) {
                events.add(new Outbox.Pending(new CommandEvents.DeviceExpected(id, tenantId, d.request().hardwareId(),
                        d.request().name().trim()), d.tenant().path()));
            }
        }
        return events;
    }
}
