package io.palisade.local.demo;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * RFC 6238 codes as an authenticator app (or {@code oathtool --totp -b SECRET}) computes them: HMAC-SHA-1, 30-second
 * steps, 6 digits — the client side of two-factor sign-in, for the demo's operators and the end-to-end journey.
 * Written from the RFC, apart from tenant-service's server side, so each checks the other.
 */
public final class Totp {

    public static final int STEP_SECONDS = 30;
    private static final String BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    private Totp() {
    }

    /** The time step now. */
    public static long currentStep(Clock clock) {
        return Math.floorDiv(clock.millis() / 1000, STEP_SECONDS);
    }

    public static long currentStep() {
        return currentStep(Clock.systemUTC());
    }

    /** The 6-digit code of a base32 secret for a time step. */
    public static String code(String base32Secret, long step) {
        return code(decodeBase32(base32Secret), step, 6);
    }

    /** RFC 4226 HOTP with dynamic truncation, of {@code digits} digits, for counter {@code step}. */
    public static String code(byte[] key, long step, int digits) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(key, "HmacSHA1"));
            byte[] hash = mac.doFinal(ByteBuffer.allocate(8).putLong(step).array());
            int offset = hash[hash.length - 1] & 0x0f;
            int binary = ((hash[offset] & 0x7f) << 24) | ((hash[offset + 1] & 0xff) << 16)
                    | ((hash[offset + 2] & 0xff) << 8) | (hash[offset + 3] & 0xff);
            long modulus = (long) Math.pow(10, digits);
            return String.format(Locale.ROOT, "%0" + digits + "d", binary % modulus);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** RFC 4648 base32, padding and spaces ignored, case-insensitive. */
    public static byte[] decodeBase32(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int buffer = 0;
        int bits = 0;
        for (char c : text.replace("=", "").replace(" ", "").toUpperCase(Locale.ROOT).toCharArray()) {
            int value = BASE32.indexOf(c);
            if (value < 0) {
                throw new IllegalArgumentException("not base32: " + c);
            }
            buffer = (buffer << 5) | value;
            bits += 5;
            if (bits >= 8) {
                out.write((buffer >> (bits - 8)) & 0xff);
                bits -= 8;
            }
        }
        return out.toByteArray();
    }
}
