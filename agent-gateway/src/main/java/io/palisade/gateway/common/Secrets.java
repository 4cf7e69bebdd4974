package io.palisade.gateway.common;

import io.palisade.kit.secrets.SecretBox;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

/** The gateway's {@link SecretBox}: seals the device CA's private key under {@code palisade.gateway.master-key}. */
public class Secrets {

    @Produces
    @ApplicationScoped
    SecretBox secretBox(GatewaySettings settings) {
        return new SecretBox(settings.masterKey());
    }
}
