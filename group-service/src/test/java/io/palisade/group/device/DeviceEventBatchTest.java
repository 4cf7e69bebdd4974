package io.palisade.group.device;

import static io.palisade.group.support.Fleet.WAIT;
import static io.palisade.group.support.Fleet.as;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.palisade.events.CloudEvent;
import io.palisade.events.DeviceEvents;
import io.palisade.events.EventCodec;
import io.palisade.events.GroupEvents;
import io.palisade.events.PalisadeEvent;
import io.palisade.events.Topics;
import io.palisade.group.dynamic.rule.DeviceFacts;
import io.palisade.group.support.Fleet;
import io.palisade.group.support.Fleet.Tenant;
import io.palisade.kit.testing.TestEvents;
import io.palisade.kit.testing.TopicProbe;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The batch path of {@code palisade.devices}: a poll's records in one transaction. Most tests hand a
 * batch straight to {@link DeviceEventsConsumer#consume}, so that what is in one batch is certain; one
 * goes through Kafka, where the batches are whatever the consumer polls.
 */
@QuarkusTest
class DeviceEventBatchTest {

    private static final EventCodec CODEC = new EventCodec();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String WINDOWS_WITHOUT_SECURITY = """
            {"op":"AND","rules":[
              {"attribute":"os.platform","operator":"EQ","value":"WINDOWS"},
              {"op":"NOR","rules":[{"attribute":"products.name","operator":"CONTAINS","value":"security"}]}]}""";

    @Inject
    DeviceEventsConsumer consumer;

    @Inject
    Pool pool;

    /** A customer of an MSP, an operator of the MSP, and a dynamic group "Windows without security" over the MSP. */
    private record World(Tenant msp, Tenant customer, String admin, String group) {
        static World create() {
            Tenant msp = Fleet.tenant(Fleet.unique("MSP"), "MSP", null);
            Tenant customer = Fleet.tenant(Fleet.unique("Cust"), "CUSTOMER", msp);
            String admin = Fleet.operatorWithAll(msp);
            String template = as(admin).body(Map.of("name", Fleet.unique("T"), "tenantId", msp.id().toString(),
                            "rule", read(WINDOWS_WITHOUT_SECURITY)))
                    .post("/api/v1/dynamic-templates").then().statusCode(201).extract().path("id");
            String group = as(admin).body(Map.of("name", Fleet.unique("Unprotected"), "parentId", msp.groupId().toString(),
                            "kind", "DYNAMIC", "templateId", template))
                    .post("/api/v1/groups").then().statusCode(201).extract().path("id");
            return new World(msp, customer, admin, group);
        }

        CloudEvent inventory(UUID device, String json) {
            return envelope(new DeviceEvents.InventoryChanged(device.toString(), customer.id().toString(), read(json)));
        }

        CloudEvent checkedIn(UUID device, Instant at) {
            return envelope(new DeviceEvents.CheckedIn(device.toString(), customer.id().toString(), at, 1));
        }

        CloudEvent enrolled(UUID device, String hostname) {
            return envelope(new DeviceEvents.Enrolled(device.toString(), customer.id().toString(), "hw-" + device, hostname, null,
                    UUID.randomUUID().toString()));
        }

        CloudEvent envelope(PalisadeEvent data) {
            return CODEC.envelope(UUID.randomUUID(), data, "/agent-gateway", customer.path(), Instant.now());
        }

        /** The membership changes of {@code device} in this world's group, in the order they were published. */
        List<String> changes(TopicProbe probe, UUID device) {
            return probe.matching(r -> r.key().equals(device.toString()) && group.equals(r.event().data().path("groupId").asText()))
                    .stream().map(r -> r.event().data().path("change").asText()).toList();
        }
    }

    @Test
    void duplicatesWithinABatchAndRedeliveredBatchesAreAppliedOnce() {
        World w = World.create();
        UUID pc = Fleet.device(w.customer(), null, "pc-1");
        try (TopicProbe probe = new TopicProbe(Topics.GROUPS)) {
            CloudEvent joins = w.inventory(pc, Fleet.windows("pc-1", false));
            CloudEvent seen = w.checkedIn(pc, Instant.parse("2026-01-02T03:04:05Z"));
            apply(joins, seen, joins, seen, joins);
            apply(joins, seen);
            CloudEvent leaves = w.inventory(pc, Fleet.windows("pc-1", true));
            apply(leaves, joins, leaves);
            probe.await(r -> r.key().equals(pc.toString()) && GroupEvents.LEFT.equals(r.event().data().path("change").asText()), WAIT);
            assertEquals(List.of(GroupEvents.JOINED, GroupEvents.LEFT), w.changes(probe, pc));
        }
        as(w.admin()).get("/api/v1/devices/" + pc).then().body("lastSeenAt", equalTo("2026-01-02T03:04:05Z"))
                .body("inventory.products[0].name", equalTo("Palisade Endpoint Security")).body("dynamicGroupIds", empty());
    }

    @Test
    void aDeviceEnrolledInTheBatchGetsTheInventoryAndCheckInThatFollowIt() {
        World w = World.create();
        UUID pc = UUID.randomUUID();
        try (TopicProbe probe = new TopicProbe(Topics.GROUPS)) {
            apply(w.enrolled(pc, "new-pc"), w.inventory(pc, Fleet.windows("new-pc", false)),
                    w.checkedIn(pc, Instant.parse("2026-02-03T04:05:06Z")));
            probe.await(r -> r.key().equals(pc.toString()) && w.group().equals(r.event().data().path("groupId").asText()), WAIT);
            assertEquals(List.of(GroupEvents.JOINED), w.changes(probe, pc));
        }
        as(w.admin()).get("/api/v1/devices/" + pc).then().statusCode(200)
                .body("staticGroupId", equalTo(w.customer().groupId().toString()))
                .body("inventory.hostname", equalTo("new-pc"))
                .body("lastSeenAt", equalTo("2026-02-03T04:05:06Z"))
                .body("dynamicGroupIds", contains(w.group()));
    }

    @Test
    void ofSeveralInventoriesOfADeviceInOneBatchTheLastWins() {
        World w = World.create();
        UUID pc = Fleet.device(w.customer(), null, "pc-1");
        UUID other = Fleet.device(w.customer(), null, "pc-2");
        String protectedPc = Fleet.windows("pc-1", true);
        String unprotected = Fleet.windows("pc-1", false);
        try (TopicProbe probe = new TopicProbe(Topics.GROUPS)) {
            // in, out, in: joins once; then out, in, out: leaves once
            apply(w.inventory(pc, unprotected), w.inventory(other, Fleet.windows("pc-2", false)), w.inventory(pc, protectedPc),
                    w.inventory(pc, unprotected));
            as(w.admin()).get("/api/v1/devices/" + pc).then().body("dynamicGroupIds", contains(w.group()));
            apply(w.inventory(pc, protectedPc), w.inventory(pc, unprotected), w.inventory(other, Fleet.linux("pc-2")),
                    w.inventory(pc, protectedPc));
            probe.await(r -> r.key().equals(pc.toString()) && GroupEvents.LEFT.equals(r.event().data().path("change").asText()), WAIT);
            probe.await(r -> r.key().equals(other.toString()) && GroupEvents.LEFT.equals(r.event().data().path("change").asText()), WAIT);
            assertEquals(List.of(GroupEvents.JOINED, GroupEvents.LEFT), w.changes(probe, pc));
            assertEquals(List.of(GroupEvents.JOINED, GroupEvents.LEFT), w.changes(probe, other));
        }
        as(w.admin()).get("/api/v1/devices/" + pc).then().body("inventory.products[0].name", equalTo("Palisade Endpoint Security"))
                .body("dynamicGroupIds", empty());
        as(w.admin()).get("/api/v1/devices/" + other).then().body("inventory.os.platform", equalTo("LINUX"));
    }

    @Test
    void inventoriesPublishedInARowEndInTheLastOneAndTheirEventsAlternate() {
        World w = World.create();
        UUID pc = Fleet.device(w.customer(), null, "pc-1");
        try (TopicProbe probe = new TopicProbe(Topics.GROUPS)) {
            for (int i = 0; i < 40; i++) {
                Fleet.inventory(w.customer(), pc, Fleet.windows("pc-" + i, i % 2 == 1));
            }
            Fleet.inventory(w.customer(), pc, Fleet.windows("pc-last", false));
            await().atMost(WAIT).untilAsserted(() -> as(w.admin()).get("/api/v1/devices/" + pc).then()
                    .body("inventory.hostname", equalTo("pc-last")).body("dynamicGroupIds", contains(w.group())));
            await().atMost(WAIT).untilAsserted(() -> {
                List<String> changes = w.changes(probe, pc);
                for (int i = 0; i < changes.size(); i++) {
                    assertEquals(i % 2 == 0 ? GroupEvents.JOINED : GroupEvents.LEFT, changes.get(i), changes.toString());
                }
                assertEquals(1, changes.size() % 2, changes.toString());
            });
        }
    }

    @Test
    void checkInsOutOfOrderNeverMoveLastSeenBack() {
        World w = World.create();
        UUID pc = Fleet.device(w.customer(), null, "pc-1");
        UUID quiet = Fleet.device(w.customer(), null, "pc-2");
        Instant t0 = Instant.parse("2026-03-01T10:00:00Z");
        apply(w.checkedIn(pc, t0.plusSeconds(120)), w.checkedIn(pc, t0.plusSeconds(60)), w.checkedIn(quiet, t0));
        assertEquals(t0.plusSeconds(120), lastSeen(pc));
        assertEquals(t0, lastSeen(quiet));
        apply(w.checkedIn(pc, t0), w.checkedIn(quiet, t0.minusSeconds(1)));
        assertEquals(t0.plusSeconds(120), lastSeen(pc));
        assertEquals(t0, lastSeen(quiet));
        apply(w.checkedIn(pc, t0.plusSeconds(180)), w.checkedIn(pc, t0.plusSeconds(179)));
        assertEquals(t0.plusSeconds(180), lastSeen(pc));
    }

    @Test
    void aPoisonEventIsSetAsideAndTheRestOfItsBatchApplied() {
        World w = World.create();
        UUID pc = Fleet.device(w.customer(), null, "pc-1");
        UUID poisoned = Fleet.device(w.customer(), null, "pc-2");
        UUID later = Fleet.device(w.customer(), null, "pc-3");
        CloudEvent good = w.inventory(pc, Fleet.windows("pc-1", false));
        // PostgreSQL's jsonb refuses an escaped NUL character: the batch's inventory statement fails, every time
        CloudEvent nul = w.inventory(poisoned, "{\"hostname\":\"a\\u0000b\",\"os\":{\"platform\":\"WINDOWS\"}}");
        CloudEvent seen = w.checkedIn(poisoned, Instant.parse("2026-04-05T06:07:08Z"));
        // a device id that is not one: the batch fails before any statement
        CloudEvent badId = w.envelope(new DeviceEvents.InventoryChanged("not-a-uuid", w.customer().id().toString(),
                read(Fleet.windows("x", false))));
        CloudEvent afterBadId = w.inventory(later, Fleet.windows("pc-3", false));
        try (TopicProbe probe = new TopicProbe(Topics.GROUPS)) {
            apply(good, nul, seen);
            apply(badId, afterBadId);
            probe.await(r -> r.key().equals(pc.toString()) && GroupEvents.JOINED.equals(r.event().data().path("change").asText()), WAIT);
            probe.await(r -> r.key().equals(later.toString()) && GroupEvents.JOINED.equals(r.event().data().path("change").asText()), WAIT);
        }
        as(w.admin()).get("/api/v1/devices/" + pc).then().body("inventory.hostname", equalTo("pc-1"))
                .body("dynamicGroupIds", contains(w.group()));
        as(w.admin()).get("/api/v1/devices/" + poisoned).then().body("inventory", nullValue())
                .body("lastSeenAt", equalTo("2026-04-05T06:07:08Z")).body("dynamicGroupIds", empty());
        assertEquals(List.of(true, true, true, true, true), consumed(good, nul, seen, badId, afterBadId));
        // and the stream goes on in batches
        apply(w.inventory(poisoned, Fleet.windows("pc-2", false)));
        as(w.admin()).get("/api/v1/devices/" + poisoned).then().body("dynamicGroupIds", contains(w.group()));
    }

    @Test
    void factsWrittenInBulkAreTheFactsOfTheInventory() {
        World w = World.create();
        UUID pc = Fleet.device(w.customer(), null, "pc-1");
        UUID bare = Fleet.device(w.customer(), null, "pc-2");
        String tricky = """
                {"hostname":"PC \\"1\\"","os":{"platform":"Windows","name":"Win, {11}","version":"10.0.22631"},
                 "agent":{"version":"7.10.1"},"hardware":{"ramMb":8192},"network":{"ipv4":["10.0.0.1","192.168.1.2/24"]},
                 "products":[{"name":"A \\"quoted\\" {product}","version":"1.2"},{"name":"back\\\\slash, comma","version":"NULL"}],
                 "protection":{"status":"OK"},"tags":["NULL","", " spaced ","ü-Tag","{}"]}""";
        apply(w.inventory(pc, tricky), w.inventory(bare, "{}"));
        assertEquals(DeviceFacts.from(read(tricky)).values().stream().map(DeviceEventBatchTest::comparable).toList(), facts(pc));
        assertEquals(DeviceFacts.NONE.values().stream().map(DeviceEventBatchTest::comparable).toList(), facts(bare));
    }

    private void apply(CloudEvent... events) {
        List<String> payloads = Arrays.stream(events).map(CODEC::encode).toList();
        consumer.consume(payloads).await().atMost(Duration.ofSeconds(60));
    }

    private Instant lastSeen(UUID device) {
        Row row = pool.preparedQuery("select last_seen_at from device where id = $1").execute(Tuple.of(device))
                .await().atMost(Duration.ofSeconds(10)).iterator().next();
        return row.getOffsetDateTime("last_seen_at").toInstant();
    }

    private List<Boolean> consumed(CloudEvent... events) {
        List<Boolean> out = new ArrayList<>();
        for (CloudEvent e : events) {
            out.add(pool.preparedQuery("select 1 from consumed_event where consumer = 'group-service.devices' and event_id = $1")
                    .execute(Tuple.of(e.id())).await().atMost(Duration.ofSeconds(10)).rowCount() == 1);
        }
        return out;
    }

    private List<Object> facts(UUID device) {
        List<String> columns = DeviceFacts.columns().stream().map(c -> c.equals("ipv4") ? "ipv4::text[] as ipv4" : c).toList();
        Row row = pool.preparedQuery("select " + String.join(", ", columns) + " from device where id = $1")
                .execute(Tuple.of(device)).await().atMost(Duration.ofSeconds(10)).iterator().next();
        List<Object> out = new ArrayList<>();
        for (String column : DeviceFacts.columns()) {
            Object value = row.getValue(column);
            out.add(comparable(value));
        }
        return out;
    }

    /** Arrays as lists (inet text without a /32), so that values compare with equals. */
    private static Object comparable(Object value) {
        if (value instanceof Object[] array) {
            return Arrays.stream(array).map(v -> v.toString().replace("/32", "")).toList();
        }
        return value;
    }

    private static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
