package io.palisade.gateway.common;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** agent-gateway's own settings ({@code palisade.gateway.*}). */
@ConfigMapping(prefix = "palisade.gateway")
public interface GatewaySettings {

    /** Base64 of 32 bytes that seals the device CA's private key at rest ({@code PALISADE_MASTER_KEY}). */
    Optional<String> masterKey();

    Agent agent();

    Ca ca();

    Limits limits();

    /** The agent endpoint: a TLS server of its own, apart from the operator API. */
    interface Agent {
        /** Its port (0 picks a free one, for tests). */
        @WithDefault("8443")
        int port();

        @WithDefault("0.0.0.0")
        String host();

        /** Names and addresses the gateway's server certificate is issued for (DNS names or IP literals). */
        @WithDefault("localhost,127.0.0.1")
        List<String> hostnames();

        /** How agents reach the endpoint from the Internet, printed in installers ({@code enrollUrl}). */
        Optional<String> publicUrl();

        /** The check-in interval agents are told, before jitter. */
        @WithDefault("60s")
        Duration checkInInterval();

        /** ± this fraction of the interval, so a restart does not bring every agent back in the same second. */
        @WithDefault("0.1")
        double jitter();

        /** Largest accepted agent request body. */
        @WithDefault("262144")
        int maxBodyBytes();

        /** Most check-ins written and answered in one database statement. */
        @WithDefault("256")
        int maxBatch();

        /** Largest number of identities (device id → current certificate) kept in memory. */
        @WithDefault("1000000")
        long identityCacheSize();

        /** How often each replica reads the identity changes (revocations, re-enrolments) of all replicas. */
        @WithDefault("5s")
        Duration revocationPoll();
    }

    /** The device CA: generated at first start and shared by every replica, unless both files are given. */
    interface Ca {
        /** {@code EC} (P-256) or {@code RSA} (3072 bits), for a generated CA. */
        @WithDefault("EC")
        String keyType();

        /** A provided CA certificate (PEM file). */
        Optional<String> certificateFile();

        /** The provided CA's private key (PEM file, PKCS#8). */
        Optional<String> keyFile();

        /** Validity of a device certificate. */
        @WithDefault("397d")
        Duration deviceCertificateValidity();
    }

    /** Rate limits of the agent endpoint (per replica). */
    interface Limits {
        /** Check-ins one device may make per minute (a burst of as many is allowed). */
        @WithDefault("30")
        int checkinsPerDevicePerMinute();

        /** Requests one source address may make per second (agents behind one NAT share it). */
        @WithDefault("500")
        int requestsPerAddressPerSecond();

        /** Enrolment attempts per installer token per minute. */
        @WithDefault("120")
        int enrolmentsPerTokenPerMinute();

        /** Enrolment attempts per source address per minute. */
        @WithDefault("120")
        int enrolmentsPerAddressPerMinute();
    }
}
