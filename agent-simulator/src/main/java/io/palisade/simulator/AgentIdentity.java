package io.palisade.simulator;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/**
 * What an agent holds after enrolment, and keeps on disk between runs.
 *
 * <p>On disk ({@link #save}, {@link #load}) a directory with:
 * <ul>
 * <li>{@code key.pem} — the private key (PKCS#8), mode 600;</li>
 * <li>{@code cert.pem} — the client certificate the gateway issued;</li>
 * <li>{@code chain.pem} — the issuing CA chain from the enrolment answer ({@code caChainPem});</li>
 * <li>{@code ca.pem} — the pinned CA the gateway's server certificate must chain to (what {@code --ca} gave);</li>
 * <li>{@code identity.json} — gateway URL, device id, hardware id, host name, check-in interval.</li>
 * </ul>
 *
 * @param gatewayUrl             the gateway the agent enrolled with, {@code https://host:port}
 * @param deviceId               the id the gateway gave the device
 * @param hardwareId             the machine id sent at enrolment
 * @param hostname               the host name sent at enrolment
 * @param privateKeyPem          the agent's private key (PKCS#8 PEM)
 * @param certificatePem         its client certificate (PEM)
 * @param caChainPem             the CA chain the gateway sent with it (PEM, possibly empty)
 * @param trustedCaPem           the pinned CA for the gateway's server certificate (PEM)
 * @param checkInIntervalSeconds the interval the gateway asked for at enrolment
 */
public record AgentIdentity(String gatewayUrl, String deviceId, String hardwareId, String hostname,
                            String privateKeyPem, String certificatePem, String caChainPem, String trustedCaPem,
                            int checkInIntervalSeconds) {

    public static final String KEY_FILE = "key.pem";
    public static final String CERT_FILE = "cert.pem";
    public static final String CHAIN_FILE = "chain.pem";
    public static final String CA_FILE = "ca.pem";
    public static final String IDENTITY_FILE = "identity.json";

    /** The client certificate. */
    public X509Certificate certificate() {
        return AgentKeys.readCertificates(certificatePem).get(0);
    }

    /** The client certificate's subject (RFC 2253), e.g. {@code CN=<device id>}. */
    public String certificateSubject() {
        return certificate().getSubjectX500Principal().getName();
    }

    /**
     * What the agent presents in the TLS handshake: its certificate, then any intermediate CA of the chain (a
     * self-signed root is left out; the gateway has it).
     */
    public String presentedChainPem() {
        List<X509Certificate> chain = new ArrayList<>();
        chain.add(certificate());
        if (caChainPem != null && caChainPem.contains("BEGIN CERTIFICATE")) {
            for (X509Certificate ca : AgentKeys.readCertificates(caChainPem)) {
                if (!ca.getSubjectX500Principal().equals(ca.getIssuerX500Principal())) {
                    chain.add(ca);
                }
            }
        }
        return AgentKeys.certificatesPem(chain);
    }

    /** A client builder for this identity: the gateway URL, the pinned CA, the client key and certificate. */
    public GatewayClient.Builder clientBuilder(Vertx vertx) {
        return GatewayClient.builder(vertx, gatewayUrl)
                .trustedCaPem(trustedCaPem)
                .caLabel(CA_FILE)
                .clientCertificate(privateKeyPem, presentedChainPem());
    }

    /** Writes the identity into {@code dir} (created if needed; the key file is never readable by others). */
    public void save(Path dir) throws IOException {
        Files.createDirectories(dir);
        writeFile(dir.resolve(KEY_FILE), privateKeyPem, true);
        writeFile(dir.resolve(CERT_FILE), certificatePem, false);
        writeFile(dir.resolve(CHAIN_FILE), caChainPem == null ? "" : caChainPem, false);
        writeFile(dir.resolve(CA_FILE), trustedCaPem, false);
        JsonObject json = new JsonObject()
                .put("gatewayUrl", gatewayUrl)
                .put("deviceId", deviceId)
                .put("hardwareId", hardwareId)
                .put("hostname", hostname)
                .put("checkInIntervalSeconds", checkInIntervalSeconds);
        writeFile(dir.resolve(IDENTITY_FILE), json.encodePrettily() + "\n", false);
    }

    /**
     * Reads an identity saved with {@link #save}.
     *
     * @throws AgentError of kind CONFIG, saying which file is missing or unreadable
     */
    public static AgentIdentity load(Path dir) {
        try {
            JsonObject json = new JsonObject(read(dir, IDENTITY_FILE));
            String chain = Files.exists(dir.resolve(CHAIN_FILE)) ? read(dir, CHAIN_FILE) : "";
            return new AgentIdentity(
                    json.getString("gatewayUrl"), json.getString("deviceId"), json.getString("hardwareId"),
                    json.getString("hostname"), read(dir, KEY_FILE), read(dir, CERT_FILE), chain, read(dir, CA_FILE),
                    json.getInteger("checkInIntervalSeconds", 60));
        } catch (NoSuchFileException e) {
            throw new AgentError(AgentError.Kind.CONFIG, "no agent identity in " + dir + " (" + Path.of(e.getFile()).getFileName()
                    + " is missing) — enrol first: enroll --dir " + dir, e);
        } catch (IOException | DecodeException | ClassCastException e) {
            throw new AgentError(AgentError.Kind.CONFIG, "unreadable agent identity in " + dir + ": "
                    + ErrorClassifier.oneLine(e.getMessage()), e);
        }
    }

    /** The key is left out, so an identity can be logged. */
    @Override
    public String toString() {
        return "AgentIdentity[deviceId=" + deviceId + ", hostname=" + hostname + ", gateway=" + gatewayUrl + "]";
    }

    private static String read(Path dir, String file) throws IOException {
        return Files.readString(dir.resolve(file), StandardCharsets.UTF_8);
    }

    private static void writeFile(Path file, String content, boolean secret) throws IOException {
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(temporary);
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            Files.createFile(temporary, PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString(secret ? "rw-------" : "rw-r--r--")));
        } else {
            Files.createFile(temporary);
        }
        Files.writeString(temporary, content, StandardCharsets.UTF_8);
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
