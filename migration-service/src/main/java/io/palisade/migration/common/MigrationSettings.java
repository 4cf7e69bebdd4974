package io.palisade.migration.common;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** migration-service's own settings ({@code palisade.migration.*}). */
@ConfigMapping(prefix = "palisade.migration")
public interface MigrationSettings {

    /** Largest accepted export upload ({@code POST /api/v1/migrations}), in bytes; it is streamed, never held whole. */
    @WithDefault("268435456")
    long maxExportBytes();

    /** Largest accepted body on every other operator route, in bytes (the kit's usual limit). */
    @WithDefault("65536")
    long maxRequestBytes();

    /** Rows per batched insert while staging an export. */
    @WithDefault("1000")
    int stagingBatchSize();

    /** Most validation errors listed in one answer (the rest are counted). */
    @WithDefault("1000")
    int maxErrors();

    /** Base URL of tenant-service, which the apply job calls with the initiating operator's token. */
    String tenantServiceUrl();

    /** Base URL of group-service, which the apply job calls with the initiating operator's token. */
    String groupServiceUrl();

    /** Timeout of one call to tenant-service or group-service. */
    @WithDefault("30s")
    Duration callTimeout();

    /** How long apply waits for group-service to mirror a tenant it just created as an MSP-tree group. */
    @WithDefault("60s")
    Duration mirrorTimeout();

    /**
     * How long a running job's lease lasts without renewal; a job whose lease ran out has died and may be resumed.
     * Longer than {@link #callTimeout()}: the runner renews between calls.
     */
    @WithDefault("60s")
    Duration lease();

    /** Test hook: lets tests stop an apply dead at chosen points ({@code CrashPoints}); never on in production. */
    @WithDefault("false")
    boolean crashPointsEnabled();
}
