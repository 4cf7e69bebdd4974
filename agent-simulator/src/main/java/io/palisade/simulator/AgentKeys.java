package io.palisade.simulator;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.pkcs.CertificationRequest;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.bouncycastle.util.io.pem.PemObject;

/**
 * An agent's key material: key pairs, PKCS#10 certificate signing requests, and PEM reading and writing.
 *
 * <p>Keys come from the JDK's providers (EC on P-256, or RSA 3072); Bouncy Castle only builds and encodes the ASN.1
 * structures, and is never installed as a JCA provider, so using this class changes nothing in the JVM it runs in.
 *
 * <p>Besides the CSR a well-behaved agent sends ({@link #csrPem(KeyPair, String)}), {@link #csr(KeyPair)} builds
 * the CSRs a gateway must refuse: extra extensions, subject alternative names, {@code basicConstraints CA:true}, a
 * signature by another key or a corrupted signature.
 */
public final class AgentKeys {

    /** The key algorithms an agent can generate. */
    public enum KeyType {
        /** ECDSA on NIST P-256 (secp256r1): the default, fast to generate and to handshake with. */
        EC,
        /** RSA with a 3072-bit modulus. */
        RSA;

        /** {@code ec} or {@code rsa}, any case. */
        public static KeyType parse(String text) {
            return switch (text.trim().toLowerCase(Locale.ROOT)) {
                case "ec", "ecdsa", "p-256", "p256" -> EC;
                case "rsa" -> RSA;
                default -> throw new IllegalArgumentException("unknown key type '" + text + "' (use ec or rsa)");
            };
        }
    }

    private AgentKeys() {
    }

    /** A fresh key pair of the given type. EC takes about a millisecond, RSA 3072 up to a few hundred. */
    public static KeyPair generate(KeyType type) {
        try {
            if (type == KeyType.RSA) {
                KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
                generator.initialize(3072);
                return generator.generateKeyPair();
            }
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM cannot generate " + type + " keys", e);
        }
    }

    /** The CSR an agent sends at enrolment: subject {@code CN=<commonName>}, no extensions, signed by the key. */
    public static String csrPem(KeyPair keys, String commonName) {
        return csr(keys).commonName(commonName).pem();
    }

    /** A builder for CSRs of any shape, for tests of what a gateway accepts. */
    public static CsrBuilder csr(KeyPair keys) {
        return new CsrBuilder(keys);
    }

    /** Parses a PEM {@code CERTIFICATE REQUEST} (or {@code NEW CERTIFICATE REQUEST}). */
    public static PKCS10CertificationRequest readCsr(String pem) {
        Object object = readPemObject(pem);
        if (object instanceof PKCS10CertificationRequest csr) {
            return csr;
        }
        throw new IllegalArgumentException("not a PEM certificate request");
    }

    /** The private key as PKCS#8 PEM (label "PRIVATE KEY"), the form Vert.x and OpenSSL read; generated, never stored here. */
    public static String privateKeyPem(PrivateKey key) {
        return pem(new PemObject("PRIVATE KEY", key.getEncoded()));
    }

