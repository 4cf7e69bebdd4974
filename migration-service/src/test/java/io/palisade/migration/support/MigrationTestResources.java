package io.palisade.migration.support;

import io.palisade.kit.testing.PalisadeTestResources;
import io.palisade.local.LocalPostgres;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * The harness's PostgreSQL and Kafka, plus the real tenant-service and group-service (their packaged jars, built
 * earlier in the reactor) as child processes on their own databases. migration-service verifies the tokens
 * tenant-service issues and calls both services with them. Started once per test JVM.
 */
public class MigrationTestResources implements QuarkusTestResourceLifecycleManager {

    public static final String ADMIN_PASSWORD = "migration-test-admin-1";

    private static ServiceProcess tenantService;
    private static ServiceProcess groupService;

    @Override
    public synchronized Map<String, String> start() {
        Map<String, String> config = new HashMap<>(new PalisadeTestResources().start());
        if (tenantService == null) {
            startServices();
        }
        config.put("palisade.tokens.jwks-url", tenantService.url() + "/api/v1/auth/jwks");
        config.put("palisade.migration.tenant-service-url", tenantService.url());
        config.put("palisade.migration.group-service-url", groupService.url());
        config.put("palisade.migration.crash-points-enabled", "true");
        config.put("palisade.migration.lease", "2s");
        return config;
    }

    /** Starts (or restarts) the two services. */
    public static synchronized void startServices() {
        if (tenantService != null) {
            return;
        }
        PalisadeTestResources.startInfrastructure();
        LocalPostgres pg = PalisadeTestResources.postgres();
        pg.createDatabaseIfMissing("palisade_tenant");
        pg.createDatabaseIfMissing("palisade_group");
        String kafka = PalisadeTestResources.kafka().bootstrapServers();
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        Map<String, String> tenantEnv = new HashMap<>(database(pg, "palisade_tenant"));
        tenantEnv.put("KAFKA_BOOTSTRAP_SERVERS", kafka);
        tenantEnv.put("PALISADE_BOOTSTRAP_ADMIN_PASSWORD", ADMIN_PASSWORD);
        tenantEnv.put("PALISADE_MASTER_KEY", Base64.getEncoder().encodeToString(key));
        tenantEnv.put("PALISADE_AUTH_PBKDF2_ITERATIONS", "20000");
        tenantService = new ServiceProcess("tenant-service", Path.of("..", "tenant-service", "target", "quarkus-app", "quarkus-run.jar"),
                tenantEnv, ServiceProcess.freePort());
        tenantService.start();
        Map<String, String> groupEnv = new HashMap<>(database(pg, "palisade_group"));
        groupEnv.put("KAFKA_BOOTSTRAP_SERVERS", kafka);
        groupEnv.put("PALISADE_TOKENS_JWKS_URL", tenantService.url() + "/api/v1/auth/jwks");
        groupService = new ServiceProcess("group-service", Path.of("..", "group-service", "target", "quarkus-app", "quarkus-run.jar"),
                groupEnv, ServiceProcess.freePort());
        groupService.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            groupService.stop(false);
            tenantService.stop(false);
        }, "migration-test-services-stop"));
    }

    public static String tenantServiceUrl() {
        return tenantService.url();
    }

    public static String groupServiceUrl() {
        return groupService.url();
    }

    public static Map<String, String> database(LocalPostgres pg, String name) {
        return Map.of("QUARKUS_DATASOURCE_USERNAME", pg.username(), "QUARKUS_DATASOURCE_PASSWORD", pg.password(),
                "QUARKUS_DATASOURCE_REACTIVE_URL", pg.reactiveUrl(name), "QUARKUS_DATASOURCE_JDBC_URL", pg.jdbcUrl(name));
    }

    @Override
    public void stop() {
        // Kept for the whole JVM, like the harness.
    }
}
