package io.palisade.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.palisade.gateway.agent.AgentServer;
import io.palisade.gateway.support.TestAgent;
import io.palisade.gateway.support.TestAgent.Answer;
import io.palisade.gateway.support.World;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The agent endpoint's rate limits answer 429 with Retry-After, per device and per installer token. */
@QuarkusTest
@TestProfile(LimitsTest.Tight.class)
class LimitsTest {

    public static class Tight implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("palisade.gateway.limits.checkins-per-device-per-minute", "3",
                    "palisade.gateway.limits.enrolments-per-token-per-minute", "2");
        }
    }

    @Inject
    AgentServer server;

    @Test
    void aDeviceCheckingInTooOftenIsToldWhenToComeBack() {
        World.Installer installer = World.installer(World.customer(), 5);
        TestAgent agent = new TestAgent(server.port(), installer.caPem());
        assertThat(agent.enrol(installer.token()).status()).isEqualTo(201);
        for (int i = 0; i < 3; i++) {
            assertThat(agent.checkin().status()).isEqualTo(200);
        }
        Answer limited = agent.checkin();
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.body().get("type").asText()).endsWith("/rate-limited");
        assertThat(Long.parseLong(limited.response().headers().firstValue("Retry-After").orElseThrow())).isBetween(1L, 60L);
        // another device is not affected
        TestAgent other = new TestAgent(server.port(), installer.caPem());
        assertThat(other.enrol(installer.token()).status()).isEqualTo(201);
        assertThat(other.checkin().status()).isEqualTo(200);
    }

    @Test
    void guessingWithOneTokenIsThrottled() {
        World.Installer installer = World.installer(World.customer(), 5);
        TestAgent agent = new TestAgent(server.port(), installer.caPem());
        String guess = installer.token() + "-wrong";
        assertThat(agent.enrol(guess).status()).isEqualTo(401);
        assertThat(agent.enrol(guess).status()).isEqualTo(401);
        Answer limited = agent.enrol(guess);
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.response().headers().firstValue("Retry-After")).isPresent();
    }
}
