package io.palisade.tenant.auth;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.time.Clock;

/** The clock TOTP checks use; tests replace it with an alternative bean. */
@ApplicationScoped
public class TotpClock {

    @Produces
    @ApplicationScoped
    Totp totp() {
        return new Totp(Clock.systemUTC());
    }
}
