package io.palisade.gateway.ca;

import io.palisade.gateway.common.GatewayProblems;
import io.palisade.kit.problem.ProblemException;
import java.io.IOException;
import java.io.StringReader;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Set;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * Checks an agent's PKCS#10 request and yields only its public key: the signature must verify with the
 * key it carries (proof of possession), the key must be EC P-256/P-384 or RSA of at least 2048 bits.
 * The subject and extensions the request asks for are never read: the gateway decides them.
 */
public final class CertificateRequests {

    public static final int MAX_PEM_CHARS = 16 * 1024;
    public static final int MIN_RSA_BITS = 2048;
    private static final Set<ASN1ObjectIdentifier> CURVES = Set.of(SECObjectIdentifiers.secp256r1, SECObjectIdentifiers.secp384r1);

    private CertificateRequests() {
    }

    public static PublicKey publicKeyOf(String csrPem) {
        if (csrPem == null || csrPem.isBlank()) {
            throw refused("csrPem is required");
        }
        if (csrPem.length() > MAX_PEM_CHARS) {
            throw refused("csrPem is longer than " + MAX_PEM_CHARS + " characters");
        }
        PKCS10CertificationRequest csr;
        try (PEMParser parser = new PEMParser(new StringReader(csrPem))) {
            Object read = parser.readObject();
            if (!(read instanceof PKCS10CertificationRequest request)) {
                throw refused("csrPem is not a PEM certificate signing request");
            }
            csr = request;
        } catch (IOException | RuntimeException e) {
            if (e instanceof ProblemException p) {
                throw p;
            }
            throw refused("csrPem is not a PEM certificate signing request");
        }
        SubjectPublicKeyInfo info = csr.getSubjectPublicKeyInfo();
        ASN1ObjectIdentifier algorithm = info.getAlgorithm().getAlgorithm();
        PublicKey key;
        try {
            key = new JcaPEMKeyConverter().getPublicKey(info);
        } catch (IOException | RuntimeException e) {
            throw refused("the request's public key cannot be read");
        }
        if (X9ObjectIdentifiers.id_ecPublicKey.equals(algorithm)) {
            Object curve = info.getAlgorithm().getParameters();
            if (!(curve instanceof ASN1ObjectIdentifier named) || !CURVES.contains(named)) {
                throw refused("EC keys must be on P-256 or P-384");
            }
        } else if (key instanceof RSAPublicKey rsa) {
            if (rsa.getModulus().bitLength() < MIN_RSA_BITS) {
                throw refused("RSA keys must have at least " + MIN_RSA_BITS + " bits");
            }
        } else {
            throw refused("the key must be EC (P-256, P-384) or RSA");
        }
        boolean signed;
        try {
            signed = csr.isSignatureValid(new JcaContentVerifierProviderBuilder().build(key));
        } catch (Exception e) {
            org.jboss.logging.Logger.getLogger(CertificateRequests.class).debugf(e, "CSR signature check failed");
            signed = false;
        }
        if (!signed) {
            throw refused("the request's signature does not verify with its own key (proof of possession)");
        }
        return key;
    }

    private static ProblemException refused(String detail) {
        return new ProblemException(GatewayProblems.INVALID_CSR, detail);
    }
}
