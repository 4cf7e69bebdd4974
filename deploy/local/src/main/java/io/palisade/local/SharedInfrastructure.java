package io.palisade.local;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * One PostgreSQL and one Kafka broker per JVM, for tests. Quarkus loads test resources anew for each
 * test profile; services therefore load this module parent-first
 * ({@code quarkus.class-loading.parent-first-artifacts=io.palisade:palisade-local}) so that these
 * statics, and the servers they hold, are shared by every profile. Both stop when the JVM exits.
 */
public final class SharedInfrastructure {

    private static LocalPostgres postgres;
    private static LocalKafka kafka;

    private SharedInfrastructure() {
    }

    /** The shared PostgreSQL, started on first use, with {@code database} created. */
    public static synchronized LocalPostgres postgres(String database) {
        if (postgres == null) {
            try {
                postgres = LocalPostgres.start(null, 0);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> postgres.close(), "shared-postgres-stop"));
        }
        postgres.createDatabaseIfMissing(database);
        return postgres;
    }

    /** The shared Kafka broker, started on first use. */
    public static synchronized LocalKafka kafka() {
        if (kafka == null) {
            try {
                kafka = LocalKafka.start(null, 0, null);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> kafka.close(), "shared-kafka-stop"));
        }
        return kafka;
    }
}
