package io.palisade.local.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** The journey's own TOTP codes agree with RFC 6238 Appendix B (SHA-1) and with base32 as RFC 4648 spells it. */
class TotpTest {

    private static final byte[] RFC_SECRET = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);

    @Test
    void codesMatchTheRfc6238Sha1Vectors() {
        long[][] vectors = {{59L, 94287082L}, {1111111109L, 7081804L}, {1111111111L, 14050471L},
                {1234567890L, 89005924L}, {2000000000L, 69279037L}, {20000000000L, 65353130L}};
        for (long[] v : vectors) {
            long step = v[0] / Totp.STEP_SECONDS;
            assertThat(Totp.code(RFC_SECRET, step, 8)).as("t=%d", v[0]).isEqualTo(String.format("%08d", v[1]));
        }
    }

    @Test
    void sixDigitCodesAreTheLastSixDigitsWithLeadingZeros() {
        // 07081804 -> 081804: the leading zero stays
        assertThat(Totp.code(RFC_SECRET, 1111111109L / 30, 6)).isEqualTo("081804");
    }

    @Test
    void base32SecretsDecodeAsRfc4648Says() {
        assertThat(Totp.decodeBase32("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ")).isEqualTo(RFC_SECRET);
        assertThat(Totp.decodeBase32("gezdgnbv gy3tqojq gezdgnbv gy3tqojq====")).isEqualTo(RFC_SECRET);
        assertThat(Totp.code("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", 59L / 30)).isEqualTo("287082");
        assertThatThrownBy(() -> Totp.decodeBase32("not-base32")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theStepChangesEveryThirtySeconds() {
        assertThat(Totp.currentStep(Clock.fixed(Instant.ofEpochSecond(59), ZoneOffset.UTC))).isEqualTo(1);
        assertThat(Totp.currentStep(Clock.fixed(Instant.ofEpochSecond(60), ZoneOffset.UTC))).isEqualTo(2);
    }
}
