package io.palisade.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.KeyPair;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateKey;
import java.util.List;

import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.junit.jupiter.api.Test;

class AgentKeysTest {

    private static boolean signatureValid(PKCS10CertificationRequest csr) throws Exception {
        return csr.isSignatureValid(new JcaContentVerifierProviderBuilder().setProvider(TestCa.BC).build(csr.getSubjectPublicKeyInfo()));
    }

    @Test
    void csrNamesTheHostAndIsSignedByTheKey() throws Exception {
        KeyPair keys = AgentKeys.generate(AgentKeys.KeyType.EC);
        String pem = AgentKeys.csrPem(keys, "DESKTOP-4711");
        assertTrue(pem.startsWith("-----BEGIN CERTIFICATE REQUEST-----"), pem);
        PKCS10CertificationRequest csr = AgentKeys.readCsr(pem);
        assertEquals("CN=DESKTOP-4711", csr.getSubject().toString());
        assertTrue(signatureValid(csr));
        assertEquals(0, csr.getAttributes().length, "a plain agent CSR requests no extensions");
    }

    @Test
    void rsaKeysAre3072Bits() throws Exception {
        KeyPair keys = AgentKeys.generate(AgentKeys.KeyType.RSA);
        assertEquals(3072, ((RSAPrivateKey) keys.getPrivate()).getModulus().bitLength());
        assertTrue(signatureValid(AgentKeys.readCsr(AgentKeys.csrPem(keys, "rsa-host"))));
    }

    @Test
    void csrCanCarryExtensionsAGatewayMustRefuse() throws Exception {
        KeyPair keys = AgentKeys.generate(AgentKeys.KeyType.EC);
        PKCS10CertificationRequest csr = AgentKeys.readCsr(AgentKeys.csr(keys)
                .subject("CN=evil,O=Another Customer")
                .dnsNames("gateway.palisade.example")
                .ipAddresses("10.0.0.1")
                .basicConstraints(true)
                .pem());
        assertEquals("CN=evil,O=Another Customer", csr.getSubject().toString());
        Extensions requested = Extensions.getInstance(
                csr.getAttributes(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest)[0].getAttrValues().getObjectAt(0));
        assertTrue(BasicConstraints.getInstance(requested.getExtensionParsedValue(Extension.basicConstraints)).isCA());
        assertEquals(2, GeneralNames.getInstance(requested.getExtensionParsedValue(Extension.subjectAlternativeName)).getNames().length);
        assertTrue(signatureValid(csr));
    }

    @Test
    void brokenSignaturesDoNotVerify() throws Exception {
        KeyPair keys = AgentKeys.generate(AgentKeys.KeyType.EC);
        PKCS10CertificationRequest corrupted = AgentKeys.readCsr(AgentKeys.csr(keys).commonName("x").corruptSignature().pem());
        assertEquals("CN=x", corrupted.getSubject().toString(), "still a well-formed CSR");
        assertFalse(signatureValid(corrupted));
        PKCS10CertificationRequest otherKey = AgentKeys.readCsr(AgentKeys.csr(keys).commonName("x")
                .signedBy(AgentKeys.generate(AgentKeys.KeyType.EC).getPrivate()).pem());
        assertFalse(signatureValid(otherKey));
    }

    @Test
    void keysAndCertificatesRoundTripThroughPem() {
        KeyPair keys = AgentKeys.generate(AgentKeys.KeyType.EC);
        String keyPem = AgentKeys.privateKeyPem(keys.getPrivate());
        assertTrue(keyPem.startsWith("-----BEGIN PRIVATE KEY-----"));
        assertEquals(keys.getPrivate(), AgentKeys.readPrivateKey(keyPem));
        assertTrue(AgentKeys.readPrivateKey(keyPem) instanceof ECPrivateKey);

        TestCa ca = TestCa.create("Round Trip CA");
        String chain = ca.certificatePem() + TestCa.create("Other CA").certificatePem();
        List<?> certificates = AgentKeys.readCertificates("junk before\n" + chain);
        assertEquals(2, certificates.size());
        assertEquals(ca.certificate(), certificates.get(0));
        assertThrows(IllegalArgumentException.class, () -> AgentKeys.readCertificates("no pem here"));
        assertThrows(IllegalArgumentException.class, () -> AgentKeys.readPrivateKey(chain));
        assertNotNull(AgentKeys.KeyType.parse("RSA"));
        assertThrows(IllegalArgumentException.class, () -> AgentKeys.KeyType.parse("dsa"));
    }
}
