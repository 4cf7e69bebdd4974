package io.palisade.gateway.installer;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Installer tokens: 256 random bits, base64url, with a recognisable prefix; stored only as their SHA-256
 * (a slow hash adds nothing to a secret of this entropy and would cost every enrolment). Pure.
 */
public final class InstallerTokens {

    public static final String PREFIX = "pit_";
    public static final int MAX_LENGTH = 200;
    private static final SecureRandom RANDOM = new SecureRandom();

    private InstallerTokens() {
    }

    public static String generate() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public static byte[] hash(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
