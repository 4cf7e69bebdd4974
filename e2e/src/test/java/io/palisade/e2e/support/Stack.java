package io.palisade.e2e.support;

import io.palisade.local.LocalKafka;
import io.palisade.local.LocalPostgres;
import io.palisade.local.SharedInfrastructure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The suite on one machine: the harness's PostgreSQL (a database per service) and Kafka broker, and the packaged
 * services as child processes, configured for the <em>distributed</em> exposure (operator APIs open to every network,
 * TOTP mandatory) on free ports. The agent gateway tells agents to check in every 2 s so the journey moves quickly.
 */
public final class Stack implements AutoCloseable {

    public static final String ADMIN_PASSWORD = "e2e-bootstrap-admin-password";
    public static final String CHECK_IN_INTERVAL = "2s";

    private final Path root;
    private final Path logs;
    private final LocalPostgres postgres;
    private final LocalKafka kafka;
    private final String masterKey;
    private final Set<Integer> taken = new HashSet<>();
    private final Map<String, ServiceProcess> services = new LinkedHashMap<>();
    private final int agentPort;

    private Stack(Path root) {
        this.root = root;
        this.logs = root.resolve("e2e").resolve("target").resolve("e2e-logs");
        this.postgres = SharedInfrastructure.postgres("palisade_tenant");
        for (String db : List.of("palisade_group", "palisade_gateway")) {
            postgres.createDatabaseIfMissing(db);
        }
        this.kafka = SharedInfrastructure.kafka();
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        this.masterKey = Base64.getEncoder().encodeToString(key);
        this.agentPort = freePort();
    }

    /** Starts PostgreSQL, Kafka and every service, and returns when each answers {@code /q/health/ready}. */
    public static Stack start(Path root) {
        Stack stack = new Stack(root);
        try {
            int tenantPort = stack.freePort();
            String jwks = "http://127.0.0.1:" + tenantPort + "/api/v1/auth/jwks";
            stack.add("tenant-service", tenantPort, "palisade_tenant", Map.of(
                    "PALISADE_BOOTSTRAP_ADMIN_PASSWORD", ADMIN_PASSWORD,
                    "PALISADE_AUTH_PBKDF2_ITERATIONS", "20000"));
            stack.add("group-service", stack.freePort(), "palisade_group", Map.of("PALISADE_TOKENS_JWKS_URL", jwks));
            stack.add("agent-gateway", stack.freePort(), "palisade_gateway", Map.of(
                    "PALISADE_TOKENS_JWKS_URL", jwks,
                    "PALISADE_GATEWAY_AGENT_PORT", Integer.toString(stack.agentPort),
                    "PALISADE_GATEWAY_AGENT_CHECK_IN_INTERVAL", CHECK_IN_INTERVAL,
                    // 2 s check-ins and the retries after a restart stay far below this
                    "PALISADE_GATEWAY_LIMITS_CHECKINS_PER_DEVICE_PER_MINUTE", "600"));
            stack.services.values().forEach(ServiceProcess::start);
            stack.services.values().forEach(ServiceProcess::awaitReady);
            return stack;
        } catch (RuntimeException | Error e) {
            stack.close();
            throw e;
        }
    }

    private void add(String name, int port, String database, Map<String, String> extra) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
        env.put("QUARKUS_DATASOURCE_USERNAME", postgres.username());
        env.put("QUARKUS_DATASOURCE_PASSWORD", postgres.password());
        env.put("QUARKUS_DATASOURCE_REACTIVE_URL", postgres.reactiveUrl(database));
        env.put("QUARKUS_DATASOURCE_JDBC_URL", postgres.jdbcUrl(database));
        env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        env.put("PALISADE_MASTER_KEY", masterKey);
        env.put("PALISADE_EXPOSURE", "distributed");
        env.putAll(extra);
        Path jar = root.resolve(name).resolve("target").resolve("quarkus-app").resolve("quarkus-run.jar");
        services.put(name, new ServiceProcess(name, jar, port, env, logs));
    }

    public ServiceProcess service(String name) {
        ServiceProcess s = services.get(name);
        if (s == null) {
            throw new IllegalArgumentException("no service " + name);
        }
        return s;
    }

    public String tenantUrl() {
        return service("tenant-service").url();
    }

    public String groupUrl() {
        return service("group-service").url();
    }

    public String gatewayUrl() {
        return service("agent-gateway").url();
    }

    /** The agent endpoint (TLS). */
    public String agentEndpoint() {
        return "https://127.0.0.1:" + agentPort;
    }

    public LocalKafka kafka() {
        return kafka;
    }

    public Path logs() {
        return logs;
    }

    /** The tails of every service's log, for a failure message. */
    public String diagnostics() {
        StringBuilder sb = new StringBuilder();
        for (ServiceProcess s : services.values()) {
            sb.append(System.lineSeparator()).append("---- ").append(s.name()).append(s.isAlive() ? "" : " (not running)")
                    .append(": tail of ").append(s.log()).append(" ----").append(System.lineSeparator()).append(s.tail(25));
        }
        return sb.toString();
    }

    /** Stops the services (the broker and PostgreSQL stop when the JVM exits, as the harness arranges). */
    @Override
    public void close() {
        List<ServiceProcess> reversed = new ArrayList<>(services.values());
        java.util.Collections.reverse(reversed);
        reversed.forEach(ServiceProcess::close);
    }

    private int freePort() {
        for (int attempt = 0; attempt < 100; attempt++) {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                int port = socket.getLocalPort();
                if (taken.add(port)) {
                    return port;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        throw new IllegalStateException("no free port");
    }
}
