package io.palisade.simulator;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** One agent against the fake gateway, directly: enrolment, pinning, check-ins, inventory, tasks, Retry-After. */
class AgentEndToEndTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private static Vertx vertx;
    private static TestCa ca;
    private FakeGateway gateway;
    private GatewayClient anonymous;

    @BeforeAll
    static void startVertx() {
        vertx = Vertx.vertx();
        ca = TestCa.create("Palisade Test Device CA");
    }

    @AfterAll
    static void stopVertx() {
        GatewayClient.await(vertx.close(), WAIT);
    }

    @BeforeEach
    void startGateway() {
        gateway = FakeGateway.start(vertx, ca);
        anonymous = GatewayClient.builder(vertx, gateway.url()).trustedCaPem(ca.certificatePem()).caLabel("ca.pem").build();
    }

    @AfterEach
    void stopGateway() {
        anonymous.close();
        gateway.close();
    }

    private AgentIdentity enroll(SimulatedDevice device) {
        return GatewayClient.await(Agent.enroll(anonymous, FakeGateway.TOKEN, device, AgentKeys.KeyType.EC), WAIT);
    }

    private Agent agent(SimulatedDevice device, Agent.Options options) {
        return new Agent(vertx, enroll(device), device, options);
    }

    @Test
    void enrolsAndChecksInWithMutualTlsToThePinnedGateway() {
        SimulatedDevice device = SimulatedDevice.random(7);
        AgentIdentity identity = enroll(device);

        JsonObject sent = gateway.enrollments().get(0);
        assertEquals(device.hostname(), sent.getString("hostname"));
        assertEquals(device.hardwareId(), sent.getString("hardwareId"));
        assertEquals(device.os().toJson(), sent.getJsonObject("os"));
        assertEquals("CN=" + device.hostname(), AgentKeys.readCsr(sent.getString("csrPem")).getSubject().toString());
        assertEquals("CN=" + identity.deviceId(), identity.certificateSubject());
        assertEquals(ca.certificatePem(), identity.trustedCaPem());

        try (Agent agent = new Agent(vertx, identity, device, Agent.Options.defaults())) {
            CheckinResponse answer = GatewayClient.await(agent.checkinOnce(), WAIT);
            assertEquals(1, answer.checkInIntervalSeconds());
            FakeGateway.Checkin checkin = gateway.checkins().get(0);
            assertEquals(identity.deviceId(), checkin.deviceId());
            assertEquals(identity.certificateSubject(), checkin.peerSubject());
            assertEquals(1, checkin.sequence());
            assertEquals(device.inventory(), checkin.inventory());
        }
    }

    @Test
    void anRsaAgentEnrolsAndChecksInToo() {
        SimulatedDevice device = SimulatedDevice.random(16);
        AgentIdentity identity = GatewayClient.await(
                Agent.enroll(anonymous, FakeGateway.TOKEN, device, AgentKeys.KeyType.RSA), WAIT);
        assertEquals("RSA", identity.certificate().getPublicKey().getAlgorithm());
        try (Agent agent = new Agent(vertx, identity, device, Agent.Options.defaults())) {
            GatewayClient.await(agent.checkinOnce(), WAIT);
            assertEquals(identity.certificateSubject(), gateway.checkins().get(0).peerSubject());
        }
    }

    @Test
    void reEnrollingTheSameHardwareKeepsTheDeviceId() {
        SimulatedDevice device = SimulatedDevice.random(8);
        AgentIdentity first = enroll(device);
        AgentIdentity second = enroll(device);
        assertEquals(first.deviceId(), second.deviceId());
        assertFalse(first.privateKeyPem().equals(second.privateKeyPem()), "a new key each time");
    }

    @Test
    void aGatewayWhoseCertificateChainsToAnotherCaIsRefused() {
        TestCa stranger = TestCa.create("Somebody Else's CA");
        try (FakeGateway impostor = FakeGateway.start(vertx, stranger);
             GatewayClient client = GatewayClient.builder(vertx, impostor.url()).trustedCaPem(ca.certificatePem())
                     .caLabel("ca.pem").build()) {
            AgentError error = assertThrows(AgentError.class, () -> GatewayClient.await(
                    Agent.enroll(client, FakeGateway.TOKEN, SimulatedDevice.random(9), AgentKeys.KeyType.EC), WAIT));
            assertEquals(AgentError.Kind.TLS_UNTRUSTED, error.kind());
            assertEquals("gateway 127.0.0.1:" + impostor.port() + " presented a certificate that does not chain to the "
                    + "pinned CA (ca.pem) — refusing to connect; check --ca and the gateway URL", error.getMessage());
            assertTrue(impostor.enrollments().isEmpty(), "nothing was sent to it");
        }
    }

    @Test
    void aGatewayCertificateForAnotherHostIsRefused() {
        try (FakeGateway misnamed = FakeGateway.start(vertx, ca, ca.issueServer("gateway.example.net"));
             GatewayClient client = GatewayClient.builder(vertx, misnamed.url()).trustedCaPem(ca.certificatePem()).build()) {
            AgentError error = assertThrows(AgentError.class, () -> GatewayClient.await(
                    client.post(GatewayClient.ENROLL_PATH, Buffer.buffer("{}"), null), WAIT));
            assertEquals(AgentError.Kind.TLS_HOSTNAME, error.kind());
            assertTrue(error.getMessage().contains("does not name '127.0.0.1'"), error.getMessage());
        }
    }

    @Test
    void aClientCertificateFromAnotherCaIsNotPresentedSoTheGatewayAnswers401() {
        // The JDK presents a client certificate only if it was issued by a CA the server's CertificateRequest names;
        // a certificate from another CA is left out and the gateway sees an anonymous connection.
        SimulatedDevice device = SimulatedDevice.random(15);
        AgentIdentity real = enroll(device);
        TestCa stranger = TestCa.create("Somebody Else's CA");
        KeyPair keys = AgentKeys.generate(AgentKeys.KeyType.EC);
        X509Certificate foreign = stranger.issueClient(AgentKeys.csr(keys).commonName("x").build(), real.deviceId());
        AgentIdentity forged = new AgentIdentity(real.gatewayUrl(), real.deviceId(), real.hardwareId(), real.hostname(),
                AgentKeys.privateKeyPem(keys.getPrivate()), AgentKeys.certificatePem(foreign), stranger.certificatePem(),
                real.trustedCaPem(), real.checkInIntervalSeconds());
        try (Agent agent = new Agent(vertx, forged, device, Agent.Options.defaults())) {
            AgentError error = assertThrows(AgentError.class, () -> GatewayClient.await(agent.checkinOnce(), WAIT));
            assertEquals(AgentError.Kind.HTTP_STATUS, error.kind());
            assertEquals(401, error.status());
            assertEquals("gateway 127.0.0.1:" + gateway.port() + " refused the check-in: 401 Unauthorized (a client "
                    + "certificate is required) — the gateway did not accept this agent's certificate (revoked? enrol "
                    + "again)", error.getMessage());
        }
    }

    @Test
    void aGatewayThatRequiresACertificateRefusesTheHandshakeWithAClearError() {
        try (FakeGateway strict = FakeGateway.start(vertx, ca, ca.issueServer("127.0.0.1"), ClientAuth.REQUIRED);
             GatewayClient client = GatewayClient.builder(vertx, strict.url()).trustedCaPem(ca.certificatePem()).build()) {
            AgentError error = assertThrows(AgentError.class, () -> GatewayClient.await(
                    client.post(GatewayClient.ENROLL_PATH, Buffer.buffer("{}"), null), WAIT));
            assertEquals(AgentError.Kind.TLS_REFUSED, error.kind(), error.getMessage());
            assertTrue(error.getMessage().matches("gateway 127\\.0\\.0\\.1:\\d+ refused the TLS handshake \\([a-z_]+\\) — it "
                    + "wants a client certificate"), error.getMessage());
        }
    }

    @Test
    void aWrongTokenIsAClearError() {
        AgentError error = assertThrows(AgentError.class, () -> GatewayClient.await(
                Agent.enroll(anonymous, "not-the-token", SimulatedDevice.random(10), AgentKeys.KeyType.EC), WAIT));
        assertEquals(AgentError.Kind.HTTP_STATUS, error.kind());
        assertEquals(401, error.status());
        assertEquals("gateway 127.0.0.1:" + gateway.port() + " refused the enrolment: 401 Unauthorized (unknown or expired "
                + "installer token) — check the installer token", error.getMessage());
    }

    @Test
    void rawPostsHandBackAnyAnswer() {
        GatewayClient.Response answer = GatewayClient.await(
                anonymous.post(GatewayClient.CHECKIN_PATH, Buffer.buffer("{\"sequence\": 1}"), null), WAIT);
        assertEquals(401, answer.status(), "no client certificate");
        assertEquals("application/problem+json", answer.contentType());
        assertEquals("a client certificate is required", answer.json().getString("detail"));
        GatewayClient.Response malformed = GatewayClient.await(
                anonymous.post(GatewayClient.ENROLL_PATH, Buffer.buffer("{not json"), null), WAIT);
        assertEquals(400, malformed.status());
    }

    @Test
    void theInventoryIsSentOnlyWhenItChanged() {
        SimulatedDevice device = SimulatedDevice.random(11);
        try (Agent agent = agent(device, Agent.Options.defaults())) {
            for (int i = 0; i < 3; i++) {
                GatewayClient.await(agent.checkinOnce(), WAIT);
            }
            gateway.handOut("SET_TAGS", new JsonObject().put("tags", new JsonArray().add("finance")));
            GatewayClient.await(agent.checkinOnce(), WAIT); // receives the task
            GatewayClient.await(agent.checkinOnce(), WAIT); // reports it, with the changed inventory
            GatewayClient.await(agent.checkinOnce(), WAIT);

            List<FakeGateway.Checkin> checkins = gateway.checkins();
            assertEquals(List.of(true, false, false, false, true, false),
                    checkins.stream().map(FakeGateway.Checkin::hasInventory).toList());
            assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L), checkins.stream().map(FakeGateway.Checkin::sequence).toList());
            assertEquals(new JsonArray().add("finance"), checkins.get(4).inventory().getJsonArray("tags"));
        }
    }

    @Test
    void theInventoryIsSentAgainWhenTheCheckinCarryingItWasNotAcknowledged() {
        SimulatedDevice device = SimulatedDevice.random(12);
        try (Agent agent = agent(device, Agent.Options.defaults())) {
            gateway.refuseNextCheckins(503, 0, 1);
            AgentError busy = assertThrows(AgentError.class, () -> GatewayClient.await(agent.checkinOnce(), WAIT));
            assertEquals(AgentError.Kind.RATE_LIMITED, busy.kind());
            GatewayClient.await(agent.checkinOnce(), WAIT);
            GatewayClient.await(agent.checkinOnce(), WAIT);
            assertEquals(List.of(true, true, false),
                    gateway.checkins().stream().map(FakeGateway.Checkin::hasInventory).toList());
            assertEquals(List.of(1L, 2L, 3L), gateway.checkins().stream().map(FakeGateway.Checkin::sequence).toList());
        }
    }

    @Test
    void tasksChangeTheStateAndTheirResultsComeWithTheNextCheckin() {
        SimulatedDevice device = SimulatedDeviceTest.unprotectedWindowsPc();
        try (Agent agent = agent(device, Agent.Options.defaults())) {
            GatewayClient.await(agent.checkinOnce(), WAIT);
            String install = gateway.handOut("INSTALL_PRODUCT",
                    new JsonObject().put("name", SimulatedDevice.SECURITY_PRODUCT).put("version", "11.2.100.0"));
            String uninstall = gateway.handOut("UNINSTALL_PRODUCT", new JsonObject().put("name", "7-Zip"));
            String uninstallMissing = gateway.handOut("UNINSTALL_PRODUCT", new JsonObject().put("name", "WinRAR"));
            String tags = gateway.handOut("SET_TAGS", new JsonObject().put("tags", new JsonArray().add("vip")));
            String update = gateway.handOut("UPDATE_MODULES", new JsonObject());
            String scan = gateway.handOut("RUN_SCAN", new JsonObject());
            String unknown = gateway.handOut("FORMAT_DISK", new JsonObject());

            CheckinResponse delivering = GatewayClient.await(agent.checkinOnce(), WAIT);
            assertEquals(7, delivering.tasks().size());
            assertTrue(gateway.checkins().get(1).taskResults().isEmpty(), "results go with the check-in after");
            assertEquals(7, agent.pendingResults());

            GatewayClient.await(agent.checkinOnce(), WAIT);
            FakeGateway.Checkin reporting = gateway.checkins().get(2);
            Map<String, JsonObject> results = reporting.taskResults().stream().map(JsonObject.class::cast)
                    .collect(Collectors.toMap(r -> r.getString("taskId"), Function.identity()));
            assertEquals("SUCCEEDED", results.get(install).getString("status"));
            assertEquals("SUCCEEDED", results.get(uninstall).getString("status"));
            assertEquals("FAILED", results.get(uninstallMissing).getString("status"));
            assertEquals("WinRAR is not installed", results.get(uninstallMissing).getString("output"));
            assertEquals("SUCCEEDED", results.get(tags).getString("status"));
            assertEquals("SUCCEEDED", results.get(update).getString("status"));
            assertEquals("scan finished: 0 threats", results.get(scan).getString("output"));
            assertEquals("FAILED", results.get(unknown).getString("status"));
            assertEquals("unsupported task type", results.get(unknown).getString("output"));

            JsonObject inventory = reporting.inventory();
            assertNotNull(inventory, "the state changed, so the inventory comes along");
            assertEquals("PROTECTED", inventory.getJsonObject("protection").getString("status"));
            assertEquals(new JsonArray().add(new JsonObject().put("name", SimulatedDevice.SECURITY_PRODUCT).put("version", "11.2.100.0")),
                    inventory.getJsonArray("products"));
            assertEquals(new JsonArray().add("vip"), inventory.getJsonArray("tags"));
            assertEquals("11.1.2040", inventory.getJsonObject("agent").getString("version"));

            GatewayClient.await(agent.checkinOnce(), WAIT);
            assertTrue(gateway.checkins().get(3).taskResults().isEmpty(), "acknowledged results are not sent again");
            assertEquals(0, agent.pendingResults());
        }
    }

    @Test
    void theLoopHonoursRetryAfter() {
        gateway.refuseNextCheckins(429, 1, 1);
        SimulatedDevice device = SimulatedDevice.random(13);
        try (Agent agent = agent(device, Agent.Options.defaults().withIntervalSeconds(0.05))) {
            agent.start(Duration.ZERO);
            await().atMost(WAIT).until(() -> gateway.checkins().size() >= 4);
            agent.stop();
            List<FakeGateway.Checkin> checkins = gateway.checkins();
            assertEquals(429, checkins.get(0).status());
            Duration waited = Duration.between(checkins.get(0).at(), checkins.get(1).at());
            assertTrue(waited.toMillis() >= 950, "waited " + waited + " after Retry-After: 1");
            Duration normal = Duration.between(checkins.get(2).at(), checkins.get(3).at());
            assertTrue(normal.toMillis() < 900, "the interval after that is the configured one, was " + normal);
            assertEquals(200, checkins.get(1).status());
        }
    }

    @Test
    void theIdentitySurvivesSaveAndLoadWithAPrivateKeyFile(@TempDir Path dir) throws Exception {
        SimulatedDevice device = SimulatedDevice.random(14);
        AgentIdentity identity = enroll(device);
        identity.save(dir.resolve("agent"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("agent/key.pem"))));
        AgentIdentity loaded = AgentIdentity.load(dir.resolve("agent"));
        assertEquals(identity, loaded);

        try (Agent agent = new Agent(vertx, loaded, device, Agent.Options.defaults())) {
            GatewayClient.await(agent.checkinOnce(), WAIT);
            assertEquals(identity.certificateSubject(), gateway.checkins().get(0).peerSubject());
        }
        AgentError missing = assertThrows(AgentError.class, () -> AgentIdentity.load(dir.resolve("nothing")));
        assertEquals(AgentError.Kind.CONFIG, missing.kind());
        assertTrue(missing.getMessage().contains("enrol first"), missing.getMessage());
    }
}
