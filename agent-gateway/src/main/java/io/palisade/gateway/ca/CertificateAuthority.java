package io.palisade.gateway.ca;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A CA certificate and its private key, and what it signs: device certificates (client authentication
 * only, subject = device id and customer id, never a CA) and the gateway's own TLS server certificate.
 * Pure: no I/O, no framework.
 */
public final class CertificateAuthority {

    /** The organisation every device certificate names; the customer is its OU, the device its CN. */
    public static final String DEVICE_ORGANISATION = "Palisade devices";

    private static final SecureRandom RANDOM = new SecureRandom();

    private final X509Certificate certificate;
    private final PrivateKey key;

    public CertificateAuthority(X509Certificate certificate, PrivateKey key) {
        this.certificate = certificate;
        this.key = key;
    }

    public X509Certificate certificate() {
        return certificate;
    }

    public PrivateKey key() {
        return key;
    }

    public String certificatePem() {
        return Pem.write(certificate);
    }

    /** A new self-signed CA, {@code EC} (P-256) or {@code RSA} (3072 bits), valid for ten years. */
    public static CertificateAuthority generate(String keyType) {
        KeyPair pair = keyPair(keyType);
        Instant now = Instant.now();
        X500Name name = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, "Palisade")
                .addRDN(BCStyle.CN, "Palisade Device CA " + UUID.randomUUID().toString().substring(0, 8)).build();
        try {
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, serial(),
                    Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(3650))), name, pair.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(pair.getPublic()));
            X509Certificate cert = new JcaX509CertificateConverter().getCertificate(builder.build(signer(pair.getPrivate())));
            return new CertificateAuthority(cert, pair.getPrivate());
        } catch (GeneralSecurityException | CertIOException | OperatorCreationException e) {
            throw new IllegalStateException("cannot create the device CA", e);
        }
    }

    /**
     * A device certificate for {@code publicKey}: subject {@code CN=<deviceId>, OU=<customerId>, O=Palisade devices},
     * client authentication only, not a CA, a URI name {@code urn:uuid:<deviceId>}, and nothing the agent asked for.
     */
    public X509Certificate issueDevice(PublicKey publicKey, UUID deviceId, UUID customerId, Duration validity) {
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, DEVICE_ORGANISATION)
                .addRDN(BCStyle.OU, customerId.toString()).addRDN(BCStyle.CN, deviceId.toString()).build();
        int usage = KeyUsage.digitalSignature | ("RSA".equals(publicKey.getAlgorithm()) ? KeyUsage.keyEncipherment : 0);
        return issue(publicKey, subject, validity, usage, KeyPurposeId.id_kp_clientAuth,
                new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, "urn:uuid:" + deviceId)));
    }

    /** The gateway's TLS server certificate for {@code hostnames} (DNS names or IP literals). */
    public X509Certificate issueServer(PublicKey publicKey, List<String> hostnames, Duration validity) {
        List<GeneralName> names = new ArrayList<>();
        for (String host : hostnames) {
            boolean ip = host.matches("[0-9.]+") || host.contains(":");
            names.add(new GeneralName(ip ? GeneralName.iPAddress : GeneralName.dNSName, host));
        }
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, "Palisade")
                .addRDN(BCStyle.CN, hostnames.isEmpty() ? "agent-gateway" : hostnames.get(0)).build();
        int usage = KeyUsage.digitalSignature | ("RSA".equals(publicKey.getAlgorithm()) ? KeyUsage.keyEncipherment : 0);
        return issue(publicKey, subject, validity, usage, KeyPurposeId.id_kp_serverAuth,
                new GeneralNames(names.toArray(GeneralName[]::new)));
    }

    private X509Certificate issue(PublicKey publicKey, X500Name subject, Duration validity, int keyUsage, KeyPurposeId purpose,
                                  GeneralNames altNames) {
        Instant now = Instant.now();
        try {
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(certificate, serial(),
                    Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(validity)), subject, publicKey)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(keyUsage))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose))
                    .addExtension(Extension.subjectAlternativeName, false, altNames)
                    .addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(publicKey))
                    .addExtension(Extension.authorityKeyIdentifier, false, utils.createAuthorityKeyIdentifier(certificate));
            return new JcaX509CertificateConverter().getCertificate(builder.build(signer(key)));
        } catch (GeneralSecurityException | CertIOException | OperatorCreationException e) {
            throw new IllegalStateException("cannot issue a certificate", e);
        }
    }

    public static KeyPair keyPair(String keyType) {
        try {
            if ("RSA".equalsIgnoreCase(keyType)) {
                KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
                generator.initialize(3072, RANDOM);
                return generator.generateKeyPair();
            }
            if (!"EC".equalsIgnoreCase(keyType)) {
                throw new IllegalArgumentException("palisade.gateway.ca.key-type must be EC or RSA, not " + keyType);
            }
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate a key pair", e);
        }
    }

    private static org.bouncycastle.operator.ContentSigner signer(PrivateKey key) throws OperatorCreationException {
        return new JcaContentSignerBuilder(key instanceof ECPrivateKey ? "SHA256withECDSA" : "SHA256withRSA").build(key);
    }

    /** 127 random bits: positive, unique, unpredictable. */
    private static BigInteger serial() {
        return new BigInteger(127, RANDOM).setBit(126);
    }
}
