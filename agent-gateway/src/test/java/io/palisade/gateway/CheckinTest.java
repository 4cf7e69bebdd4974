package io.palisade.gateway;

import static io.palisade.gateway.support.World.as;
import static io.palisade.gateway.support.World.root;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.palisade.events.CommandEvents;
import io.palisade.events.DeviceEvents;
import io.palisade.events.Topics;
import io.palisade.gateway.agent.AgentServer;
import io.palisade.gateway.support.TestAgent;
import io.palisade.gateway.support.TestAgent.Answer;
import io.palisade.gateway.support.World;
import io.palisade.gateway.support.World.Installer;
import io.palisade.gateway.support.World.Tenant;
import io.palisade.kit.testing.TestEvents;
import io.palisade.kit.testing.TopicProbe;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Check-ins over mutual TLS: identity from the certificate only, inventory, tasks, revocation, limits. */
@QuarkusTest
class CheckinTest {

    @Inject
    AgentServer server;

    @Inject
    Pool pool;

    private TestAgent enrolled(Installer installer) {
        TestAgent agent = new TestAgent(server.port(), installer.caPem());
        Answer answer = agent.enrol(installer.token());
        assertThat(answer.status()).as(answer.raw()).isEqualTo(201);
        return agent;
    }

    static ObjectNode inventory(String hostname) {
        ObjectNode inv = TestAgent.JSON.createObjectNode();
        inv.put("hostname", hostname);
        inv.putObject("os").put("platform", "WINDOWS").put("name", "Windows 11 Pro").put("version", "10.0.22631");
        inv.putObject("agent").put("version", "11.1.2");
        inv.putObject("hardware").put("ramMb", 16384).put("cpu", "Intel Core i7");
        inv.putObject("network").putArray("ipv4").add("10.1.2.3");
        inv.putArray("products").addObject().put("name", "Palisade Endpoint Security").put("version", "11.0.1");
        inv.putObject("protection").put("status", "PROTECTED");
        inv.putArray("tags").add("finance");
        return inv;
    }

    @Test
    void aCheckInIsAnsweredAndPublishedUnderTheCertificatesDevice() {
        Tenant customer = World.customer();
        Installer installer = World.installer(customer, 5);
        TestAgent a = enrolled(installer);
        TestAgent b = enrolled(installer);
        try (TopicProbe devices = new TopicProbe(Topics.DEVICES)) {
            ObjectNode body = TestAgent.JSON.createObjectNode();
            body.put("sequence", 7).put("deviceId", b.deviceId.toString()).put("customerId", UUID.randomUUID().toString());
            body.set("inventory", inventory("forged-" + UUID.randomUUID()));
            Answer answer = a.post("/agent/v1/checkin", body.toString());
            assertThat(answer.status()).as(answer.raw()).isEqualTo(200);
            assertThat(answer.body().get("checkInIntervalSeconds").asLong()).isBetween(54L, 66L);
            assertThat(answer.body().get("tasks")).isEmpty();

            String hostname = body.get("inventory").get("hostname").asText();
            var inventory = devices.await(r -> DeviceEvents.InventoryChanged.TYPE.equals(r.event().type())
                    && r.event().data().get("inventory").get("hostname").asText().equals(hostname), World.WAIT);
            assertThat(inventory.key()).isEqualTo(a.deviceId.toString());
            assertThat(inventory.event().data().get("deviceId").asText()).isEqualTo(a.deviceId.toString());
            assertThat(inventory.event().data().get("customerId").asText()).isEqualTo(customer.id().toString());
            assertThat(inventory.event().tenantpath()).isEqualTo(customer.path());
            var checkedIn = devices.await(r -> DeviceEvents.CheckedIn.TYPE.equals(r.event().type())
                    && r.key().equals(a.deviceId.toString()), World.WAIT);
            assertThat(checkedIn.event().data().get("sequence").asLong()).isEqualTo(7);
            assertThat(devices.matching(r -> r.key().equals(b.deviceId.toString())
                    && !DeviceEvents.Enrolled.TYPE.equals(r.event().type()))).isEmpty();
        }
    }

    @Inject
    io.micrometer.core.instrument.MeterRegistry metrics;

    @Test
    void aCommonCheckInCostsOneStatementAndNoIdentityRead() {
        Tenant customer = World.customer();
        Installer installer = World.installer(customer, 5);
        TestAgent agent = enrolled(installer);
        assertThat(agent.checkin().status()).isEqualTo(200);
        double loads = metrics.counter("palisade.gateway.identity.loads").count();
        long statements = metrics.timer("palisade.gateway.checkin.batch").count();
        for (int i = 0; i < 20; i++) {
            assertThat(agent.checkin().status()).isEqualTo(200);
        }
        // the identity came from memory every time; each (sequential) check-in was one batch statement, no more
        assertThat(metrics.counter("palisade.gateway.identity.loads").count() - loads).isZero();
        assertThat(metrics.timer("palisade.gateway.checkin.batch").count() - statements).isBetween(1L, 20L);
    }

