package io.palisade.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Device records awaiting their agents (imported by a migration, announced by group-service with
 * {@code io.palisade.command.device-expected.v1}): the agent that enrols with the hardware id for the record's tenant,
 * or a customer under it, takes the record's device id and the tasks that waited for it; nobody else does.
 */
@QuarkusTest
class ImportedDeviceTest {

    @Inject
    AgentServer server;

    @Inject
    Pool pool;

    private Answer enrol(TestAgent agent, Installer installer, String hardwareId) {
        ObjectNode body = agent.enrolment(installer.token());
        body.put("hardwareId", hardwareId);
        Answer answer = agent.post("/agent/v1/enroll", body.toString());
        assertThat(answer.status()).as(answer.raw()).isEqualTo(201);
        agent.adopt(answer.body().get("deviceId").asText(), answer.body().get("certificatePem").asText());
        return answer;
    }

    private long count(String sql, UUID id) {
        return pool.preparedQuery(sql).execute(Tuple.of(id)).await().indefinitely().iterator().next().getLong(0);
    }

    @Test
    void theAgentEnrollingWithTheHardwareIdUnderTheRecordsTenantTakesItsIdAndItsTasks() {
        Tenant msp = World.tenant("MSP", null);
        World.awaitKnown(msp);
        Tenant customer = World.customerUnder(msp);
        Tenant stranger = World.customer();
        UUID imported = UUID.randomUUID();
        String hardwareId = "hw-imported-" + imported;
        UUID taskId = UUID.randomUUID();
        TestEvents.publish(new CommandEvents.DeviceExpected(imported.toString(), msp.id().toString(), hardwareId, "pc-legacy"),
                msp.path(), "/group-service");
        ObjectNode parameters = TestAgent.JSON.createObjectNode().put("name", "Palisade Endpoint Security").put("version", "11.1");
        TestEvents.publish(new CommandEvents.TaskAssigned(taskId.toString(), imported.toString(), "INSTALL_PRODUCT", parameters),
                msp.path(), "/group-service");
        await().atMost(World.WAIT).until(() -> count("select count(*) from pending_task where device_id = $1", imported) == 1
                && count("select count(*) from expected_device where device_id = $1", imported) == 1);

        // another MSP's customer with the same hardware id gets a device of its own
        TestAgent foreign = new TestAgent(server.port(), World.installer(stranger, 1).caPem());
        Answer other = enrol(foreign, World.installer(stranger, 1), hardwareId);
        assertThat(other.body().get("deviceId").asText()).isNotEqualTo(imported.toString());

        Installer installer = World.installer(customer, 2);
        TestAgent agent = new TestAgent(server.port(), installer.caPem());
        try (TopicProbe devices = new TopicProbe(Topics.DEVICES)) {
            Answer bound = enrol(agent, installer, hardwareId);
            assertThat(bound.body().get("deviceId").asText()).isEqualTo(imported.toString());
            var enrolled = devices.await(r -> DeviceEvents.Enrolled.TYPE.equals(r.event().type())
                    && imported.toString().equals(r.key()), World.WAIT);
            assertThat(enrolled.event().data().get("customerId").asText()).isEqualTo(customer.id().toString());
        }
        assertThat(count("select count(*) from expected_device where device_id = $1", imported)).isZero();
        JsonNode tasks = agent.checkin().body().get("tasks");
        assertThat(tasks).hasSize(1);
        assertThat(tasks.get(0).get("taskId").asText()).isEqualTo(taskId.toString());

        // the same machine enrolling again keeps the id, as any device does
        TestAgent again = new TestAgent(server.port(), installer.caPem());
        assertThat(enrol(again, installer, hardwareId).body().get("deviceId").asText()).isEqualTo(imported.toString());
    }

    @Test
    void aRecordOfOneCustomerIsNeverTakenByASiblingCustomer() {
        Tenant msp = World.tenant("MSP", null);
        Tenant owner = World.customerUnder(msp);
        Tenant sibling = World.customerUnder(msp);
        UUID imported = UUID.randomUUID();
        String hardwareId = "hw-imported-" + imported;
        TestEvents.publish(new CommandEvents.DeviceExpected(imported.toString(), owner.id().toString(), hardwareId, "pc-legacy"),
                owner.path(), "/group-service");
        await().atMost(World.WAIT).until(() -> count("select count(*) from expected_device where device_id = $1", imported) == 1);
        Installer installer = World.installer(sibling, 1);
        Answer answer = enrol(new TestAgent(server.port(), installer.caPem()), installer, hardwareId);
        assertThat(answer.body().get("deviceId").asText()).isNotEqualTo(imported.toString());
        assertThat(count("select count(*) from expected_device where device_id = $1", imported)).isEqualTo(1);
    }
}
