package io.palisade.kit.secrets;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Encrypts secrets at rest (tenant-service's signing keys and TOTP secrets, agent-gateway's device CA
 * key) with AES-256-GCM under the master key from {@code PALISADE_MASTER_KEY} (base64 of 32 bytes).
 * Without a master key, values are stored marked as plain text and a warning is logged once:
 * acceptable for a throw-away test database only. Each service produces one as a CDI bean from its
 * own typed settings.
 */
public class SecretBox {

    private static final Logger LOG = Logger.getLogger(SecretBox.class);
    private static final String SEALED = "v1:";
    private static final String PLAIN = "plain:";
    private static final int NONCE_BYTES = 12;

    private final SecretKeySpec key;
    private final SecureRandom random = new SecureRandom();

    /** @param masterKey base64 of 32 bytes, or empty/blank for none */
    public SecretBox(Optional<String> masterKey) {
        byte[] bytes = masterKey.filter(k -> !k.isBlank()).map(k -> Base64.getDecoder().decode(k.trim())).orElse(null);
        if (bytes != null && bytes.length != 32) {
            throw new IllegalStateException("PALISADE_MASTER_KEY must be the base64 of 32 bytes");
        }
        this.key = bytes == null ? null : new SecretKeySpec(bytes, "AES");
        if (key == null) {
            LOG.warn("PALISADE_MASTER_KEY is not set: secrets are stored unencrypted");
        }
    }

    public String seal(String plain) {
        if (key == null) {
            return PLAIN + plain;
        }
        try {
            byte[] nonce = new byte[NONCE_BYTES];
            random.nextBytes(nonce);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
            byte[] sealed = cipher.doFinal(plain.getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[NONCE_BYTES + sealed.length];
            System.arraycopy(nonce, 0, out, 0, NONCE_BYTES);
            System.arraycopy(sealed, 0, out, NONCE_BYTES, sealed.length);
            return SEALED + Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot seal a secret", e);
        }
    }

    public String open(String stored) {
        if (stored.startsWith(PLAIN)) {
            return stored.substring(PLAIN.length());
        }
        if (!stored.startsWith(SEALED) || key == null) {
            throw new IllegalStateException("a sealed secret needs the master key it was sealed with");
        }
        try {
            byte[] in = Base64.getDecoder().decode(stored.substring(SEALED.length()));
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, in, 0, NONCE_BYTES));
            return new String(cipher.doFinal(in, NONCE_BYTES, in.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException("a secret cannot be opened with this master key", e);
        }
    }
}
