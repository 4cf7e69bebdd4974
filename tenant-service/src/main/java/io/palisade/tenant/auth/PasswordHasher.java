package io.palisade.tenant.auth;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * PBKDF2-HMAC-SHA256 password hashes, {@code pbkdf2-sha256$<iterations>$<salt>$<hash>}. Hashing is
 * deliberately slow, so it runs on a worker thread and returns to the caller's context.
 */
@ApplicationScoped
public class PasswordHasher {

    private static final String SCHEME = "pbkdf2-sha256";
    private static final int SALT_BYTES = 16;
    private static final int HASH_BITS = 256;

    private final int iterations;
    private final Vertx vertx;
    private final SecureRandom random = new SecureRandom();
    private final String decoy;

    public PasswordHasher(AuthSettings settings, Vertx vertx) {
        this.iterations = settings.pbkdf2Iterations();
        this.vertx = vertx;
        this.decoy = hashNow("decoy-password-for-unknown-users");
    }

    public Uni<String> hash(String password) {
        return vertx.executeBlocking(Uni.createFrom().item(() -> hashNow(password)));
    }

    /** Checks a password; a null {@code stored} hash checks against a decoy so unknown users take as long. */
    public Uni<Boolean> verify(String password, String stored) {
        return vertx.executeBlocking(Uni.createFrom().item(() -> verifyNow(password, stored == null ? decoy : stored) && stored != null));
    }

    String hashNow(String password) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        byte[] hash = derive(password, salt, iterations);
        Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
        return SCHEME + "$" + iterations + "$" + b64.encodeToString(salt) + "$" + b64.encodeToString(hash);
    }

    boolean verifyNow(String password, String stored) {
        String[] parts = stored.split("\\$");
        if (parts.length != 4 || !SCHEME.equals(parts[0])) {
            return false;
        }
        int rounds = Integer.parseInt(parts[1]);
        byte[] salt = Base64.getDecoder().decode(parts[2]);
        byte[] expected = Base64.getDecoder().decode(parts[3]);
        return MessageDigest.isEqual(expected, derive(password, salt, rounds));
    }

    private static byte[] derive(String password, byte[] salt, int rounds) {
        try {
            PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, rounds, HASH_BITS);
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2 is not available", e);
        }
    }
}
