package io.palisade.group.task;

import static io.palisade.group.support.Fleet.WAIT;
import static io.palisade.group.support.Fleet.as;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.palisade.events.CommandEvents;
import io.palisade.events.DeviceEvents;
import io.palisade.events.Topics;
import io.palisade.group.support.Fleet;
import io.palisade.group.support.Fleet.Tenant;
import io.palisade.kit.testing.TestEvents;
import io.palisade.kit.testing.TopicProbe;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** A task reaches exactly the group's members at its creation, and device results update its counts. */
@QuarkusTest
class TasksTest {

    @Test
    void aTaskReachesExactlyTheMembersAtCreationAndResultsUpdateCounts() {
        Tenant msp = Fleet.tenant(Fleet.unique("MSP"), "MSP", null);
        Tenant customer = Fleet.tenant(Fleet.unique("Cust"), "CUSTOMER", msp);
        Tenant other = Fleet.tenant(Fleet.unique("Other"), "CUSTOMER", msp);
        String admin = Fleet.operatorWithAll(msp);
        UUID a = Fleet.device(customer, null, "a");
        UUID b = Fleet.device(customer, null, "b");
        UUID elsewhere = Fleet.device(other, null, "c");

        String task = as(admin).body(Map.of("type", "INSTALL_PRODUCT", "groupId", customer.groupId().toString(),
                        "parameters", Map.of("name", "Palisade Endpoint Security", "version", "11.1")))
                .post("/api/v1/tasks").then().statusCode(201)
                .body("counts.PENDING", equalTo(2)).body("counts.SUCCEEDED", equalTo(0))
                .extract().path("id");
        UUID late = Fleet.device(customer, null, "late"); // joins after the task: not a target

        try (TopicProbe probe = new TopicProbe(Topics.COMMANDS)) {
            probe.await(r -> r.key().equals(b.toString()) && task.equals(r.event().data().path("taskId").asText()), WAIT);
            probe.await(r -> r.key().equals(a.toString()) && task.equals(r.event().data().path("taskId").asText()), WAIT);
            Set<String> targets = probe.matching(r -> task.equals(r.event().data().path("taskId").asText())).stream()
                    .map(r -> r.key()).collect(Collectors.toSet());
            assertEquals(Set.of(a.toString(), b.toString()), targets);
            var assigned = probe.matching(r -> r.key().equals(a.toString()) && task.equals(r.event().data().path("taskId").asText())).get(0);
            assertEquals(CommandEvents.TaskAssigned.TYPE, assigned.event().type());
            assertEquals("Palisade Endpoint Security", assigned.event().data().path("parameters").path("name").asText());
        }

        TestEvents.publish(new DeviceEvents.TaskDelivered(a.toString(), task, java.time.Instant.now()), customer.path(), "/agent-gateway");
        TestEvents.publish(new DeviceEvents.TaskResult(a.toString(), task, "SUCCEEDED", "installed"), customer.path(), "/agent-gateway");
        TestEvents.publish(new DeviceEvents.TaskDelivered(b.toString(), task, java.time.Instant.now()), customer.path(), "/agent-gateway");
        await().atMost(WAIT).untilAsserted(() -> as(admin).get("/api/v1/tasks/" + task).then().statusCode(200)
                .body("counts.SUCCEEDED", equalTo(1)).body("counts.DELIVERED", equalTo(1)).body("counts.PENDING", equalTo(0)));
        List<Map<String, Object>> perDevice = as(admin).get("/api/v1/tasks/" + task + "/devices").then().statusCode(200)
                .extract().path("items");
        assertEquals(2, perDevice.size());
        assertEquals("installed", perDevice.stream().filter(d -> d.get("deviceId").equals(a.toString())).findFirst().orElseThrow()
                .get("output"));
        assertEquals(false, perDevice.stream().anyMatch(d -> d.get("deviceId").equals(late.toString()) || d.get("deviceId").equals(elsewhere.toString())));
    }

    @Test
    void taskParametersAreValidated() {
        Tenant msp = Fleet.tenant(Fleet.unique("MSP"), "MSP", null);
        String admin = Fleet.operatorWithAll(msp);
        as(admin).body(Map.of("type", "INSTALL_PRODUCT", "groupId", msp.groupId().toString(), "parameters", Map.of("name", "x")))
                .post("/api/v1/tasks").then().statusCode(400).body("errors[0].field", equalTo("parameters.version"));
        as(admin).body(Map.of("type", "REBOOT_EVERYTHING", "groupId", msp.groupId().toString()))
                .post("/api/v1/tasks").then().statusCode(400).body("errors[0].field", equalTo("type"));
        as(admin).body(Map.of("type", "RUN_SCAN", "groupId", msp.groupId().toString(), "parameters", Map.of("depth", "all")))
                .post("/api/v1/tasks").then().statusCode(400).body("errors[0].field", equalTo("parameters.depth"));
        as(admin).body(Map.of("type", "RUN_SCAN", "groupId", msp.groupId().toString())).post("/api/v1/tasks").then().statusCode(201);
    }
}
