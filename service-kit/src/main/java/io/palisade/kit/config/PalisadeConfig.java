package io.palisade.kit.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Settings every Palisade service shares. */
@ConfigMapping(prefix = "palisade")
public interface PalisadeConfig {

    /** Name of this service, used as the CloudEvents {@code source} ("/tenant-service"). */
    String service();

    /**
     * {@code centralized}: the operator API answers only clients in {@link #allowedCidrs()};
     * {@code distributed}: it answers everyone and every operator must have TOTP active.
     */
    @WithDefault("centralized")
    Exposure exposure();

    /** Networks whose clients may call the operator API in the centralized configuration. */
    @WithDefault("127.0.0.0/8,::1/128")
    List<String> allowedCidrs();

    /** Direct peers (reverse proxies) whose {@code X-Forwarded-For} header is believed. */
    Optional<List<String>> trustedProxies();

    /** Largest accepted request body on the operator API, in bytes. */
    @WithDefault("65536")
    int maxBodyBytes();

    /** Settings of the access tokens every service verifies. */
    Tokens tokens();

    /** Settings of the outbox relay. */
    Outbox outbox();

    /** Settings of the idempotent-consumer log. */
    Consumer consumer();

    enum Exposure { CENTRALIZED, DISTRIBUTED }

    interface Tokens {
        /** The {@code iss} of operator access tokens. */
        @WithDefault("palisade")
        String issuer();

        /**
         * Where services other than tenant-service read the verification keys: tenant-service's
         * {@code /api/v1/auth/jwks}.
         */
        Optional<String> jwksUrl();

        /** Clock skew tolerated when checking {@code exp} and {@code nbf}. */
        @WithDefault("30s")
        Duration clockSkew();
    }

    interface Consumer {
        /**
         * How long an applied event's id is remembered. Longer than any redelivery can come late (a consumer
         * group rewound, a partition replayed from the topic's retention).
         */
        @WithDefault("7d")
        Duration retention();

        /** How often ids older than {@link #retention()} are deleted. */
        @WithDefault("1h")
        Duration pruneEvery();
    }

    interface Outbox {
        /** How often the relay looks for unpublished events. */
        @WithDefault("0.2s")
        Duration pollInterval();

        /** Most events published in one relay round (a bulk import writes thousands per transaction). */
        @WithDefault("2000")
        int batchSize();

        /** Whether this instance runs a relay at all. */
        @WithDefault("true")
        boolean relayEnabled();
    }
}
