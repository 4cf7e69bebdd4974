package io.palisade.tenant.auth;

import io.palisade.kit.secrets.SecretBox;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

/** tenant-service's {@link SecretBox}: seals signing keys and TOTP secrets under {@code palisade.auth.master-key}. */
public class Secrets {

    @Produces
    @ApplicationScoped
    SecretBox secretBox(AuthSettings settings) {
        return new SecretBox(settings.masterKey());
    }
}
