package io.palisade.local;

import io.palisade.local.demo.Demo;
import io.palisade.local.demo.DemoApi;
import io.palisade.local.demo.Tinyproxy;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code ./palisade up|down|status}: runs PostgreSQL, Kafka and every built service on this machine.
 *
 * <p>State lives in {@code <repo>/.palisade/}: {@code pg/} and {@code kafka/} (data), {@code logs/}, {@code run/}
 * (service pids), {@code secrets.env}, {@code launcher.pid}, {@code state.properties} (what {@code status} reads).
 */
public final class Launcher {

    /** One row per service: adding a service is adding a line to {@link #SERVICES}. */
    record Service(String name, String jar, int defaultPort, String database, Map<String, String> extraEnv,
                   List<ExtraPort> extraPorts) {
        /** e.g. PALISADE_TENANT_SERVICE_PORT */
        String portEnv() {
            return "PALISADE_" + name.toUpperCase(Locale.ROOT).replace('-', '_') + "_PORT";
        }
    }

    /** A second port a service listens on; {@code env} both moves it and tells the service. */
    record ExtraPort(String what, String env, int defaultPort, String scheme) {
    }

    static final List<Service> SERVICES = List.of(
            new Service("tenant-service", "tenant-service/target/quarkus-app/quarkus-run.jar", 8081, "palisade_tenant",
                    Map.of(), List.of()),
            new Service("group-service", "group-service/target/quarkus-app/quarkus-run.jar", 8082, "palisade_group",
                    Map.of("PALISADE_TOKENS_JWKS_URL", "http://127.0.0.1:8081/api/v1/auth/jwks"), List.of()),
            new Service("agent-gateway", "agent-gateway/target/quarkus-app/quarkus-run.jar", 8083, "palisade_gateway",
                    Map.of("PALISADE_TOKENS_JWKS_URL", "http://127.0.0.1:8081/api/v1/auth/jwks"),
                    List.of(new ExtraPort("agents", "PALISADE_GATEWAY_AGENT_PORT", 8443, "https"))),
            new Service("migration-service", "migration-service/target/quarkus-app/quarkus-run.jar", 8084, "palisade_migration",
                    Map.of("PALISADE_TOKENS_JWKS_URL", "http://127.0.0.1:8081/api/v1/auth/jwks",
                            "PALISADE_MIGRATION_TENANT_SERVICE_URL", "http://127.0.0.1:8081",
                            "PALISADE_MIGRATION_GROUP_SERVICE_URL", "http://127.0.0.1:8082"), List.of()));

