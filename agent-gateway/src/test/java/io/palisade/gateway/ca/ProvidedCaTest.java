package io.palisade.gateway.ca;

import static org.assertj.core.api.Assertions.assertThat;

import io.palisade.gateway.agent.AgentServer;
import io.palisade.gateway.support.TestAgent;
import io.palisade.gateway.support.World;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A CA provided as PEM files is used instead of the stored one: installers pin it and devices chain to it. */
@QuarkusTest
@TestProfile(ProvidedCaTest.Provided.class)
class ProvidedCaTest {

    static final CertificateAuthority CA = CertificateAuthority.generate("RSA");

    public static class Provided implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            try {
                Path dir = Files.createTempDirectory("provided-ca");
                Path cert = Files.writeString(dir.resolve("ca.pem"), CA.certificatePem());
                Path key = Files.writeString(dir.resolve("ca.key"), Pem.write(CA.key()));
                return Map.of("palisade.gateway.ca.certificate-file", cert.toString(),
                        "palisade.gateway.ca.key-file", key.toString());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Inject
    AgentServer server;

    @Test
    void devicesChainToTheProvidedCa() throws Exception {
        World.Installer installer = World.installer(World.customer(), 2);
        assertThat(installer.caPem()).isEqualTo(CA.certificatePem());
        TestAgent agent = new TestAgent(server.port(), installer.caPem());
        assertThat(agent.enrol(installer.token()).status()).isEqualTo(201);
        agent.certificate().verify(CA.certificate().getPublicKey());
        assertThat(agent.checkin().status()).isEqualTo(200);
    }
}
