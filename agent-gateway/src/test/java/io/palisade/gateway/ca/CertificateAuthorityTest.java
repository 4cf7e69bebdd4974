package io.palisade.gateway.ca;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.palisade.gateway.support.TestAgent;
import io.palisade.kit.problem.ProblemException;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The CA's pure parts: generation, issuing, PEM round trips, CSR checks. */
class CertificateAuthorityTest {

    @Test
    void bothKeyTypesMakeACaThatSignsDeviceAndServerCertificates() throws Exception {
        for (String type : List.of("EC", "RSA")) {
            CertificateAuthority ca = CertificateAuthority.generate(type);
            X509Certificate root = ca.certificate();
            assertThat(root.getBasicConstraints()).as(type).isEqualTo(0);
            assertThat(root.getKeyUsage()[5]).as("keyCertSign").isTrue();
            root.verify(root.getPublicKey());

            KeyPair device = CertificateAuthority.keyPair("EC");
            UUID id = UUID.randomUUID();
            X509Certificate cert = ca.issueDevice(device.getPublic(), id, UUID.randomUUID(), Duration.ofDays(30));
            cert.verify(root.getPublicKey());
            assertThat(cert.getSubjectX500Principal().getName()).startsWith("CN=" + id + ",");

            X509Certificate server = ca.issueServer(device.getPublic(), List.of("gw.example.com", "10.0.0.7"), Duration.ofDays(1));
            assertThat(server.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
            assertThat(server.getSubjectAlternativeNames()).extracting(n -> (Object) n.get(1))
                    .containsExactly("gw.example.com", "10.0.0.7");

            // the key survives its PEM round trip (how it is sealed and stored)
            CertificateAuthority reloaded = new CertificateAuthority(Pem.certificate(ca.certificatePem()), Pem.privateKey(Pem.write(ca.key())));
            reloaded.issueDevice(device.getPublic(), id, UUID.randomUUID(), Duration.ofDays(1)).verify(root.getPublicKey());
        }
        assertThatThrownBy(() -> CertificateAuthority.generate("DSA")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void csrChecksYieldOnlyTheKey() {
        KeyPair keys = TestAgent.ecKeys();
        assertThat(CertificateRequests.publicKeyOf(TestAgent.csr(keys, "CN=x", null))).isEqualTo(keys.getPublic());
        KeyPair p384 = ecKeys("secp384r1");
        assertThat(CertificateRequests.publicKeyOf(TestAgent.csr(p384, "CN=x", null))).isEqualTo(p384.getPublic());
        for (String bad : new String[] {null, "", " ", "x".repeat(CertificateRequests.MAX_PEM_CHARS + 1),
                TestAgent.csr(TestAgent.rsaKeys(1024), "CN=x", null), TestAgent.csr(ecKeys("secp521r1"), "CN=x", null)}) {
            assertThatThrownBy(() -> CertificateRequests.publicKeyOf(bad)).isInstanceOf(ProblemException.class);
        }
    }

    private static KeyPair ecKeys(String curve) {
        try {
            var generator = java.security.KeyPairGenerator.getInstance("EC");
            generator.initialize(new java.security.spec.ECGenParameterSpec(curve));
            return generator.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
