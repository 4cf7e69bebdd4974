package io.palisade.tenant.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.OptionalLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** RFC 6238 Appendix B test vectors, and the ±1 step window, through an injected clock. */
class TotpTest {

    private static final byte[] SHA1_SEED = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SHA256_SEED = "12345678901234567890123456789012".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SHA512_SEED =
            "1234567890123456789012345678901234567890123456789012345678901234".getBytes(StandardCharsets.US_ASCII);

    @ParameterizedTest(name = "T={0} {2}")
    @CsvSource({
            "59,          94287082, HmacSHA1",
            "59,          46119246, HmacSHA256",
            "59,          90693936, HmacSHA512",
            "1111111109,  07081804, HmacSHA1",
            "1111111109,  68084774, HmacSHA256",
            "1111111109,  25091201, HmacSHA512",
            "1111111111,  14050471, HmacSHA1",
            "1111111111,  67062674, HmacSHA256",
            "1111111111,  99943326, HmacSHA512",
            "1234567890,  89005924, HmacSHA1",
            "1234567890,  91819424, HmacSHA256",
            "1234567890,  93441116, HmacSHA512",
            "2000000000,  69279037, HmacSHA1",
            "2000000000,  90698825, HmacSHA256",
            "2000000000,  38618901, HmacSHA512",
            "20000000000, 65353130, HmacSHA1",
            "20000000000, 77737706, HmacSHA256",
            "20000000000, 47863826, HmacSHA512"})
    void rfc6238AppendixBVectors(long epochSeconds, String expected, String algorithm) {
        byte[] seed = switch (algorithm) {
            case "HmacSHA1" -> SHA1_SEED;
            case "HmacSHA256" -> SHA256_SEED;
            default -> SHA512_SEED;
        };
        assertEquals(expected, Totp.code(seed, epochSeconds / 30, algorithm, 8));
    }

    @ParameterizedTest(name = "T={0}")
    @CsvSource({"59, 94287082", "1111111109, 07081804", "1234567890, 89005924", "20000000000, 65353130"})
    void sixDigitCodesOfTheVectorsAreAcceptedAtTheirTime(long epochSeconds, String eightDigits) {
        Totp totp = at(epochSeconds);
        String secret = Totp.base32(SHA1_SEED);
        OptionalLong step = totp.matchingStep(secret, eightDigits.substring(2));
        assertEquals(OptionalLong.of(epochSeconds / 30), step);
    }

    @Test
    void oneStepEitherSideIsAcceptedAndTwoAreNot() {
        String secret = Totp.base32(SHA1_SEED);
        String code = "287082"; // T = 59 s, step 1
        assertTrue(at(59 + 30).matchingStep(secret, code).isPresent());
        assertTrue(at(59 - 30).matchingStep(secret, code).isPresent());
        assertTrue(at(59 + 60).matchingStep(secret, code).isEmpty());
        assertTrue(at(59 + 3600).matchingStep(secret, code).isEmpty());
    }

    @Test
    void malformedCodesAreRefused() {
        Totp totp = at(59);
        String secret = Totp.base32(SHA1_SEED);
        for (String bad : new String[] {null, "", "28708", "2870822", "28708a", " 87082"}) {
            assertTrue(totp.matchingStep(secret, bad).isEmpty(), "accepted " + bad);
        }
    }

    @Test
    void base32RoundTripsAndSecretsHave160Bits() {
        String secret = Totp.newSecret(new SecureRandom());
        assertEquals(32, secret.length());
        assertEquals(20, Totp.decodeBase32(secret).length);
        assertEquals("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", Totp.base32(SHA1_SEED));
    }

    @Test
    void otpauthUriNamesIssuerAccountAndParameters() {
        String uri = Totp.otpauthUri("Palisade", "jane@msp", "ABC");
        assertEquals("otpauth://totp/Palisade:jane%40msp?secret=ABC&issuer=Palisade&algorithm=SHA1&digits=6&period=30", uri);
    }

    private static Totp at(long epochSeconds) {
        return new Totp(Clock.fixed(Instant.ofEpochSecond(epochSeconds), ZoneOffset.UTC));
    }
}
