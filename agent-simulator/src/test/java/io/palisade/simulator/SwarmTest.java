package io.palisade.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

class SwarmTest {

    @Test
    void twentyAgentsEnrolAndCheckInWithoutErrors() {
        Vertx vertx = Vertx.vertx();
        TestCa ca = TestCa.create("Palisade Test Device CA");
        try (FakeGateway gateway = FakeGateway.start(vertx, ca)) {
            for (int i = 0; i < 5; i++) {
                gateway.handOut("RUN_SCAN", new JsonObject());
            }
            SwarmOptions options = new SwarmOptions(gateway.url(), FakeGateway.TOKEN, ca.certificatePem())
                    .agents(20)
                    .intervalSeconds(0.2)
                    .duration(Duration.ofSeconds(3))
                    .reportEvery(Duration.ofSeconds(1))
                    .seed(100);
            List<SwarmReport> progress = new CopyOnWriteArrayList<>();
            Swarm swarm = new Swarm(vertx, options);
            SwarmReport report = GatewayClient.await(swarm.run(progress::add), Duration.ofSeconds(30));

            assertTrue(report.complete());
            assertEquals(20, report.enrolled());
            assertEquals(0, report.errorCount(), report.format());
            assertTrue(report.checkins() > 20, report.format());
            assertTrue(report.checkinsPerSecond() > 0);
            assertTrue(report.p50Millis() > 0 && report.p99Millis() >= report.p50Millis()
                    && report.maxMillis() >= report.p99Millis(), report.format());
            assertEquals(5, report.tasksExecuted());
            assertFalse(progress.isEmpty(), "progress reports every second");
            assertTrue(report.format().startsWith("swarm done: 20/20 agents enrolled"), report.format());
            assertEquals(20, report.toJson().getInteger("enrolled"));

            Set<String> subjects = gateway.checkins().stream().map(FakeGateway.Checkin::peerSubject).collect(Collectors.toSet());
            assertEquals(20, subjects.size(), "each agent has its own certificate");
            Set<String> hardware = gateway.enrollments().stream().map(e -> e.getString("hardwareId")).collect(Collectors.toSet());
            assertEquals(20, hardware.size());
        } finally {
            GatewayClient.await(vertx.close(), Duration.ofSeconds(10));
        }
    }
}
