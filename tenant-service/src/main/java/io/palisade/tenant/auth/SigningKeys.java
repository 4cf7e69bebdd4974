package io.palisade.tenant.auth;

import io.palisade.kit.auth.TokenKeySource;
import io.palisade.kit.secrets.SecretBox;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * The RS256 keys that sign operator access tokens. A key is generated at first start and stored
 * (its private half sealed with the master key), so every replica signs with the same key. Rotation
 * retires the active key; a retired key stays in the JWKS, and keeps verifying, until every token it
 * signed has expired.
 */
@ApplicationScoped
public class SigningKeys implements TokenKeySource {

    private static final Logger LOG = Logger.getLogger(SigningKeys.class);
    private static final Duration RECHECK = Duration.ofSeconds(30);
    private static final Duration MISS_BACKOFF = Duration.ofSeconds(10);
    private static final int MAX_REMEMBERED_MISSES = 1000;

    /** A key that can verify: its public half and when it was retired (null while active). */
    public record VerificationKey(String kid, PublicKey publicKey, Instant retiredAt) {
    }

    /** The key tokens are signed with now. */
    public record ActiveKey(String kid, PrivateKey privateKey, Instant createdAt, Instant checkedAt) {
    }

    private final Pool pool;
    private final Vertx vertx;
    private final SecretBox secrets;
    private final Duration tokenTtl;
    private final Duration rotationPeriod;
    private final Map<String, VerificationKey> known = new ConcurrentHashMap<>();
    private final Map<String, Instant> misses = new ConcurrentHashMap<>();
    private volatile ActiveKey active;

    public SigningKeys(Pool pool, Vertx vertx, SecretBox secrets,
                       AuthSettings settings) {
        this.pool = pool;
        this.vertx = vertx;
        this.secrets = secrets;
        this.tokenTtl = settings.tokenTtl();
        this.rotationPeriod = settings.keyRotationPeriod();
    }

    /** The signing key, rotated first when it is older than the rotation period. */
    public Uni<ActiveKey> active() {
        ActiveKey current = active;
        Instant now = Instant.now();
        if (current != null && current.checkedAt().plus(RECHECK).isAfter(now)
                && current.createdAt().plus(rotationPeriod).isAfter(now)) {
            return Uni.createFrom().item(current);
        }
        return loadActive().chain(key -> {
            if (key == null) {
                return generateAndStore(false).chain(this::loadActive);
            }
            if (key.createdAt().plus(rotationPeriod).isBefore(now)) {
                LOG.infof("Signing key %s is older than %s; rotating", key.kid(), rotationPeriod);
                return generateAndStore(true).chain(this::loadActive);
            }
            return Uni.createFrom().item(key);
        }).invoke(key -> active = key);
    }

    /** Makes a new key the active one; the old one stays published until its tokens expire. */
    public Uni<String> rotate() {
        return generateAndStore(true).chain(this::loadActive).invoke(key -> active = key).map(ActiveKey::kid);
    }

    /** Every key a valid token may still be signed with: the JWKS. */
    public Uni<List<VerificationKey>> published() {
        return pool.preparedQuery("""
                        select kid, public_key, retired_at from signing_key
                        where retired_at is null or retired_at > $1 order by created_at""")
                .execute(Tuple.of(OffsetDateTime.now(ZoneOffset.UTC).minus(tokenTtl)))
                .map(rows -> {
                    List<VerificationKey> keys = new ArrayList<>();
                    for (Row row : rows) {
                        keys.add(verificationKey(row));
                    }
                    return keys;
                });
    }

    @Override
    public Uni<PublicKey> find(String keyId) {
        VerificationKey cached = known.get(keyId);
        if (cached != null) {
            return Uni.createFrom().item(usable(cached) ? cached.publicKey() : null);
        }
        Instant missedAt = misses.get(keyId);
        if (missedAt != null && missedAt.plus(MISS_BACKOFF).isAfter(Instant.now())) {
            return Uni.createFrom().nullItem();
        }
        return pool.preparedQuery("select kid, public_key, retired_at from signing_key where kid = $1")
                .execute(Tuple.of(keyId))
                .map(rows -> {
                    if (!rows.iterator().hasNext()) {
                        if (misses.size() > MAX_REMEMBERED_MISSES) {
                            misses.clear();
                        }
                        misses.put(keyId, Instant.now());
                        return null;
                    }
                    VerificationKey key = verificationKey(rows.iterator().next());
                    known.put(keyId, key);
                    return usable(key) ? key.publicKey() : null;
                });
    }

    private boolean usable(VerificationKey key) {
        return key.retiredAt() == null || key.retiredAt().plus(tokenTtl).isAfter(Instant.now());
    }

    private Uni<ActiveKey> loadActive() {
        return pool.query("select kid, private_key, created_at from signing_key where retired_at is null order by created_at desc limit 1")
                .execute()
                .map(rows -> {
                    if (!rows.iterator().hasNext()) {
                        return null;
                    }
                    Row row = rows.iterator().next();
                    return new ActiveKey(row.getString("kid"), privateKey(secrets.open(row.getString("private_key"))),
                            row.getOffsetDateTime("created_at").toInstant(), Instant.now());
                });
    }

    /** Generates a key pair off the event loop and stores it; with {@code retireOthers}, in one transaction. */
    private Uni<Void> generateAndStore(boolean retireOthers) {
        return vertx.executeBlocking(Uni.createFrom().item(SigningKeys::generate)).chain(pair -> {
            String kid = UUID.randomUUID().toString();
            String publicKey = Base64.getEncoder().encodeToString(pair.getPublic().getEncoded());
            String privateKey = secrets.seal(Base64.getEncoder().encodeToString(pair.getPrivate().getEncoded()));
            OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
            return pool.withTransaction(connection -> {
                Uni<?> retire = retireOthers
                        ? connection.preparedQuery("update signing_key set retired_at = $1 where retired_at is null").execute(Tuple.of(now))
                        : connection.query("select pg_advisory_xact_lock(7413170002)").execute();
                return retire.chain(() -> retireOthers
                                ? Uni.createFrom().item(0)
                                : connection.query("select count(*) as n from signing_key where retired_at is null").execute()
                                        .map(rows -> rows.iterator().next().getLong("n").intValue()))
                        .chain(existing -> existing > 0
                                ? Uni.createFrom().voidItem()
                                : connection.preparedQuery("insert into signing_key (kid, public_key, private_key, created_at) values ($1, $2, $3, $4)")
                                        .execute(Tuple.of(kid, publicKey, privateKey, now)).replaceWithVoid());
            });
        });
    }

    private static KeyPair generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("RSA is not available", e);
        }
    }

    private static VerificationKey verificationKey(Row row) {
        try {
            byte[] der = Base64.getDecoder().decode(row.getString("public_key"));
            PublicKey key = KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der));
            OffsetDateTime retired = row.getOffsetDateTime("retired_at");
            return new VerificationKey(row.getString("kid"), key, retired == null ? null : retired.toInstant());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("a stored public key cannot be read", e);
        }
    }

    private static PrivateKey privateKey(String base64) {
        try {
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("a stored private key cannot be read", e);
        }
    }
}
