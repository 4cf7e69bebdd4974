package io.palisade.kit.testing;

import io.palisade.local.LocalKafka;
import io.palisade.local.LocalPostgres;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The test harness every service shares: a real PostgreSQL (embedded, ~2 s) and a real Kafka broker
 * (its own JVM, ~3 s), started once per test JVM and stopped when it exits. Attach it to one test
 * class with {@code @QuarkusTestResource(PalisadeTestResources.class)} (no
 * {@code restrictToAnnotatedClass}) so Quarkus boots once per module.
 */
public class PalisadeTestResources implements QuarkusTestResourceLifecycleManager {

    public static final String DATABASE = "palisade_test";

    private static LocalPostgres postgres;
    private static LocalKafka kafka;

    @Override
    public Map<String, String> start() {
        startInfrastructure();
        return Map.of(
                "quarkus.datasource.username", postgres.username(),
                "quarkus.datasource.password", postgres.password(),
                "quarkus.datasource.reactive.url", postgres.reactiveUrl(DATABASE),
                "quarkus.datasource.jdbc.url", postgres.jdbcUrl(DATABASE),
                "kafka.bootstrap.servers", kafka.bootstrapServers());
    }

    @Override
    public void stop() {
        // Kept for the whole JVM: a later test profile restarts Quarkus against the same state.
    }

    public static synchronized void startInfrastructure() {
        try {
            if (postgres == null) {
                postgres = LocalPostgres.start(null, 0);
                postgres.createDatabaseIfMissing(DATABASE);
            }
            if (kafka == null) {
                kafka = LocalKafka.start(null, 0, null);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(PalisadeTestResources::shutdown));
    }

    private static synchronized void shutdown() {
        if (kafka != null) {
            kafka.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    public static LocalPostgres postgres() {
        return postgres;
    }

    /** The broker, for tests that stop and restart it. */
    public static LocalKafka kafka() {
        return kafka;
    }
}
