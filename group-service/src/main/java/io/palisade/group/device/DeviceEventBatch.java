package io.palisade.group.device;

import com.fasterxml.jackson.databind.JsonNode;
import io.palisade.events.CloudEvent;
import io.palisade.events.DeviceEvents;
import io.palisade.events.EventCodec;
import io.palisade.group.dynamic.MembershipEngine;
import io.palisade.group.dynamic.MembershipEngine.DeviceState;
import io.palisade.group.dynamic.rule.DeviceFacts;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Applies a batch of {@code palisade.devices} events (already deduplicated, in partition order) in the
 * caller's transaction, with a few statements whatever the batch size for the two kinds that come by the
 * thousand per second:
 * <ul>
 * <li>check-ins: one {@code UPDATE … FROM unnest(…)} moving each device's {@code last_seen_at} to the
 *     latest {@code at} of the batch, never backwards;</li>
 * <li>inventory changes: the last one of each device wins (a device's events share a partition, so the
 *     batch holds them in order); one {@code UPDATE … FROM unnest(…)} writes inventories and facts, then
 *     {@link MembershipEngine#reevaluate(SqlClient, List)} re-evaluates all those devices together.</li>
 * </ul>
 * The other kinds (enrolment, revocation, task status) are rare and go through
 * {@link DeviceRegistry#apply} one by one, in their order, <em>before</em> the bulk kinds. For any one
 * device that keeps the outcome of partition order: an enrolment must precede the inventory and
 * check-ins of a new device (it does); a re-enrolment, a revocation or a task status does not touch
 * the inventory or {@code last_seen_at}, so applying it before an inventory change that preceded it
 * changes neither the final state nor the final memberships.
 */
@ApplicationScoped
public class DeviceEventBatch {

    private static final Logger LOG = Logger.getLogger(DeviceEventBatch.class);

    private final DeviceRegistry registry;
    private final MembershipEngine membership;
    private final EventCodec codec = new EventCodec();

    public DeviceEventBatch(DeviceRegistry registry, MembershipEngine membership) {
        this.registry = registry;
        this.membership = membership;
    }

    public Uni<Void> apply(SqlClient db, List<CloudEvent> events) {
        List<CloudEvent> rare = new ArrayList<>();
        Map<UUID, OffsetDateTime> seen = new LinkedHashMap<>();
        Map<UUID, JsonNode> inventories = new LinkedHashMap<>();
        for (CloudEvent event : events) {
            switch (event.type()) {
                case DeviceEvents.CheckedIn.TYPE -> {
                    var e = codec.data(event, DeviceEvents.CheckedIn.class);
                    Instant at = e.at() == null ? event.time() : e.at();
                    if (at != null) {
                        seen.merge(UUID.fromString(e.deviceId()), at.atOffset(ZoneOffset.UTC),
                                (a, b) -> a.isAfter(b) ? a : b);
                    }
                }
                case DeviceEvents.InventoryChanged.TYPE -> {
                    var e = codec.data(event, DeviceEvents.InventoryChanged.class);
                    UUID device = UUID.fromString(e.deviceId());
                    inventories.remove(device);
                    inventories.put(device, e.inventory());
                }
                default -> rare.add(event);
            }
        }
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (CloudEvent event : rare) {
            chain = chain.chain(() -> registry.apply(db, event));
        }
        return chain.chain(() -> checkIns(db, seen)).chain(() -> inventories(db, inventories));
    }

    private Uni<Void> checkIns(SqlClient db, Map<UUID, OffsetDateTime> seen) {
        if (seen.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return db.preparedQuery("""
                        update device d set last_seen_at = u.at
                        from unnest($1::uuid[], $2::timestamptz[]) as u (id, at)
                        where d.id = u.id and (d.last_seen_at is null or d.last_seen_at < u.at)""")
                .execute(Tuple.of(seen.keySet().toArray(new UUID[0]), seen.values().toArray(new OffsetDateTime[0])))
                .replaceWithVoid();
    }

    private Uni<Void> inventories(SqlClient db, Map<UUID, JsonNode> inventories) {
        if (inventories.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        int n = inventories.size();
        UUID[] ids = new UUID[n];
        String[] documents = new String[n];
        List<DeviceFacts> facts = new ArrayList<>(n);
        Map<UUID, DeviceFacts> factsById = new LinkedHashMap<>();
        int i = 0;
        for (Map.Entry<UUID, JsonNode> entry : inventories.entrySet()) {
            JsonNode inventory = entry.getValue();
            DeviceFacts f = DeviceFacts.from(inventory);
            ids[i] = entry.getKey();
            documents[i] = inventory == null || inventory.isNull() ? null : inventory.toString();
            facts.add(f);
            factsById.put(entry.getKey(), f);
            i++;
        }
        List<Object> params = new ArrayList<>(2 + DeviceFacts.columns().size());
        params.add(ids);
        params.add(documents);
        params.addAll(DeviceFacts.unnestValues(facts));
        return db.preparedQuery("update device d set inventory = u.document::jsonb, inventory_at = now(), "
                        + DeviceFacts.bulkAssignments("u")
                        + " from unnest($1::uuid[], $2::text[], " + DeviceFacts.unnestArguments(3) + ")"
                        + " as u (id, document, " + String.join(", ", DeviceFacts.columns()) + ")"
                        + " where d.id = u.id returning d.id, d.tenant_path,"
                        + " (select g.group_path from group_node g where g.id = d.static_group_id) as static_path")
                .execute(Tuple.from(params))
                .chain(rows -> {
                    List<DeviceState> changed = new ArrayList<>(n);
                    Set<UUID> found = new HashSet<>();
                    rows.forEach(row -> {
                        UUID id = row.getUUID("id");
                        found.add(id);
                        changed.add(new DeviceState(id, row.getString("tenant_path"), row.getString("static_path"), factsById.get(id)));
                    });
                    if (found.size() < n) {
                        factsById.keySet().stream().filter(id -> !found.contains(id))
                                .forEach(id -> LOG.warnf("Inventory for unknown device %s ignored", id));
                    }
                    return membership.reevaluate(db, changed);
                });
    }
}
