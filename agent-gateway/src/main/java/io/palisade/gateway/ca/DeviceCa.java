package io.palisade.gateway.ca;

import io.palisade.gateway.common.GatewaySettings;
import io.palisade.kit.secrets.SecretBox;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * The device CA every replica shares. Provided as two PEM files, or generated at the first start of the
 * first replica and kept in {@code device_ca} with its private key sealed by the master key; replicas
 * that start together agree on one (insert-if-absent, then read back). Loaded before the agent endpoint
 * opens.
 */
@ApplicationScoped
public class DeviceCa {

    private static final Logger LOG = Logger.getLogger(DeviceCa.class);

    private final Pool pool;
    private final SecretBox secrets;
    private final GatewaySettings settings;
    private volatile CertificateAuthority ca;

    public DeviceCa(Pool pool, SecretBox secrets, GatewaySettings settings) {
        this.pool = pool;
        this.secrets = secrets;
        this.settings = settings;
    }

    void load(@Observes @Priority(10) StartupEvent event) {
        ca = settings.ca().certificateFile().isPresent() ? provided() : stored();
        LOG.infof("Device CA: %s", ca.certificate().getSubjectX500Principal().getName());
    }

    public CertificateAuthority authority() {
        if (ca == null) {
            throw new IllegalStateException("the device CA is not loaded yet");
        }
        return ca;
    }

    public String certificatePem() {
        return authority().certificatePem();
    }

    public X509Certificate issueDevice(PublicKey key, UUID deviceId, UUID customerId) {
        return authority().issueDevice(key, deviceId, customerId, settings.ca().deviceCertificateValidity());
    }

    /** A fresh key and server certificate for the agent endpoint (each replica its own key). */
    public ServerIdentity serverIdentity() {
        KeyPair pair = CertificateAuthority.keyPair("EC");
        X509Certificate cert = authority().issueServer(pair.getPublic(), settings.agent().hostnames(), Duration.ofDays(397));
        return new ServerIdentity(Pem.write(pair.getPrivate()), Pem.write(cert) + certificatePem(), certificatePem());
    }

    /** PEM texts of the agent endpoint's key, its certificate chain, and the CA that verifies clients. */
    public record ServerIdentity(String keyPem, String certificateChainPem, String caPem) {
    }

    private CertificateAuthority provided() {
        String certFile = settings.ca().certificateFile().orElseThrow();
        String keyFile = settings.ca().keyFile()
                .orElseThrow(() -> new IllegalStateException("palisade.gateway.ca.key-file is required with certificate-file"));
        try {
            return new CertificateAuthority(Pem.certificate(Files.readString(Path.of(certFile))),
                    Pem.privateKey(Files.readString(Path.of(keyFile))));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the provided device CA", e);
        }
    }

    private CertificateAuthority stored() {
        var existing = read();
        if (existing != null) {
            return existing;
        }
        CertificateAuthority generated = CertificateAuthority.generate(settings.ca().keyType());
        pool.preparedQuery("insert into device_ca (id, certificate_pem, sealed_key) values (1, $1, $2) on conflict do nothing")
                .execute(Tuple.of(generated.certificatePem(), secrets.seal(Pem.write(generated.key()))))
                .await().atMost(Duration.ofMinutes(1));
        LOG.info("Generated the device CA (first start)");
        return read();
    }

    private CertificateAuthority read() {
        var rows = pool.query("select certificate_pem, sealed_key from device_ca where id = 1").execute()
                .await().atMost(Duration.ofMinutes(1));
        var it = rows.iterator();
        if (!it.hasNext()) {
            return null;
        }
        var row = it.next();
        return new CertificateAuthority(Pem.certificate(row.getString("certificate_pem")),
                Pem.privateKey(secrets.open(row.getString("sealed_key"))));
    }
}
