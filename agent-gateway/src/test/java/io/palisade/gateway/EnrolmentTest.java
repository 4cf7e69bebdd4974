package io.palisade.gateway;

import static io.palisade.gateway.support.World.as;
import static io.palisade.gateway.support.World.root;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.palisade.events.DeviceEvents;
import io.palisade.events.Topics;
import io.palisade.gateway.agent.AgentServer;
import io.palisade.gateway.ca.Pem;
import io.palisade.gateway.support.TestAgent;
import io.palisade.gateway.support.TestAgent.Answer;
import io.palisade.gateway.support.World;
import io.palisade.gateway.support.World.Installer;
import io.palisade.gateway.support.World.Tenant;
import io.palisade.kit.testing.PalisadeTestResources;
import io.palisade.kit.testing.TopicProbe;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.junit.jupiter.api.Test;

/** Enrolment: installer tokens, CSR checks, and the certificate the gateway issues. */
@QuarkusTest
@QuarkusTestResource(PalisadeTestResources.class)
class EnrolmentTest {

    @Inject
    AgentServer server;

    private TestAgent agent(Installer installer) {
        return new TestAgent(server.port(), installer.caPem());
    }

    @Test
    void theIssuedCertificateIsExactlyWhatTheGatewayDecides() throws Exception {
        Tenant customer = World.customer();
        Installer installer = World.installer(customer, 5);
        TestAgent agent = agent(installer);
        Answer answer = agent.enrol(installer.token());
        assertThat(answer.status()).as(answer.raw()).isEqualTo(201);
        assertThat(answer.body().get("caChainPem").asText()).isEqualTo(installer.caPem());
        assertThat(answer.body().get("checkInIntervalSeconds").asLong()).isBetween(50L, 70L);

        X509Certificate cert = agent.certificate();
        X509Certificate ca = Pem.certificate(installer.caPem());
        cert.verify(ca.getPublicKey());
        assertThat(cert.getIssuerX500Principal()).isEqualTo(ca.getSubjectX500Principal());
        assertThat(cert.getSubjectX500Principal().getName())
                .isEqualTo("CN=" + agent.deviceId + ",OU=" + customer.id() + ",O=Palisade devices");
        assertThat(cert.getPublicKey()).isEqualTo(agent.keys.getPublic());
        assertThat(cert.getBasicConstraints()).as("not a CA").isEqualTo(-1);
        assertThat(cert.getCriticalExtensionOIDs()).contains(Extension.basicConstraints.getId(), Extension.keyUsage.getId());
        assertThat(cert.getKeyUsage()[0]).as("digitalSignature").isTrue();
        assertThat(cert.getKeyUsage()[5]).as("keyCertSign").isFalse();
        assertThat(cert.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
        assertThat(cert.getSubjectAlternativeNames()).extracting(n -> (Object) n.get(1)).containsExactly((Object) ("urn:uuid:" + agent.deviceId));
        Duration validity = Duration.between(cert.getNotBefore().toInstant(), cert.getNotAfter().toInstant());
        assertThat(validity).isLessThanOrEqualTo(Duration.ofDays(398));
        assertThat(cert.getNotBefore().toInstant()).isBefore(Instant.now());
    }

    @Test
    void whatTheCsrAsksForIsIgnored() throws Exception {
        Tenant customer = World.customer();
        Installer installer = World.installer(customer, 5);
        TestAgent agent = agent(installer);
        String greedy = TestAgent.csr(agent.keys, "CN=evil.example.com, O=Another customer", builder -> {
            try {
                ExtensionsGenerator ext = new ExtensionsGenerator();
                ext.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
                ext.addExtension(Extension.subjectAlternativeName, false,
                        new GeneralNames(new GeneralName[] {new GeneralName(GeneralName.dNSName, "gateway.palisade.example"),
                                new GeneralName(GeneralName.iPAddress, "10.0.0.1")}));
                builder.addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, ext.generate());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        var body = agent.enrolment(installer.token()).put("csrPem", greedy);
        Answer answer = agent.post("/agent/v1/enroll", body.toString());
        assertThat(answer.status()).as(answer.raw()).isEqualTo(201);
        X509Certificate cert = Pem.certificate(answer.body().get("certificatePem").asText());
        String device = answer.body().get("deviceId").asText();
        assertThat(cert.getBasicConstraints()).isEqualTo(-1);
        assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=" + device + ",OU=" + customer.id() + ",O=Palisade devices");
        assertThat(cert.getSubjectAlternativeNames()).extracting(n -> (Object) n.get(1)).containsExactly((Object) ("urn:uuid:" + device));
    }

    @Test
    void badCsrsAreRefusedWithAClearProblem() {
        Tenant customer = World.customer();
        Installer installer = World.installer(customer, 10);
        TestAgent agent = agent(installer);
        KeyPair other = TestAgent.ecKeys();
        // signed by a key other than the one it carries: no proof of possession
        String forged = TestAgent.csr(agent.keys, "CN=x", null);
        String stolenKey = forged.replace(forged, TestAgent.csr(other, "CN=x", null));
        assertThat(stolenKey).isNotEqualTo(forged);
        String badSignature = tamperSignature(forged);
        for (String csr : List.of(badSignature, TestAgent.csr(TestAgent.rsaKeys(1024), "CN=weak", null), "not a csr",
                "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n")) {
            Answer answer = agent.post("/agent/v1/enroll", agent.enrolment(installer.token()).put("csrPem", csr).toString());
            assertThat(answer.status()).as(answer.raw()).isEqualTo(400);
            assertThat(answer.response().headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(answer.body().get("type").asText()).endsWith("/invalid-csr");
            assertThat(answer.raw()).doesNotContain("Exception").doesNotContain("org.bouncycastle");
        }
        // nothing was used up by the refusals
        as(root()).get("/api/v1/installers/" + installer.id()).then().statusCode(200).body("uses", org.hamcrest.Matchers.equalTo(0));
        Answer rsa = new TestAgent(server.port(), installer.caPem(), TestAgent.rsaKeys(3072)).enrol(installer.token());
        assertThat(rsa.status()).as(rsa.raw()).isEqualTo(201);
    }

    /** Flips a bit near the end of the DER, inside the signature. */
    private static String tamperSignature(String pem) {
        String b64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        byte[] der = java.util.Base64.getDecoder().decode(b64);
        der[der.length - 5] ^= 0x01;
        return "-----BEGIN CERTIFICATE REQUEST-----\n" + java.util.Base64.getMimeEncoder().encodeToString(der)
                + "\n-----END CERTIFICATE REQUEST-----\n";
    }

    @Test
    void unusableTokensAreRefused() {
        Tenant customer = World.customer();
        Installer once = World.installer(customer, 1);
        assertThat(agent(once).enrol(once.token()).status()).isEqualTo(201);
        assertRefused(agent(once).enrol(once.token()), "no uses left");

        Installer revoked = World.installer(customer, 5);
        as(root()).delete("/api/v1/installers/" + revoked.id()).then().statusCode(204);
        assertRefused(agent(revoked).enrol(revoked.token()), "revoked");

        Instant soon = Instant.now().plusSeconds(2);
        Installer expiring = World.installer(customer, 5, soon);
        await().atMost(Duration.ofSeconds(10)).until(() -> Instant.now().isAfter(soon.plusMillis(200)));
        assertRefused(agent(expiring).enrol(expiring.token()), "expired");

        for (String token : List.of("pit_unknown", "x", once.token() + "x", "ä".repeat(150))) {
            assertRefused(agent(once).enrol(token), "not valid");
        }
        Answer tooLong = agent(once).post("/agent/v1/enroll", agent(once).enrolment("t".repeat(500)).toString());
        assertThat(tooLong.status()).isEqualTo(400);
        assertThat(tooLong.body().get("errors").get(0).get("field").asText()).isEqualTo("token");
        Answer missing = agent(once).post("/agent/v1/enroll", "{\"csrPem\": 1}");
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.body().get("errors")).hasSizeGreaterThanOrEqualTo(3);
    }

    private static void assertRefused(Answer answer, String why) {
        assertThat(answer.status()).as(answer.raw()).isEqualTo(401);
        assertThat(answer.body().get("type").asText()).endsWith("/invalid-installer-token");
        assertThat(answer.body().get("detail").asText()).contains(why);
    }

    @Test
    void concurrentEnrolmentsNeverExceedMaxUses() throws Exception {
        Tenant customer = World.customer();
        Installer installer = World.installer(customer, 3);
        ExecutorService pool = Executors.newFixedThreadPool(10);
        try {
            Collection<Callable<Integer>> attempts = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                attempts.add(() -> agent(installer).enrol(installer.token()).status());
            }
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> f : pool.invokeAll(attempts)) {
                statuses.add(f.get());
            }
            assertThat(statuses).filteredOn(s -> s == 201).hasSize(3);
            assertThat(statuses).filteredOn(s -> s == 401).hasSize(7);
        } finally {
            pool.shutdown();
        }
        as(root()).get("/api/v1/installers/" + installer.id()).then().body("uses", org.hamcrest.Matchers.equalTo(3));
    }

    @Test
    void reEnrolmentKeepsTheDeviceIdOnlyWithinTheSameCustomer() {
        Tenant customer = World.customer();
        Installer installer = World.installer(customer, 5);
        TestAgent first = agent(installer);
        try (TopicProbe devices = new TopicProbe(Topics.DEVICES)) {
            assertThat(first.enrol(installer.token()).status()).isEqualTo(201);
            String oldCert = first.certificatePem;
            assertThat(first.checkin().status()).isEqualTo(200);

            TestAgent again = new TestAgent(server.port(), installer.caPem());
            Answer answer = again.post("/agent/v1/enroll", again.enrolment(installer.token()).put("hardwareId", first.hardwareId).toString());
            assertThat(answer.status()).isEqualTo(201);
            assertThat(answer.body().get("deviceId").asText()).isEqualTo(first.deviceId.toString());
            // the certificate issued before is no longer the device's
            TestAgent stale = new TestAgent(server.port(), installer.caPem(), first.keys);
            stale.adopt(first.deviceId.toString(), oldCert);
            assertThat(stale.checkin().status()).isEqualTo(401);
            again.adopt(answer.body().get("deviceId").asText(), answer.body().get("certificatePem").asText());
            assertThat(again.checkin().status()).isEqualTo(200);

            var enrolled = devices.await(r -> DeviceEvents.Enrolled.TYPE.equals(r.event().type())
                    && first.deviceId.toString().equals(r.key()), World.WAIT);
            assertThat(enrolled.event().data().get("customerId").asText()).isEqualTo(customer.id().toString());
            assertThat(enrolled.event().data().get("hardwareId").asText()).isEqualTo(first.hardwareId);
            assertThat(enrolled.event().data().get("installerId").asText()).isEqualTo(installer.id().toString());
            assertThat(enrolled.event().tenantpath()).isEqualTo(customer.path());
        }

        // another customer's token for the same hardware: a new device of that customer, never the first one
        Tenant other = World.customer();
        Installer foreign = World.installer(other, 5);
        TestAgent intruder = new TestAgent(server.port(), foreign.caPem());
        Answer answer = intruder.post("/agent/v1/enroll", intruder.enrolment(foreign.token()).put("hardwareId", first.hardwareId).toString());
        assertThat(answer.status()).isEqualTo(201);
        assertThat(answer.body().get("deviceId").asText()).isNotEqualTo(first.deviceId.toString());
        assertThat(Pem.certificate(answer.body().get("certificatePem").asText()).getSubjectX500Principal().getName())
                .contains("OU=" + other.id());
    }
}
