package io.palisade.gateway.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.palisade.gateway.ca.Pem;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.UUID;
import java.util.function.Consumer;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequestBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * A minimal agent for the gateway's own tests: the JDK's HTTP client over real TLS, trusting only the
 * device CA it was given, presenting its device certificate once enrolled. (The full reference agent is
 * the agent-simulator module.)
 */
public final class TestAgent {

    public static final ObjectMapper JSON = new ObjectMapper();

    public final String hardwareId = "hw-" + UUID.randomUUID();
    public final KeyPair keys;
    private final URI base;
    private final String caPem;
    private HttpClient client;
    public UUID deviceId;
    public String certificatePem;
    public long sequence;

    public TestAgent(int port, String caPem) {
        this(port, caPem, ecKeys());
    }

    public TestAgent(int port, String caPem, KeyPair keys) {
        this.base = URI.create("https://localhost:" + port);
        this.caPem = caPem;
        this.keys = keys;
        this.client = client(null);
    }

    /** A response: status, body as JSON (or null), and the raw body. */
    public record Answer(int status, JsonNode body, String raw, HttpResponse<String> response) {
    }

    public static KeyPair ecKeys() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static KeyPair rsaKeys(int bits) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(bits);
            return generator.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A CSR signed by {@code keys}; {@code extra} may add what an agent should not get (extensions, attributes). */
    public static String csr(KeyPair keys, String subject, Consumer<PKCS10CertificationRequestBuilder> extra) {
        try {
            PKCS10CertificationRequestBuilder builder = new JcaPKCS10CertificationRequestBuilder(new X500Name(subject), keys.getPublic());
            if (extra != null) {
                extra.accept(builder);
            }
            String algorithm = "EC".equals(keys.getPrivate().getAlgorithm()) ? "SHA256withECDSA" : "SHA256withRSA";
            return Pem.write(builder.build(new JcaContentSignerBuilder(algorithm).build(keys.getPrivate())));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public String csr() {
        return csr(keys, "CN=agent", null);
    }

    public ObjectNode enrolment(String token) {
        ObjectNode body = JSON.createObjectNode();
        body.put("token", token);
        body.put("csrPem", csr());
        body.put("hostname", "host-" + hardwareId.substring(3, 11));
        body.put("hardwareId", hardwareId);
        body.putObject("os").put("platform", "WINDOWS").put("name", "Windows 11 Pro").put("version", "10.0.22631");
        return body;
    }

    /** Enrols with {@code token}; on 201 the agent keeps its device id and certificate and presents it from then on. */
    public Answer enrol(String token) {
        Answer answer = post("/agent/v1/enroll", enrolment(token).toString());
        if (answer.status() == 201) {
            adopt(answer.body().get("deviceId").asText(), answer.body().get("certificatePem").asText());
        }
        return answer;
    }

    public void adopt(String deviceId, String certificatePem) {
        this.deviceId = UUID.fromString(deviceId);
        this.certificatePem = certificatePem;
        this.client = client(certificatePem);
    }

    public X509Certificate certificate() {
        return Pem.certificate(certificatePem);
    }

    public Answer checkin(JsonNode inventory, JsonNode taskResults) {
        ObjectNode body = JSON.createObjectNode();
        body.put("sequence", ++sequence);
        if (inventory != null) {
            body.set("inventory", inventory);
        }
        if (taskResults != null) {
            body.set("taskResults", taskResults);
        }
        return post("/agent/v1/checkin", body.toString());
    }

    public Answer checkin() {
        return checkin(null, null);
    }

    public Answer post(String path, String body) {
        return send(HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    public Answer send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = client.send(request.timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            JsonNode json = null;
            try {
                json = response.body().isEmpty() ? null : JSON.readTree(response.body());
            } catch (Exception notJson) {
                // left null: the raw body is in the answer
            }
            return new Answer(response.statusCode(), json, response.body(), response);
        } catch (Exception e) {
            throw new IllegalStateException("request failed: " + e.getMessage(), e);
        }
    }

    private HttpClient client(String certPem) {
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("ca", factory.generateCertificate(new ByteArrayInputStream(caPem.getBytes(StandardCharsets.US_ASCII))));
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            KeyManagerFactory kmf = null;
            if (certPem != null) {
                KeyStore identity = KeyStore.getInstance("PKCS12");
                identity.load(null, null);
                identity.setKeyEntry("device", keys.getPrivate(), new char[0],
                        new Certificate[] {factory.generateCertificate(new ByteArrayInputStream(certPem.getBytes(StandardCharsets.US_ASCII)))});
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(identity, new char[0]);
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return HttpClient.newBuilder().sslContext(context).version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(10)).build();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
