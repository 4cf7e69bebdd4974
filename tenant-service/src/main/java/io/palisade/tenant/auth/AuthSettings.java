package io.palisade.tenant.auth;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Sign-in settings of tenant-service. */
@ConfigMapping(prefix = "palisade.auth")
public interface AuthSettings {

    /** Consecutive failed sign-ins (wrong password or TOTP code) that lock an account. */
    @WithDefault("10")
    int maxFailedAttempts();

    /** How long a locked account stays locked. */
    @WithDefault("15m")
    Duration lockout();

    /** Lifetime of an access token. */
    @WithDefault("15m")
    Duration tokenTtl();

    /** Age after which the signing key is rotated. */
    @WithDefault("30d")
    Duration keyRotationPeriod();

    /** PBKDF2 iterations for new password hashes. */
    @WithDefault("310000")
    int pbkdf2Iterations();

    /** Base64 of 32 bytes that seals signing keys and TOTP secrets at rest ({@code PALISADE_MASTER_KEY}). */
    java.util.Optional<String> masterKey();

    /** The bootstrap root operator's password ({@code PALISADE_BOOTSTRAP_ADMIN_PASSWORD}); generated when unset. */
    java.util.Optional<String> bootstrapAdminPassword();

    /** The issuer named in TOTP enrolment URIs. */
    @WithDefault("Palisade")
    String totpIssuer();
}