    static final int DEFAULT_PG_PORT = 15432;
    static final int DEFAULT_KAFKA_PORT = 19092;
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);
    private static final long SERVICE_STOP_GRACE_MILLIS = 20_000;
    private static final String SERVICE_MARKER = "-Dpalisade.service=";
    private static final String LAUNCHER_CLASS = "io.palisade.local.Launcher";

    private final Path home;
    private final Path state;
    private final Path logs;
    private final Map<String, String> env;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    Launcher(Path home, Map<String, String> env) {
        this.home = home.toAbsolutePath().normalize();
        this.state = this.home.resolve(".palisade");
        this.logs = state.resolve("logs");
        this.env = env;
    }

    public static void main(String[] args) {
        Path home = Path.of(System.getProperty("palisade.home",
                System.getenv().getOrDefault("PALISADE_HOME", "."))).toAbsolutePath().normalize();
        Launcher launcher = new Launcher(home, System.getenv());
        String command = args.length == 0 ? "" : args[0];
        int exit;
        try {
            switch (command) {
                case "up" -> {
                    boolean demo = false;
                    for (int i = 1; i < args.length; i++) {
                        if (args[i].equals("--demo")) {
                            demo = true;
                        } else {
                            throw new Failure("unknown option for up: " + args[i]);
                        }
                    }
                    exit = launcher.up(demo);
                }
                case "status" -> exit = launcher.status();
                case "down" -> exit = launcher.cleanupLeftovers();
                default -> {
                    System.err.println("usage: ./palisade up [--demo] | down | status");
                    exit = 2;
                }
            }
        } catch (Failure e) {
            System.err.println("palisade: " + e.getMessage());
            exit = 1;
        }
        if (exit != 0) {
            Cleanup.closeAll();
        }
        System.exit(exit);
    }

    /** A message for the user; no stack trace. */
    static final class Failure extends RuntimeException {
        Failure(String message) {
            super(message);
        }

        Failure(String message, Throwable cause) {
            super(message, cause);
        }
    }

    // ------------------------------------------------------------------------------------------------------------- up

    int up(boolean demo) {
        try {
            Files.createDirectories(logs);
            Files.createDirectories(state.resolve("run"));
        } catch (IOException e) {
            throw new Failure("cannot create " + state + ": " + e.getMessage(), e);
        }
        configureLogging();
        if (!lockSingleInstance()) {
            OptionalLong pid = Processes.readPid(state.resolve("launcher.pid"));
            System.err.println("Palisade is already running" + (pid.isPresent() ? " (pid " + pid.getAsLong() + ")" : "")
                    + ". Use ./palisade status, or ./palisade down to stop it.");
            return 1;
        }
        writeLauncherPid();
        Cleanup.register(new Step("launcher", () -> Files.deleteIfExists(state.resolve("launcher.pid"))));

        stopLeftovers();
        Secrets secrets = loadOrCreateSecrets();

        // ports: read and check everything before starting anything
        String dbUrl = blankToNull(env.get("PALISADE_DB_URL"));
        String externalKafka = blankToNull(env.get("PALISADE_KAFKA"));
        int pgPort = intEnv("PALISADE_PG_PORT", DEFAULT_PG_PORT);
        int kafkaPort = intEnv("PALISADE_KAFKA_PORT", DEFAULT_KAFKA_PORT);
        int controllerPort = intEnv("PALISADE_KAFKA_CONTROLLER_PORT", kafkaPort + 1);
        List<Service> runnable = new ArrayList<>();
        Map<Service, Integer> servicePorts = new LinkedHashMap<>();
        for (Service s : SERVICES) {
            if (Files.isRegularFile(home.resolve(s.jar()))) {
                runnable.add(s);
                servicePorts.put(s, intEnv(s.portEnv(), s.defaultPort()));
            } else {
                System.out.println("Skipping " + s.name() + ": " + s.jar() + " not built yet.");
            }
        }
        List<PortClaim> claims = new ArrayList<>();
        if (dbUrl == null) {
            claims.add(new PortClaim(pgPort, "PostgreSQL", "PALISADE_PG_PORT"));
        }
        if (externalKafka == null) {
            claims.add(new PortClaim(kafkaPort, "Kafka", "PALISADE_KAFKA_PORT"));
            claims.add(new PortClaim(controllerPort, "Kafka controller", "PALISADE_KAFKA_CONTROLLER_PORT"));
        }
        servicePorts.forEach((s, port) -> claims.add(new PortClaim(port, s.name(), s.portEnv())));
        for (Service s : servicePorts.keySet()) {
            for (ExtraPort extra : s.extraPorts()) {
                claims.add(new PortClaim(intEnv(extra.env(), extra.defaultPort()), s.name() + " " + extra.what(), extra.env()));
            }
        }
        checkPorts(claims);

        // PostgreSQL
        DbServer db;
        if (dbUrl == null) {
            System.out.println("Starting PostgreSQL on 127.0.0.1:" + pgPort + " ...");
            LocalPostgres pg = startStep("PostgreSQL", () -> LocalPostgres.start(state.resolve("pg"), pgPort,
                    logs.resolve("postgres.log")));
            managed("PostgreSQL", pg);
            db = new DbServer(pg.host(), pg.port(), pg.username(), pg.password(), false);
        } else {
            db = parseDbUrl(dbUrl);
            System.out.println("Using the PostgreSQL server at " + db.host() + ":" + db.port() + " (PALISADE_DB_URL)");
        }
        for (Service s : SERVICES) {
            startStep("creating database " + s.database(), () -> {
                Databases.createIfMissing(db.jdbcUrl("postgres"), db.user(), db.password(), s.database());
                return null;
            });
        }

        // Kafka
        String bootstrap;
        if (externalKafka == null) {
            System.out.println("Starting Kafka on 127.0.0.1:" + kafkaPort + " ...");
            LocalKafka kafka = startStep("Kafka", () -> LocalKafka.start(state.resolve("kafka"), kafkaPort,
                    controllerPort, System.getProperty("java.class.path")));
            managed("Kafka", kafka);
            linkKafkaLog(kafka);
            bootstrap = kafka.bootstrapServers();
            watchKafka(kafka);
        } else {
            bootstrap = externalKafka;
            System.out.println("Using the Kafka cluster at " + bootstrap + " (PALISADE_KAFKA)");
            checkKafkaReachable(bootstrap);
        }

        // services
        Services services = new Services();
        Cleanup.register(services);
        for (Service s : runnable) {
            System.out.println("Starting " + s.name() + " on port " + servicePorts.get(s) + " ...");
            services.start(s, servicePorts.get(s), serviceEnv(s, servicePorts.get(s), db, bootstrap, secrets));
        }
        for (RunningService rs : services.all()) {
            String problem = awaitReady(rs);
            if (problem != null) {
                System.err.println();
                System.err.println(rs.service().name() + " " + problem + ". Last 30 lines of " + rel(rs.log()) + ":");
                System.err.println(Processes.tail(rs.log(), 30));
                System.err.println();
                System.err.println("Stopping everything.");
                return 1;
            }
        }
        services.watch();
        writeState(services.all(), db, bootstrap);
        printSummary(services.all(), db, bootstrap, secrets);
        if (demo) {
            runDemo(services.all(), secrets);
        }
        Cleanup.register(new Step("banner", () -> System.out.println(System.lineSeparator() + "Stopping Palisade ...")));
        try {
            new CountDownLatch(1).await(); // until Ctrl-C / SIGTERM; the shutdown hook stops everything
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    record PortClaim(int port, String what, String envVar) {
    }

    private static void checkPorts(List<PortClaim> claims) {
        Map<Integer, PortClaim> seen = new LinkedHashMap<>();
        for (PortClaim c : claims) {
            PortClaim other = seen.putIfAbsent(c.port(), c);
            if (other != null) {
                throw new Failure("port " + c.port() + " is configured for both " + other.what() + " ("
                        + other.envVar() + ") and " + c.what() + " (" + c.envVar() + "); change one of them.");
            }
            if (!Ports.isFree(c.port())) {
                throw new Failure("port " + c.port() + " (" + c.what() + ") is already in use. Stop whatever listens"
                        + " there, or set " + c.envVar() + " to a free port, e.g. " + c.envVar() + "="
                        + suggestFree(c.port(), seen.keySet()) + " ./palisade up");
            }
        }
    }

    private static int suggestFree(int port, Set<Integer> taken) {
        for (int p = port + 10; p < Math.min(65535, port + 1000); p++) {
            if (!taken.contains(p) && Ports.isFree(p)) {
                return p;
            }
        }
        return port + 10;
    }

    private Map<String, String> serviceEnv(Service s, int port, DbServer db, String bootstrap, Secrets secrets) {
        Map<String, String> e = new LinkedHashMap<>();
        e.put("QUARKUS_HTTP_PORT", Integer.toString(port));
        e.put("QUARKUS_DATASOURCE_USERNAME", db.user());
        e.put("QUARKUS_DATASOURCE_PASSWORD", db.password() == null ? "" : db.password());
        e.put("QUARKUS_DATASOURCE_REACTIVE_URL", db.reactiveUrl(s.database()));
        e.put("QUARKUS_DATASOURCE_JDBC_URL", db.jdbcUrl(s.database()));
        e.put("KAFKA_BOOTSTRAP_SERVERS", bootstrap);
        e.put("PALISADE_BOOTSTRAP_ADMIN_PASSWORD", secrets.adminPassword());
        e.put("PALISADE_MASTER_KEY", secrets.masterKey());
        s.extraEnv().forEach((k, v) -> e.put(k, withConfiguredPorts(v)));
        for (ExtraPort extra : s.extraPorts()) {
            e.put(extra.env(), Integer.toString(intEnv(extra.env(), extra.defaultPort())));
        }
        return e;
    }

    /**
     * Rewrites another service's default address in a setting ({@code http://127.0.0.1:8081/api/v1/auth/jwks}) to the
     * port it really runs on ({@code PALISADE_TENANT_SERVICE_PORT}).
     */
    String withConfiguredPorts(String value) {
        String result = value;
        for (Service other : SERVICES) {
            int port = intEnv(other.portEnv(), other.defaultPort());
            if (port != other.defaultPort()) {
                result = result.replaceAll("127\\.0\\.0\\.1:" + other.defaultPort() + "(?!\\d)", "127.0.0.1:" + port);
            }
        }
        return result;
    }

    /** Waits for /q/health/ready = 200; returns null when ready, else what went wrong. */
    private String awaitReady(RunningService rs) {
        long deadline = rs.startedAt() + READY_TIMEOUT.toNanos();
        URI uri = URI.create(rs.url() + "/q/health/ready");
        while (System.nanoTime() < deadline) {
            if (Cleanup.closing()) {
                return "was stopped (shutdown requested)";
            }
            if (!rs.process().isAlive()) {
                return "exited with code " + rs.process().exitValue() + " before it was ready";
            }
            if (healthStatus(uri) == 200) {
                return null;
            }
            sleep(500);
        }
        return "was not ready within " + READY_TIMEOUT.toSeconds() + " s (" + uri + ")";
    }

    /** HTTP status of a GET, or -1 if it does not answer. */
    private int healthStatus(URI uri) {
        try {
            HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build();
            return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private void printSummary(List<RunningService> services, DbServer db, String bootstrap, Secrets secrets) {
        String nl = System.lineSeparator();
        StringBuilder sb = new StringBuilder(nl).append("Palisade is up.").append(nl).append(nl);
        for (RunningService rs : services) {
            sb.append(String.format("  %-17s%s%n", rs.service().name(), rs.url()));
            sb.append(String.format("  %-17s  OpenAPI  %s/q/openapi%n", "", rs.url()));
            sb.append(String.format("  %-17s  health   %s/q/health/ready  (all checks: %s/q/health)%n", "",
                    rs.url(), rs.url()));
            for (ExtraPort extra : rs.service().extraPorts()) {
                sb.append(String.format("  %-17s  %-8s %s://127.0.0.1:%d%n", "", extra.what(), extra.scheme(),
                        intEnv(extra.env(), extra.defaultPort())));
            }
        }
        if (services.isEmpty()) {
            sb.append("  (no service is built yet: run ./mvnw -DskipTests package)").append(nl);
        }
        sb.append(String.format("  %-17s%s:%d  user %s%s%s%n", "PostgreSQL", db.host(), db.port(), db.user(),
                db.external() ? "" : ", password " + db.password(), db.external() ? "  (PALISADE_DB_URL)" : ""));
        sb.append(String.format("  %-17s%s%n", "Kafka", bootstrap));
        sb.append(String.format("  %-17s%s%n", "Logs", logs));
        sb.append(String.format("  %-17susername admin, password %s%s%n", "Bootstrap admin", secrets.adminPassword(),
                secrets.adminFromEnv() ? "  (from PALISADE_BOOTSTRAP_ADMIN_PASSWORD)" : "  (in .palisade/secrets.env)"));
        sb.append(nl).append("Press Ctrl-C or run ./palisade down to stop.");
        System.out.println(sb);
    }

    // ----------------------------------------------------------------------------------------------------------- demo

    /**
     * {@code --demo}: seeds the demo through the running services' APIs and starts its agents (in this JVM). A demo
     * that cannot be set up is reported; the services keep running.
     */
    private void runDemo(List<RunningService> running, Secrets secrets) {
        Map<String, String> urls = new LinkedHashMap<>();
        running.forEach(rs -> urls.put(rs.service().name(), rs.url()));
        for (String needed : List.of("tenant-service", "group-service", "agent-gateway")) {
            if (!urls.containsKey(needed)) {
                System.err.println("palisade: --demo needs " + needed + ", which is not built; no demo this time.");
                return;
            }
        }
        int agentPort = intEnv("PALISADE_GATEWAY_AGENT_PORT", 8443);
        Demo demo = new Demo(state.resolve("demo"), new DemoApi.Urls(urls.get("tenant-service"), urls.get("group-service"),
                urls.get("agent-gateway"), "https://127.0.0.1:" + agentPort), secrets.adminPassword(),
                Tinyproxy.find(env.get("PATH")), System.out);
        Cleanup.register(demo);
        try {
            demo.run(agentPort);
        } catch (IOException | RuntimeException e) {
            if (demo.stopped()) {
                return; // Ctrl-C while it was being set up
            }
            boolean expected = e instanceof DemoApi.DemoFailure || e instanceof IOException || e instanceof UncheckedIOException
                    || e instanceof io.palisade.simulator.AgentError;
            System.err.println("palisade: the demo could not be set up: " + (expected ? e.getMessage() : e.toString())
                    + " (the services keep running; see .palisade/logs/)");
        }
    }

    // ------------------------------------------------------------------------------------------------------- services

    record RunningService(Service service, int port, Process process, Path log, long startedAt) {
        String url() {
            return "http://127.0.0.1:" + port;
        }
    }

    /** The started services; closed (in parallel: SIGTERM, 20 s grace, SIGKILL) before Kafka and PostgreSQL. */
    private final class Services implements AutoCloseable {
        private final List<RunningService> running = new ArrayList<>();
        private volatile boolean closed;

        synchronized void start(Service s, int port, Map<String, String> serviceEnv) {
            if (closed) {
                return;
            }
            Path log = logs.resolve(s.name() + ".log");
            try {
                if (Files.exists(log)) {
                    Files.move(log, logs.resolve(s.name() + ".log.1"), StandardCopyOption.REPLACE_EXISTING);
                }
                List<String> cmd = List.of(Processes.javaExecutable(), "-Xmx384m", SERVICE_MARKER + s.name(),
                        "-jar", home.resolve(s.jar()).toString());
                ProcessBuilder pb = new ProcessBuilder(Processes.detached(cmd))
                        .directory(home.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
                pb.environment().putAll(serviceEnv);
                Process p = pb.start();
                running.add(new RunningService(s, port, p, log, System.nanoTime()));
                Processes.writePid(state.resolve("run").resolve(s.name() + ".pid"), p.pid());
            } catch (IOException e) {
                throw new Failure("could not start " + s.name() + ": " + e.getMessage(), e);
            }
        }

        synchronized List<RunningService> all() {
            return List.copyOf(running);
        }

        /** Reports a service that dies while Palisade runs. */
        void watch() {
            for (RunningService rs : all()) {
                rs.process().onExit().thenRun(() -> {
                    if (!closed && !Cleanup.closing()) {
                        System.err.println("palisade: " + rs.service().name() + " exited unexpectedly (code "
                                + rs.process().exitValue() + "); see " + rel(rs.log()));
                    }
                });
            }
        }

        @Override
        public void close() {
            List<RunningService> toStop;
            synchronized (this) {
                closed = true;
                toStop = List.copyOf(running);
            }
            if (toStop.isEmpty()) {
                return;
            }
            System.out.println("Stopping " + String.join(", ", toStop.stream().map(r -> r.service().name()).toList())
                    + " ...");
            for (RunningService rs : toStop) {
                rs.process().destroy(); // SIGTERM, all at once
            }
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SERVICE_STOP_GRACE_MILLIS);
            for (RunningService rs : toStop) {
                long left = Math.max(0, deadline - System.nanoTime());
                try {
                    if (!rs.process().waitFor(left, TimeUnit.NANOSECONDS)) {
                        System.out.println(rs.service().name() + " did not stop within 20 s; killing it.");
                        Processes.kill(rs.process().toHandle());
                    }
                } catch (InterruptedException e) {
                    Processes.kill(rs.process().toHandle());
                }
                try {
                    Files.deleteIfExists(state.resolve("run").resolve(rs.service().name() + ".pid"));
                } catch (IOException ignored) {
                    // best effort
                }
            }
        }

        @Override
        public String toString() {
            return "services";
        }
    }

    /** Services still running from a launcher that was killed with SIGKILL. */
    private int killLeftoverServices() {
        int killed = 0;
        for (Service s : SERVICES) {
            Path pidFile = state.resolve("run").resolve(s.name() + ".pid");
            Optional<ProcessHandle> leftover = Processes.livePid(pidFile, SERVICE_MARKER + s.name());
            if (leftover.isPresent()) {
                System.out.println("Stopping " + s.name() + " left over from an earlier run (pid " + leftover.get().pid()
                        + ") ...");
                Processes.terminate(leftover.get(), SERVICE_STOP_GRACE_MILLIS);
                killed++;
            }
            try {
                Files.deleteIfExists(pidFile);
            } catch (IOException ignored) {
                // best effort
            }
        }
        return killed;
    }

    // ------------------------------------------------------------------------------------------- down (leftovers)

    /**
     * {@code ./palisade down} when no launcher runs: stops processes a killed launcher left behind. (When the launcher
     * runs, the script sends it SIGTERM instead.)
     */
    int cleanupLeftovers() {
        if (launcherRunning().isPresent()) {
            System.err.println("The launcher is running (pid " + launcherRunning().get().pid()
                    + "); send it SIGTERM (./palisade down does that).");
            return 1;
        }
        int count = stopLeftovers();
        System.out.println(count == 0 ? "Palisade is not running." : "Stopped.");
        return 0;
    }

    /** Stops services, the broker and PostgreSQL that a launcher killed with SIGKILL left running. */
    private int stopLeftovers() {
        int count = killLeftoverServices();
        Path kafkaDir = state.resolve("kafka");
        if (Processes.livePid(kafkaDir.resolve("broker.pid"), "-Dpalisade.kafka.dir=" + kafkaDir).isPresent()) {
            System.out.println("Stopping a Kafka broker left over from an earlier run ...");
            LocalKafka.killStaleBroker(kafkaDir);
            count++;
        }
        Path pgDir = state.resolve("pg");
        if (Processes.livePid(pgDir.resolve("postmaster.pid"), "postgres").isPresent()) {
            System.out.println("Stopping a PostgreSQL server left over from an earlier run ...");
            LocalPostgres.stopStalePostmaster(pgDir);
            count++;
        }
        return count;
    }

    // --------------------------------------------------------------------------------------------------------- status

    int status() {
        Optional<ProcessHandle> launcher = launcherRunning();
        if (launcher.isEmpty()) {
            System.out.println("Palisade is not running.");
            return 3;
        }
        Properties st = new Properties();
        try (var in = Files.newBufferedReader(state.resolve("state.properties"), StandardCharsets.UTF_8)) {
            st.load(in);
        } catch (IOException e) {
            System.out.println("Palisade is starting (launcher pid " + launcher.get().pid() + ").");
            return 1;
        }
        System.out.println("Palisade is running (launcher pid " + launcher.get().pid() + ", since "
                + st.getProperty("started", "?") + ").");
        boolean allReady = true;
        for (String name : st.getProperty("services", "").split(",")) {
            if (name.isBlank()) {
                continue;
            }
            String url = st.getProperty("service." + name + ".url");
            int code = healthStatus(URI.create(url + "/q/health/ready"));
            String health = code == 200 ? "ready" : code < 0 ? "not responding" : "not ready (HTTP " + code + ")";
            allReady &= code == 200;
            System.out.printf("  %-17s%-28s%s%n", name, url, health);
        }
        String postgres = st.getProperty("postgres", "?");
        System.out.printf("  %-17s%-28s%s%n", "PostgreSQL", postgres, reachable(postgres));
        String kafka = st.getProperty("kafka", "?");
        System.out.printf("  %-17s%-28s%s%n", "Kafka", kafka, reachable(kafka.split(",")[0]));
        System.out.printf("  %-17s%s%n", "Logs", logs);
        return allReady ? 0 : 1;
    }

    private static String reachable(String hostPort) {
        try {
            int colon = hostPort.lastIndexOf(':');
            String host = hostPort.substring(0, colon).replace("[", "").replace("]", "");
            int port = Integer.parseInt(hostPort.substring(colon + 1));
            return Ports.accepts(host, port, 2000) ? "accepting connections" : "not reachable";
        } catch (RuntimeException e) {
            return "?";
        }
    }

    private void writeState(List<RunningService> services, DbServer db, String bootstrap) {
        Properties st = new Properties();
        st.setProperty("started", Instant.now().toString());
        st.setProperty("services", String.join(",", services.stream().map(r -> r.service().name()).toList()));
        for (RunningService rs : services) {
            st.setProperty("service." + rs.service().name() + ".url", rs.url());
            st.setProperty("service." + rs.service().name() + ".pid", Long.toString(rs.process().pid()));
        }
        st.setProperty("postgres", db.host() + ":" + db.port());
        st.setProperty("kafka", bootstrap);
        Path file = state.resolve("state.properties");
        try (var out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            st.store(out, "written by ./palisade up; read by ./palisade status");
        } catch (IOException e) {
            throw new Failure("cannot write " + file + ": " + e.getMessage(), e);
        }
        Cleanup.register(new Step("state", () -> Files.deleteIfExists(file)));
    }

    // ------------------------------------------------------------------------------------------------ single instance

    private FileChannel lockChannel; // held for the life of the launcher
    private FileLock lock;

    private boolean lockSingleInstance() {
        try {
            lockChannel = FileChannel.open(state.resolve("launcher.lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
            lock = lockChannel.tryLock();
            return lock != null;
        } catch (IOException e) {
            throw new Failure("cannot lock " + state.resolve("launcher.lock") + ": " + e.getMessage(), e);
        }
    }

    private void writeLauncherPid() {
        try {
            Processes.writePid(state.resolve("launcher.pid"), ProcessHandle.current().pid());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Optional<ProcessHandle> launcherRunning() {
        return Processes.livePid(state.resolve("launcher.pid"), LAUNCHER_CLASS);
    }

    // -------------------------------------------------------------------------------------------------------- secrets

    record Secrets(String adminPassword, boolean adminFromEnv, String masterKey) {
    }

    private static final String ADMIN_PASSWORD = "PALISADE_BOOTSTRAP_ADMIN_PASSWORD";
    private static final String MASTER_KEY = "PALISADE_MASTER_KEY";
    private static final String PASSWORD_ALPHABET =
            "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

    /** .palisade/secrets.env (mode 600): generated on first start, reused afterwards; the environment wins. */
    Secrets loadOrCreateSecrets() {
        Path file = state.resolve("secrets.env");
        Map<String, String> stored = new LinkedHashMap<>();
        try {
            if (Files.isRegularFile(file)) {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    String l = line.strip();
                    int eq = l.indexOf('=');
                    if (!l.isEmpty() && !l.startsWith("#") && eq > 0) {
                        stored.put(l.substring(0, eq).strip(), l.substring(eq + 1).strip());
                    }
                }
            }
            SecureRandom random = new SecureRandom();
            boolean changed = false;
            String envAdmin = blankToNull(env.get(ADMIN_PASSWORD));
            if (envAdmin == null && blankToNull(stored.get(ADMIN_PASSWORD)) == null) {
                StringBuilder pw = new StringBuilder();
                for (int i = 0; i < 20; i++) {
                    pw.append(PASSWORD_ALPHABET.charAt(random.nextInt(PASSWORD_ALPHABET.length())));
                }
                stored.put(ADMIN_PASSWORD, pw.toString());
                changed = true;
            }
            if (blankToNull(stored.get(MASTER_KEY)) == null) {
                byte[] key = new byte[32];
                random.nextBytes(key);
                stored.put(MASTER_KEY, Base64.getEncoder().encodeToString(key));
                changed = true;
            }
            if (changed || !Files.exists(file)) {
                StringBuilder sb = new StringBuilder("# Generated by ./palisade up on first start. Keep it secret.\n"
                        + "# Environment variables of the same name take precedence.\n");
                stored.forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
                if (!Files.exists(file)) {
                    Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                }
                Files.writeString(file, sb, StandardCharsets.UTF_8);
            }
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            String envKey = blankToNull(env.get(MASTER_KEY));
            return new Secrets(envAdmin != null ? envAdmin : stored.get(ADMIN_PASSWORD), envAdmin != null,
                    envKey != null ? envKey : stored.get(MASTER_KEY));
        } catch (IOException e) {
            throw new Failure("cannot read or write " + file + ": " + e.getMessage(), e);
        }
    }

    // --------------------------------------------------------------------------------------------- PALISADE_DB_URL

    /** A PostgreSQL server: ours, or the one PALISADE_DB_URL names. */
    record DbServer(String host, int port, String user, String password, boolean external) {
        String jdbcUrl(String database) {
            return "jdbc:" + reactiveUrl(database);
        }

        String reactiveUrl(String database) {
            return "postgresql://" + host + ":" + port + "/" + database;
        }
    }

    /**
     * Parses {@code postgresql://user:pass@host:port} (a trailing /database and ?query are ignored; a jdbc: prefix is
     * allowed; user and password may be percent-encoded; the port defaults to 5432).
     */
    static DbServer parseDbUrl(String url) {
        String u = url.strip();
        if (u.startsWith("jdbc:")) {
            u = u.substring(5);
        }
        URI uri;
        try {
            uri = new URI(u);
        } catch (URISyntaxException e) {
            throw new Failure("PALISADE_DB_URL is not a valid URL (percent-encode special characters in the password): "
                    + e.getMessage());
        }
        if (!"postgresql".equals(uri.getScheme()) && !"postgres".equals(uri.getScheme())) {
            throw new Failure("PALISADE_DB_URL must look like postgresql://user:password@host:port");
        }
        if (uri.getHost() == null) {
            throw new Failure("PALISADE_DB_URL has no host: expected postgresql://user:password@host:port");
        }
        String user = "postgres";
        String password = null;
        String info = uri.getRawUserInfo();
        if (info != null) {
            int colon = info.indexOf(':');
            user = decode(colon < 0 ? info : info.substring(0, colon));
            password = colon < 0 ? null : decode(info.substring(colon + 1));
        }
        return new DbServer(uri.getHost(), uri.getPort() < 0 ? 5432 : uri.getPort(), user, password, true);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    // ---------------------------------------------------------------------------------------------------------- Kafka

    private void linkKafkaLog(LocalKafka kafka) {
        Path link = logs.resolve("kafka.log");
        try {
            Files.deleteIfExists(link);
            Files.createSymbolicLink(link, logs.relativize(kafka.logFile()));
        } catch (IOException | UnsupportedOperationException ignored) {
            // only a convenience
        }
    }

    private static void watchKafka(LocalKafka kafka) {
        Thread t = new Thread(() -> {
            while (!Cleanup.closing()) {
                sleep(5000);
                if (!kafka.isRunning() && !Cleanup.closing()) {
                    System.err.println("palisade: the Kafka broker exited unexpectedly; see " + kafka.logFile());
                    return;
                }
            }
        }, "kafka-watch");
        t.setDaemon(true);
        t.start();
    }

    private static void checkKafkaReachable(String bootstrap) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.CLIENT_ID_CONFIG, "palisade-launcher"))) {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs(15_000)).nodes().get(20, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new Failure("the Kafka cluster at " + bootstrap + " (PALISADE_KAFKA) did not answer within 15 s: "
                    + e.getMessage());
        }
    }

    // ----------------------------------------------------------------------------------------------------------- misc

    private int intEnv(String name, int defaultValue) {
        String v = blankToNull(env.get(name));
        if (v == null) {
            return defaultValue;
        }
        try {
            int port = Integer.parseInt(v.strip());
            if (port < 1 || port > 65535) {
                throw new NumberFormatException();
            }
            return port;
        } catch (NumberFormatException e) {
            throw new Failure(name + "=" + v + " is not a port number (1-65535)");
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private String rel(Path p) {
        return p.startsWith(home) ? home.relativize(p).toString() : p.toString();
    }

    /** Log4j2 (the launcher's SLF4J backend) writes to .palisade/logs/launcher.log, not to the terminal. */
    private void configureLogging() {
        System.setProperty("palisade.logs.dir", logs.toString());
        if (System.getProperty("log4j2.configurationFile") == null) {
            URL config = Launcher.class.getResource("launcher-log4j2.xml");
            if (config != null) {
                System.setProperty("log4j2.configurationFile", config.toString());
            }
        }
    }

    interface StepAction<T> {
        T run() throws Exception;
    }

    private static <T> T startStep(String what, StepAction<T> action) {
        try {
            return action.run();
        } catch (PortInUseException e) {
            throw new Failure(e.getMessage(), e);
        } catch (Failure e) {
            throw e;
        } catch (Exception e) {
            throw new Failure(what + " failed: " + e.getMessage(), e);
        }
    }

    /** Re-registers a library resource so that stopping it is announced. */
    private static void managed(String label, AutoCloseable resource) {
        Cleanup.unregister(resource);
        Cleanup.register(new Step(label, () -> {
            System.out.println("Stopping " + label + " ...");
            resource.close();
        }));
    }

    private record Step(String label, StepAction0 action) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            action.run();
        }

        @Override
        public String toString() {
            return label;
        }
    }

    interface StepAction0 {
        void run() throws Exception;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