    @Test
    void withoutAValidDeviceCertificateNothingIsServed() {
        Tenant customer = World.customer();
        Installer installer = World.installer(customer, 5);
        TestAgent anonymous = new TestAgent(server.port(), installer.caPem());
        Answer answer = anonymous.post("/agent/v1/checkin", "{\"sequence\": 1}");
        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.body().get("type").asText()).endsWith("/client-certificate-required");
    }

    @Test
    void tasksReachOnlyTheirDeviceAndResultsArePublished() {
        Tenant customer = World.customer();
        Installer installer = World.installer(customer, 5);
        TestAgent a = enrolled(installer);
        TestAgent b = enrolled(installer);
        UUID taskId = UUID.randomUUID();
        ObjectNode parameters = TestAgent.JSON.createObjectNode().put("name", "Palisade Endpoint Security").put("version", "11.1");
        TestEvents.publish(new CommandEvents.TaskAssigned(taskId.toString(), b.deviceId.toString(), "INSTALL_PRODUCT", parameters),
                customer.path(), "/group-service");

        JsonNode[] tasks = new JsonNode[1];
        await().atMost(World.WAIT).until(() -> {
            tasks[0] = b.checkin().body().get("tasks");
            return tasks[0].size() == 1;
        });
        assertThat(tasks[0].get(0).get("taskId").asText()).isEqualTo(taskId.toString());
        assertThat(tasks[0].get(0).get("type").asText()).isEqualTo("INSTALL_PRODUCT");
        assertThat(tasks[0].get(0).get("parameters")).isEqualTo(parameters);
        // until a result arrives, the task is handed out again
        assertThat(b.checkin().body().get("tasks")).hasSize(1);
        assertThat(a.checkin().body().get("tasks")).isEmpty();

        try (TopicProbe devices = new TopicProbe(Topics.DEVICES)) {
            // A reports a result for B's task: it is published as A's (and changes nothing of B's)
            ArrayNode forged = TestAgent.JSON.createArrayNode();
            forged.addObject().put("taskId", taskId.toString()).put("status", "FAILED").put("output", "forged");
            assertThat(a.checkin(null, forged).status()).isEqualTo(200);
            assertThat(b.checkin().body().get("tasks")).hasSize(1);

            ArrayNode results = TestAgent.JSON.createArrayNode();
            results.addObject().put("taskId", taskId.toString()).put("status", "SUCCEEDED").put("output", "installed");
            Answer done = b.checkin(null, results);
            assertThat(done.status()).isEqualTo(200);
            assertThat(done.body().get("tasks")).isEmpty();
            var result = devices.await(r -> DeviceEvents.TaskResult.TYPE.equals(r.event().type())
                    && r.key().equals(b.deviceId.toString()), World.WAIT);
            assertThat(result.event().data().get("taskId").asText()).isEqualTo(taskId.toString());
            assertThat(result.event().data().get("status").asText()).isEqualTo("SUCCEEDED");
            assertThat(result.event().data().get("output").asText()).isEqualTo("installed");
            var forgedResult = devices.await(r -> DeviceEvents.TaskResult.TYPE.equals(r.event().type())
                    && "forged".equals(r.event().data().get("output").asText()), World.WAIT);
            assertThat(forgedResult.key()).isEqualTo(a.deviceId.toString());
            var delivered = devices.await(r -> DeviceEvents.TaskDelivered.TYPE.equals(r.event().type())
                    && r.key().equals(b.deviceId.toString()), World.WAIT);
            assertThat(delivered.event().data().get("taskId").asText()).isEqualTo(taskId.toString());
        }
        assertThat(b.checkin().body().get("tasks")).isEmpty();
    }

    @Test
    void aRevokedDeviceIsRefusedAndTheRevocationPublished() {
        Tenant customer = World.customer();
        Installer installer = World.installer(customer, 5);
        TestAgent agent = enrolled(installer);
        assertThat(agent.checkin().status()).isEqualTo(200);
        try (TopicProbe devices = new TopicProbe(Topics.DEVICES)) {
            as(root()).post("/api/v1/devices/" + agent.deviceId + "/revoke").then().statusCode(204);
            Answer refused = agent.checkin();
            assertThat(refused.status()).isEqualTo(403);
            assertThat(refused.body().get("type").asText()).endsWith("/device-revoked");
            var revoked = devices.await(r -> DeviceEvents.Revoked.TYPE.equals(r.event().type())
                    && r.key().equals(agent.deviceId.toString()), World.WAIT);
            assertThat(revoked.event().data().get("customerId").asText()).isEqualTo(customer.id().toString());
            as(root()).post("/api/v1/devices/" + agent.deviceId + "/revoke").then().statusCode(204);
        }
        // the same hardware enrolling again becomes a new device; the revoked one stays refused
        TestAgent again = new TestAgent(server.port(), installer.caPem());
        Answer answer = again.post("/agent/v1/enroll", again.enrolment(installer.token()).put("hardwareId", agent.hardwareId).toString());
        assertThat(answer.status()).isEqualTo(201);
        assertThat(answer.body().get("deviceId").asText()).isNotEqualTo(agent.deviceId.toString());
        assertThat(agent.checkin().status()).isEqualTo(403);
    }

    @Test
    void aRevocationMadeByAnotherReplicaIsHonouredWithinAMinute() {
        Tenant customer = World.customer();
        Installer installer = World.installer(customer, 5);
        TestAgent agent = enrolled(installer);
        assertThat(agent.checkin().status()).isEqualTo(200);
        // what another replica's revocation leaves in the shared database; this replica has the device cached
        pool.preparedQuery("update device set revoked_at = now(), changed_at = now() where id = $1")
                .execute(Tuple.of(agent.deviceId)).await().atMost(Duration.ofSeconds(10));
        await().atMost(Duration.ofSeconds(60)).until(() -> agent.checkin().status() == 403);
    }

    @Test
    void badBodiesAreRefusedAndChangeNothing() {
        Tenant customer = World.customer();
        Installer installer = World.installer(customer, 5);
        TestAgent agent = enrolled(installer);
        String big = "{\"sequence\": 1, \"inventory\": {\"hostname\": \"" + "x".repeat(300 * 1024) + "\"}}";
        Answer tooLarge = agent.post("/agent/v1/checkin", big);
        assertThat(tooLarge.status()).isEqualTo(413);
        assertThat(tooLarge.body().get("type").asText()).endsWith("/payload-too-large");

        for (String body : new String[] {"{", "[]", "{\"sequence\": \"one\"}", "{\"sequence\": 1, \"sequence\": 2}", "",
                "{\"sequence\": 1} trailing"}) {
            Answer answer = agent.post("/agent/v1/checkin", body);
            assertThat(answer.status()).as(body).isEqualTo(400);
            assertThat(answer.raw()).doesNotContain("Exception").doesNotContain("jackson");
        }
        // U+0000 passes JSON but PostgreSQL cannot store it: refused at the door, not poisoning group-service downstream
        for (String body : new String[] {"{\"sequence\": 1, \"inventory\": {\"hostname\": \"pc\\u0000-1\"}}",
                "{\"sequence\": 1, \"inventory\": {\"tags\": [\"\\u0000\"]}}"}) {
            Answer answer = agent.post("/agent/v1/checkin", body);
            assertThat(answer.status()).as(body).isEqualTo(400);
            assertThat(answer.body().get("errors").get(0).get("field").asText()).isEqualTo("body");
        }
        ObjectNode bad = TestAgent.JSON.createObjectNode().put("sequence", 1);
        ObjectNode inv = bad.putObject("inventory");
        inv.putObject("os").put("platform", "AMIGA");
        inv.putObject("hardware").put("ramMb", "lots");
        inv.put("color", "blue");
        bad.putArray("taskResults").addObject().put("taskId", "nope").put("status", "DONE");
        Answer invalid = agent.post("/agent/v1/checkin", bad.toString());
        assertThat(invalid.status()).isEqualTo(400);
        assertThat(invalid.body().get("errors").findValuesAsText("field")).containsExactlyInAnyOrder(
                "inventory.os.platform", "inventory.hardware.ramMb", "inventory.color", "taskResults[0].taskId",
                "taskResults[0].status");
    }

    @Test
    void theAgentPortServesNothingButTheAgentProtocol() {
        Tenant customer = World.customer();
        Installer installer = World.installer(customer, 5);
        TestAgent agent = enrolled(installer);
        for (String path : new String[] {"/api/v1/installers", "/q/metrics", "/q/openapi", "/q/swagger-ui", "/q/health", "/"}) {
            Answer answer = agent.send(HttpRequest.newBuilder(URI.create("https://localhost:" + server.port() + path)).GET());
            assertThat(answer.status()).as(path).isEqualTo(404);
        }
        Answer get = agent.send(HttpRequest.newBuilder(URI.create("https://localhost:" + server.port() + "/agent/v1/checkin")).GET());
        assertThat(get.status()).isEqualTo(405);
        io.restassured.RestAssured.given().body("{\"sequence\":1}").post("/agent/v1/checkin").then().statusCode(404);
    }
}