    /**
     * Reads a private key from PEM: PKCS#8 ({@code PRIVATE KEY}) or the traditional OpenSSL forms
     * ({@code EC PRIVATE KEY}, {@code RSA PRIVATE KEY}). Encrypted keys are not supported.
     */
    public static PrivateKey readPrivateKey(String pem) {
        Object object = readPemObject(pem);
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        try {
            if (object instanceof PrivateKeyInfo info) {
                return converter.getPrivateKey(info);
            }
            if (object instanceof PEMKeyPair pair) {
                return converter.getPrivateKey(pair.getPrivateKeyInfo());
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("unreadable private key: " + e.getMessage(), e);
        }
        throw new IllegalArgumentException("not a PEM private key (expected PRIVATE KEY, EC PRIVATE KEY or RSA PRIVATE KEY)");
    }

    /** The certificates as concatenated PEM blocks. */
    public static String certificatesPem(List<X509Certificate> certificates) {
        StringBuilder out = new StringBuilder();
        for (X509Certificate certificate : certificates) {
            try {
                out.append(pem(new PemObject("CERTIFICATE", certificate.getEncoded())));
            } catch (CertificateException e) {
                throw new IllegalArgumentException("unencodable certificate", e);
            }
        }
        return out.toString();
    }

    /** One certificate as PEM. */
    public static String certificatePem(X509Certificate certificate) {
        return certificatesPem(List.of(certificate));
    }

    /** Every {@code CERTIFICATE} block in the PEM text, in order; other blocks are skipped. Throws when none. */
    public static List<X509Certificate> readCertificates(String pem) {
        List<X509Certificate> certificates = new ArrayList<>();
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (var certificate : factory.generateCertificates(
                    new ByteArrayInputStream(onlyCertificateBlocks(pem).getBytes(StandardCharsets.US_ASCII)))) {
                certificates.add((X509Certificate) certificate);
            }
        } catch (CertificateException e) {
            throw new IllegalArgumentException("unreadable certificate PEM: " + e.getMessage(), e);
        }
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException("no certificate in the PEM text");
        }
        return certificates;
    }

    /** Any Bouncy Castle or JCA object {@link JcaPEMWriter} knows (certificates, CSRs, keys) as PEM. */
    public static String pem(Object object) {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            if (object instanceof PemObject pemObject) {
                writer.writeObject(pemObject);
            } else {
                writer.writeObject(object);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return text.toString();
    }

    private static Object readPemObject(String pem) {
        try (PEMParser parser = new PEMParser(new StringReader(pem == null ? "" : pem))) {
            Object object = parser.readObject();
            if (object == null) {
                throw new IllegalArgumentException("no PEM block found");
            }
            return object;
        } catch (IOException e) {
            throw new IllegalArgumentException("unreadable PEM: " + e.getMessage(), e);
        }
    }

    private static String onlyCertificateBlocks(String pem) {
        StringBuilder out = new StringBuilder();
        String begin = "-----BEGIN CERTIFICATE-----";
        String end = "-----END CERTIFICATE-----";
        int from = 0;
        while (pem != null) {
            int start = pem.indexOf(begin, from);
            if (start < 0) {
                break;
            }
            int stop = pem.indexOf(end, start);
            if (stop < 0) {
                break;
            }
            out.append(pem, start, stop + end.length()).append('\n');
            from = stop + end.length();
        }
        return out.toString();
    }

    /**
     * Builds a PKCS#10 CSR. By default: subject {@code CN=agent}, no extension request, signed by the request's own
     * key with SHA-256. Every method returns this builder.
     */
    public static final class CsrBuilder {
        private final KeyPair keys;
        private X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, "agent").build();
        private final ExtensionsGenerator extensions = new ExtensionsGenerator();
        private final List<GeneralName> alternativeNames = new ArrayList<>();
        private boolean hasExtensions;
        private PrivateKey signingKey;
        private String signatureAlgorithm;
        private boolean corruptSignature;

        private CsrBuilder(KeyPair keys) {
            this.keys = keys;
        }

        /** Subject {@code CN=<commonName>} (the only RDN). */
        public CsrBuilder commonName(String commonName) {
            this.subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
            return this;
        }

        /** Any subject as an RFC 4514 string, e.g. {@code CN=evil,O=Other Customer}. */
        public CsrBuilder subject(String x500Name) {
            this.subject = new X500Name(BCStyle.INSTANCE, x500Name);
            return this;
        }

        /** Adds DNS subject alternative names to the extension request. */
        public CsrBuilder dnsNames(String... names) {
            for (String name : names) {
                alternativeNames.add(new GeneralName(GeneralName.dNSName, name));
            }
            return this;
        }

        /** Adds IP subject alternative names (literal addresses) to the extension request. */
        public CsrBuilder ipAddresses(String... addresses) {
            for (String address : addresses) {
                try {
                    alternativeNames.add(new GeneralName(GeneralName.iPAddress,
                            new org.bouncycastle.asn1.DEROctetString(InetAddress.getByName(address).getAddress())));
                } catch (UnknownHostException e) {
                    throw new IllegalArgumentException("not an IP address: " + address, e);
                }
            }
            return this;
        }

        /** Requests {@code basicConstraints} (critical): {@code ca = true} asks for a CA certificate. */
        public CsrBuilder basicConstraints(boolean ca) {
            return extension(Extension.basicConstraints, true, new BasicConstraints(ca));
        }

        /** Requests a {@code keyUsage} (critical), e.g. {@code KeyUsage.keyCertSign | KeyUsage.cRLSign}. */
        public CsrBuilder keyUsage(int keyUsageBits) {
            return extension(Extension.keyUsage, true, new KeyUsage(keyUsageBits));
        }

        /** Adds any extension to the extension request. */
        public CsrBuilder extension(ASN1ObjectIdentifier oid, boolean critical, ASN1Encodable value) {
            try {
                extensions.addExtension(oid, critical, value);
            } catch (IOException e) {
                throw new IllegalArgumentException("unencodable extension " + oid, e);
            }
            hasExtensions = true;
            return this;
        }

        /** Signs with another key than the one in the request: the signature does not verify. */
        public CsrBuilder signedBy(PrivateKey otherKey) {
            this.signingKey = otherKey;
            return this;
        }

        /** A JCA signature algorithm name, e.g. {@code SHA1withRSA}; default SHA-256 with the key's algorithm. */
        public CsrBuilder signatureAlgorithm(String algorithm) {
            this.signatureAlgorithm = algorithm;
            return this;
        }

        /** Flips a bit of the signature after signing: a well-formed CSR whose signature does not verify. */
        public CsrBuilder corruptSignature() {
            this.corruptSignature = true;
            return this;
        }

        /** The request. */
        public PKCS10CertificationRequest build() {
            PrivateKey signer = signingKey != null ? signingKey : keys.getPrivate();
            String algorithm = signatureAlgorithm != null ? signatureAlgorithm
                    : "EC".equals(signer.getAlgorithm()) ? "SHA256withECDSA" : "SHA256withRSA";
            JcaPKCS10CertificationRequestBuilder builder = new JcaPKCS10CertificationRequestBuilder(subject, keys.getPublic());
            try {
                if (!alternativeNames.isEmpty()) {
                    extensions.addExtension(Extension.subjectAlternativeName, false,
                            new GeneralNames(alternativeNames.toArray(GeneralName[]::new)));
                    hasExtensions = true;
                    alternativeNames.clear();
                }
                if (hasExtensions) {
                    builder.addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, extensions.generate());
                }
                PKCS10CertificationRequest csr = builder.build(new JcaContentSignerBuilder(algorithm).build(signer));
                if (!corruptSignature) {
                    return csr;
                }
                CertificationRequest structure = csr.toASN1Structure();
                byte[] signature = structure.getSignature().getBytes();
                signature[signature.length / 2] ^= 0x01;
                return new PKCS10CertificationRequest(new CertificationRequest(
                        structure.getCertificationRequestInfo(), structure.getSignatureAlgorithm(), new DERBitString(signature)));
            } catch (IOException | OperatorCreationException e) {
                throw new IllegalArgumentException("cannot build the CSR: " + e.getMessage(), e);
            }
        }

        /** The request as PEM ({@code -----BEGIN CERTIFICATE REQUEST-----}). */
        public String pem() {
            return AgentKeys.pem(build());
        }
    }
}
