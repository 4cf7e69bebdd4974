package io.palisade.simulator;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;

/** A throw-away CA made with Bouncy Castle at test start: it issues the fake gateway's and the agents' certificates. */
final class TestCa {

    /** A key and a certificate, both PEM. */
    record Issued(String keyPem, String certificatePem) {
    }

    private static final SecureRandom RANDOM = new SecureRandom();
    /**
     * For verifying CSRs: the JDK has no key factory registered under the EC key's OID, which is how Bouncy Castle
     * looks it up. Used as an instance, never installed in the JVM.
     */
    static final BouncyCastleProvider BC = new BouncyCastleProvider();

    private final KeyPair keys;
    private final X509Certificate certificate;
    private final X500Name name;

    private TestCa(KeyPair keys, X509Certificate certificate, X500Name name) {
        this.keys = keys;
        this.certificate = certificate;
        this.name = name;
    }

    static TestCa create(String commonName) {
        KeyPair keys = AgentKeys.generate(AgentKeys.KeyType.EC);
        X500Name name = new X500Name("CN=" + commonName + ",O=Palisade Test");
        try {
            X509v3CertificateBuilder builder = builder(name, name, keys.getPublic(), Duration.ofDays(2))
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            return new TestCa(keys, sign(builder, keys), name);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    String certificatePem() {
        return AgentKeys.certificatePem(certificate);
    }

    X509Certificate certificate() {
        return certificate;
    }

    /** A TLS server certificate naming the given DNS names and IP addresses (anything with a digit first is an IP). */
    Issued issueServer(String... hosts) {
        KeyPair serverKeys = AgentKeys.generate(AgentKeys.KeyType.EC);
        List<GeneralName> names = new ArrayList<>();
        for (String host : hosts) {
            if (Character.isDigit(host.charAt(0))) {
                try {
                    names.add(new GeneralName(GeneralName.iPAddress, new DEROctetString(InetAddress.getByName(host).getAddress())));
                } catch (UnknownHostException e) {
                    throw new IllegalArgumentException(host, e);
                }
            } else {
                names.add(new GeneralName(GeneralName.dNSName, host));
            }
        }
        try {
            X509v3CertificateBuilder builder = builder(name, new X500Name("CN=" + hosts[0]), serverKeys.getPublic(), Duration.ofDays(1))
                    .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(GeneralName[]::new)))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            return new Issued(AgentKeys.privateKeyPem(serverKeys.getPrivate()),
                    AgentKeys.certificatePem(sign(builder, keys)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A client certificate with subject {@code CN=<commonName>} for the CSR's key, after checking the CSR's signature.
     *
     * @throws IllegalArgumentException when the CSR's signature does not verify
     */
    X509Certificate issueClient(PKCS10CertificationRequest csr, String commonName) {
        try {
            if (!csr.isSignatureValid(new JcaContentVerifierProviderBuilder().setProvider(BC).build(csr.getSubjectPublicKeyInfo()))) {
                throw new IllegalArgumentException("the CSR's signature does not verify");
            }
            PublicKey publicKey = new JcaPKCS10CertificationRequest(csr).setProvider(BC).getPublicKey();
            X509v3CertificateBuilder builder = builder(name, new X500Name("CN=" + commonName), publicKey, Duration.ofDays(1))
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            return sign(builder, keys);
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalArgumentException("cannot issue: " + e.getMessage(), e);
        }
    }

    private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, PublicKey key, Duration validity) {
        Instant now = Instant.now();
        return new JcaX509v3CertificateBuilder(issuer, new BigInteger(64, RANDOM).abs().add(BigInteger.ONE),
                Date.from(now.minusSeconds(60)), Date.from(now.plus(validity)), subject, key);
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair signer) throws GeneralSecurityException {
        try {
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate())));
        } catch (org.bouncycastle.operator.OperatorCreationException | java.security.cert.CertificateException e) {
            throw new GeneralSecurityException(e);
        }
    }
}
