package io.palisade.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.palisade.events.DeviceEvents;
import io.palisade.events.Topics;
import io.palisade.gateway.agent.AgentServer;
import io.palisade.gateway.support.TestAgent;
import io.palisade.gateway.support.World;
import io.palisade.kit.testing.PalisadeTestResources;
import io.palisade.kit.testing.TopicProbe;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Check-in events go straight to Kafka; with the broker down, an acknowledged check-in's event goes to the
 * outbox instead and reaches Kafka once the broker is back: nothing is lost, nobody intervenes.
 */
@QuarkusTest
class HeartbeatFallbackTest {

    @Inject
    AgentServer server;

    @Inject
    io.micrometer.core.instrument.MeterRegistry metrics;

    @Test
    void aCheckInAcknowledgedWhileKafkaIsDownStillArrives() throws Exception {
        World.Installer installer = World.installer(World.customer(), 2);
        TestAgent agent = new TestAgent(server.port(), installer.caPem());
        assertThat(agent.enrol(installer.token()).status()).isEqualTo(201);
        assertThat(agent.checkin().status()).isEqualTo(200);

        double fallbacks = metrics.counter("palisade.gateway.heartbeats.fallback").count();
        var kafka = PalisadeTestResources.kafka();
        kafka.stop();
        long sequence;
        try {
            TestAgent.Answer answer = agent.checkin();
            assertThat(answer.status()).as(answer.raw()).isEqualTo(200);
            sequence = agent.sequence;
            assertThat(metrics.counter("palisade.gateway.heartbeats.fallback").count()).as("went to the outbox")
                    .isGreaterThan(fallbacks);
        } finally {
            kafka.start();
        }
        try (TopicProbe devices = new TopicProbe(Topics.DEVICES)) {
            var event = devices.await(r -> DeviceEvents.CheckedIn.TYPE.equals(r.event().type())
                    && r.key().equals(agent.deviceId.toString()) && r.event().data().get("sequence").asLong() == sequence,
                    Duration.ofMinutes(2));
            assertThat(event.event().data().get("customerId").asText()).isEqualTo(installer.customerId().toString());
        }
    }
}
