package io.palisade.group.device;

import static io.palisade.group.support.Fleet.WAIT;
import static io.palisade.group.support.Fleet.as;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.palisade.events.CommandEvents;
import io.palisade.events.DeviceEvents;
import io.palisade.events.Topics;
import io.palisade.group.support.Fleet;
import io.palisade.group.support.Fleet.Tenant;
import io.palisade.kit.testing.TestEvents;
import io.palisade.kit.testing.TopicProbe;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** {@code POST /api/v1/devices/batch}: device records awaiting their agents, as a migration brings them. */
@QuarkusTest
class DeviceImportTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** An MSP with two customers, a legacy static group of the MSP and a dynamic "Windows" group under it. */
    record World(Tenant msp, Tenant first, Tenant second, String admin, String legacy, String windows) {
        static World create() {
            Tenant msp = Fleet.tenant(Fleet.unique("MSP"), "MSP", null);
            Tenant first = Fleet.tenant(Fleet.unique("Cust"), "CUSTOMER", msp);
            Tenant second = Fleet.tenant(Fleet.unique("Cust"), "CUSTOMER", msp);
            String admin = Fleet.operatorWithAll(msp);
            String legacy = as(admin).body(Map.of("name", "Legacy", "parentId", msp.groupId().toString(), "kind", "STATIC"))
                    .post("/api/v1/groups").then().statusCode(201).extract().path("id");
            String template = as(admin).body(Map.of("name", Fleet.unique("Windows"), "tenantId", msp.id().toString(), "rule",
                            Map.of("op", "AND", "rules", List.of(Map.of("attribute", "os.platform", "operator", "EQ", "value", "WINDOWS")))))
                    .post("/api/v1/dynamic-templates").then().statusCode(201).extract().path("id");
            String windows = as(admin).body(Map.of("name", "Windows", "parentId", legacy, "kind", "DYNAMIC", "templateId", template))
                    .post("/api/v1/groups").then().statusCode(201).extract().path("id");
            return new World(msp, first, second, admin, legacy, windows);
        }

        List<String> members(String groupId) {
            return as(admin).get("/api/v1/groups/" + groupId + "/devices?limit=100").then().statusCode(200).extract().jsonPath()
                    .getList("items.id");
        }
    }

    static Map<String, Object> record(String key, String name, Tenant tenant, Object groupId, String hardwareId, String inventory) {
        Map<String, Object> r = new HashMap<>();
        r.put("key", key);
        r.put("name", name);
        r.put("tenantId", tenant.id().toString());
        r.put("staticGroupId", groupId.toString());
        if (hardwareId != null) {
            r.put("hardwareId", hardwareId);
        }
        if (inventory != null) {
            try {
                r.put("inventory", JSON.readValue(inventory, Map.class));
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException(e);
            }
        }
        return r;
    }

    @Test
    void recordsAwaitTheirAgentsInTheirGroupsJoinDynamicGroupsAndAreImportedOnce() {
        World w = World.create();
        String run = UUID.randomUUID().toString();
        List<Map<String, Object>> batch = List.of(
                record(run + ":u1", "pc-01", w.first(), w.legacy(), "hw-" + run + "-1", Fleet.windows("pc-01", false)),
                record(run + ":u2", "srv-02", w.second(), w.legacy(), "hw-" + run + "-2", Fleet.linux("srv-02")),
                record(run + ":u3", "pc-03", w.first(), w.first().groupId(), null, null));
        JsonPath first;
        try (TopicProbe commands = new TopicProbe(Topics.COMMANDS)) {
            first = as(w.admin()).body(Map.of("devices", batch)).post("/api/v1/devices/batch").then().statusCode(200)
                    .extract().jsonPath();
            assertEquals(List.of(true, true, true), first.getList("devices.created"));
            assertEquals(List.of(run + ":u1", run + ":u2", run + ":u3"), first.getList("devices.key"));
            String u1 = first.getString("devices[0].id");
            String u2 = first.getString("devices[1].id");
            for (String id : List.of(u1, u2)) {
                commands.await(r -> CommandEvents.DeviceExpected.TYPE.equals(r.event().type())
                        && id.equals(r.event().data().path("deviceId").asText()), WAIT);
            }
            assertEquals("hw-" + run + "-1", commands.matching(r -> u1.equals(r.event().data().path("deviceId").asText()))
                    .get(0).event().data().path("hardwareId").asText());
        }
        String u1 = first.getString("devices[0].id");
        String u2 = first.getString("devices[1].id");
        String u3 = first.getString("devices[2].id");
        as(w.admin()).get("/api/v1/devices/" + u1).then().statusCode(200).body("status", equalTo("AWAITING_AGENT"))
                .body("tenantId", equalTo(w.first().id().toString())).body("staticGroupId", equalTo(w.legacy()))
                .body("name", equalTo("pc-01")).body("inventory.os.platform", equalTo("WINDOWS"));
        as(w.admin()).get("/api/v1/devices/" + u3).then().statusCode(200).body("staticGroupId", equalTo(w.first().groupId().toString()));
        assertEquals(Set.of(u1, u2), Set.copyOf(w.members(w.legacy())));
        assertEquals(List.of(u1), w.members(w.windows()));
        // a customer's operator sees its own record, not the other customer's
        as(Fleet.operatorWithAll(w.first())).get("/api/v1/devices/" + u1).then().statusCode(200);
        as(Fleet.operatorWithAll(w.first())).get("/api/v1/devices/" + u2).then().statusCode(404);

        // the same batch again creates nothing and answers the same ids
        JsonPath again = as(w.admin()).body(Map.of("devices", batch)).post("/api/v1/devices/batch").then().statusCode(200)
                .extract().jsonPath();
        assertEquals(List.of(false, false, false), again.getList("devices.created"));
        assertEquals(first.getList("devices.id"), again.getList("devices.id"));
        assertEquals(2, w.members(w.legacy()).size());
    }

    @Test
    void theEnrollingAgentBindsToTheRecordWhichKeepsItsGroup() {
        World w = World.create();
        String run = UUID.randomUUID().toString();
        // owned by the MSP (no company in the export): the agent enrols for a customer under it
        String id = as(w.admin()).body(Map.of("devices", List.of(record(run, "pc-01", w.msp(), w.legacy(), "hw-" + run, null))))
                .post("/api/v1/devices/batch").then().statusCode(200).extract().path("devices[0].id");
        TestEvents.publish(new DeviceEvents.Enrolled(id, w.first().id().toString(), "hw-" + run, "pc-01.example", null,
                UUID.randomUUID().toString()), w.first().path(), "/agent-gateway");
        await().atMost(WAIT).untilAsserted(() -> as(w.admin()).get("/api/v1/devices/" + id).then().statusCode(200)
                .body("status", equalTo("ACTIVE")).body("tenantId", equalTo(w.first().id().toString()))
                .body("staticGroupId", equalTo(w.legacy())).body("name", equalTo("pc-01.example")));
    }

    @Test
    void aMachineWhoseAgentEnrolledBeforeTheImportIsNotDuplicated() {
        World w = World.create();
        UUID enrolled = Fleet.device(w.first(), null, "pc-early");
        String key = UUID.randomUUID().toString();
        as(w.admin()).body(Map.of("devices", List.of(record(key, "pc-early", w.first(), w.legacy(), "hw-" + enrolled, null))))
                .post("/api/v1/devices/batch").then().statusCode(200)
                .body("devices[0].id", equalTo(enrolled.toString())).body("devices[0].created", equalTo(false));
        as(w.admin()).get("/api/v1/devices/" + enrolled).then().body("staticGroupId", equalTo(w.first().groupId().toString()));
        assertTrue(w.members(w.legacy()).isEmpty());
    }

    @Test
    void badBatchesAreRefusedWholeNamingTheRecordAndChangeNothing() {
        World w = World.create();
        String run = UUID.randomUUID().toString();
        Map<String, Object> good = record(run + ":ok", "pc-ok", w.first(), w.legacy(), null, null);
        // a customer's device in another customer's group
        as(w.admin()).body(Map.of("devices", List.of(good, record(run + ":x", "pc-x", w.first(), w.second().groupId(), null, null))))
                .post("/api/v1/devices/batch").then().statusCode(409).body("type", endsWith("/group-rule"))
                .body("errors[0].field", equalTo("devices[1].staticGroupId"));
        // a dynamic group is no place for a device
        as(w.admin()).body(Map.of("devices", List.of(record(run + ":d", "pc-d", w.first(), w.windows(), null, null))))
                .post("/api/v1/devices/batch").then().statusCode(409).body("errors[0].field", equalTo("devices[0].staticGroupId"));
        as(w.admin()).body(Map.of("devices", List.of(good, record(run + ":ok", "pc-again", w.first(), w.legacy(), null, null))))
                .post("/api/v1/devices/batch").then().statusCode(400).body("errors[0].field", equalTo("devices[1].key"));
        Map<String, Object> notAnObject = new HashMap<>(good);
        notAnObject.put("inventory", List.of("x"));
        as(w.admin()).body(Map.of("devices", List.of(notAnObject))).post("/api/v1/devices/batch").then().statusCode(400)
                .body("errors[0].field", equalTo("devices[0].inventory"));
        Map<String, Object> huge = new HashMap<>(good);
        huge.put("inventory", Map.of("notes", "x".repeat(70_000)));
        as(w.admin()).body(Map.of("devices", List.of(huge))).post("/api/v1/devices/batch").then().statusCode(400)
                .body("errors[0].field", equalTo("devices[0].inventory"));
        Map<String, Object> longName = new HashMap<>(good);
        longName.put("name", "n".repeat(201));
        as(w.admin()).body(Map.of("devices", List.of(longName))).post("/api/v1/devices/batch").then().statusCode(400);
        as(w.admin()).body(Map.of("devices", List.of())).post("/api/v1/devices/batch").then().statusCode(400);
        List<Map<String, Object>> tooMany = new ArrayList<>();
        for (int i = 0; i <= DeviceImport.MAX_BATCH; i++) {
            tooMany.add(record(run + ":" + i, "pc", w.first(), w.legacy(), null, null));
        }
        as(w.admin()).body(Map.of("devices", tooMany)).post("/api/v1/devices/batch").then().statusCode(400);
        assertTrue(w.members(w.legacy()).isEmpty());
    }

    @Test
    void aForeignOperatorCanImportNothingAndLearnsNothing() {
        World w = World.create();
        Tenant otherMsp = Fleet.tenant(Fleet.unique("Other"), "MSP", null);
        String stranger = Fleet.operatorWithAll(otherMsp);
        String run = UUID.randomUUID().toString();
        // a foreign tenant, and a foreign group for a tenant of the caller's own: both unknown to the caller
        as(stranger).body(Map.of("devices", List.of(record(run + ":a", "pc-a", w.first(), w.legacy(), null, null))))
                .post("/api/v1/devices/batch").then().statusCode(404);
        as(stranger).body(Map.of("devices", List.of(record(run + ":b", "pc-b", otherMsp, w.legacy(), null, null))))
                .post("/api/v1/devices/batch").then().statusCode(404);
        as(stranger).body(Map.of("devices", List.of(record(run + ":c", "pc-c", w.first(), otherMsp.groupId(), null, null))))
                .post("/api/v1/devices/batch").then().statusCode(404);
        // the MSP's own operator without devices.write
        as(Fleet.operator(w.msp(), "devices.read", "groups.read", "groups.write"))
                .body(Map.of("devices", List.of(record(run + ":d", "pc-d", w.first(), w.legacy(), null, null))))
                .post("/api/v1/devices/batch").then().statusCode(403);
        assertTrue(w.members(w.legacy()).isEmpty());
        assertTrue(as(stranger).get("/api/v1/devices?limit=100").then().statusCode(200).extract().jsonPath().getList("items").isEmpty());

        // a key is the tenant's own: the same key for the stranger's tenant is a device of its own, and reveals nothing
        String mine = as(w.admin()).body(Map.of("devices", List.of(record(run, "pc-mine", w.first(), w.legacy(), null, null))))
                .post("/api/v1/devices/batch").then().statusCode(200).extract().path("devices[0].id");
        String theirs = as(stranger).body(Map.of("devices", List.of(record(run, "pc-theirs", otherMsp, otherMsp.groupId(), null, null))))
                .post("/api/v1/devices/batch").then().statusCode(200).body("devices[0].created", equalTo(true))
                .extract().path("devices[0].id");
        assertTrue(!mine.equals(theirs));
        assertEquals(List.of(mine), w.members(w.legacy()));
    }
}
