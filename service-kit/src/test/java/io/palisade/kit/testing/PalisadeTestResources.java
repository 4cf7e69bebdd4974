package io.palisade.kit.testing;

import io.palisade.local.LocalKafka;
import io.palisade.local.LocalPostgres;
import io.palisade.local.SharedInfrastructure;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * The test harness every service shares: a real PostgreSQL (embedded, ~2 s) and a real Kafka broker
 * (its own JVM, ~3 s), started once per test JVM and stopped when it exits. Attach it to one test
 * class with {@code @QuarkusTestResource(PalisadeTestResources.class)} (no
 * {@code restrictToAnnotatedClass}) so it serves every test of the module, and load
 * {@code io.palisade:palisade-local} parent-first so test profiles share the same servers
 * ({@code quarkus.class-loading.parent-first-artifacts}).
 */
public class PalisadeTestResources implements QuarkusTestResourceLifecycleManager {

    public static final String DATABASE = "palisade_test";

    @Override
    public Map<String, String> start() {
        LocalPostgres pg = postgres();
        return Map.of(
                "quarkus.datasource.username", pg.username(),
                "quarkus.datasource.password", pg.password(),
                "quarkus.datasource.reactive.url", pg.reactiveUrl(DATABASE),
                "quarkus.datasource.jdbc.url", pg.jdbcUrl(DATABASE),
                "kafka.bootstrap.servers", kafka().bootstrapServers(),
                "palisade.tokens.jwks-url", TestTokens.jwksUrl());
    }

    @Override
    public void stop() {
        // Kept for the whole JVM: a later test profile restarts Quarkus against the same servers.
    }

    /** Starts PostgreSQL and Kafka if they are not running yet (for tests outside Quarkus, such as *IT). */
    public static void startInfrastructure() {
        postgres();
        kafka();
    }

    public static LocalPostgres postgres() {
        return SharedInfrastructure.postgres(DATABASE);
    }

    /** The broker, for tests that stop and restart it. */
    public static LocalKafka kafka() {
        return SharedInfrastructure.kafka();
    }
}
