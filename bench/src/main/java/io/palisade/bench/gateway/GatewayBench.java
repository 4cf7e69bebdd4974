package io.palisade.bench.gateway;

import io.palisade.bench.support.BenchServices;
import io.palisade.events.EventCodec;
import io.palisade.events.PalisadeEvent;
import io.palisade.events.TenantEvents;
import io.palisade.local.LocalKafka;
import io.palisade.local.LocalPostgres;
import io.palisade.simulator.GatewayClient;
import io.palisade.simulator.Swarm;
import io.palisade.simulator.SwarmOptions;
import io.palisade.simulator.SwarmReport;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Issue 4, Performance: sustained check-ins/s of ONE agent-gateway instance (its packaged app, with its real
 * PostgreSQL and Kafka on this machine) under the agent-simulator's swarm, against the same swarm on a bare
 * Vert.x mutual-TLS endpoint ({@link EchoGateway}) in the same run. The agents keep their connections open
 * (as CONTRACT.md's "Connections" asks) and check in back to back (closed loop), so the rate is the most a
 * gateway serves; the agents-at-60-s figure is that rate × 60. After an uncounted warm-up of each, phases
 * alternate echo, gateway, echo, gateway.
 */
public final class GatewayBench {

    private final int agents = Integer.getInteger("agents", 200);
    private final int seconds = Integer.getInteger("seconds", 30);
    private final int warmup = Integer.getInteger("warmup", 15);
    private final String jar = System.getProperty("gatewayJar", "agent-gateway/target/quarkus-app/quarkus-run.jar");
    private final String heap = System.getProperty("serviceHeap", "1g");
    private final EventCodec codec = new EventCodec();

    public static void main(String[] args) throws Exception {
        new GatewayBench().run();
        System.exit(0);
    }

    void run() throws Exception {
        System.out.printf(Locale.ROOT, "GatewayBench: %d agents, closed loop, %d s per phase, on %d cores%n", agents, seconds,
                Runtime.getRuntime().availableProcessors());
        Path log = Files.createTempFile("agent-gateway-bench", ".log");
        Process gateway = null;
        try (BenchServices services = new BenchServices();
             LocalPostgres pg = LocalPostgres.start(null, 0)) {
            pg.createDatabaseIfMissing("palisade_gateway");
            try (LocalKafka kafka = LocalKafka.start(null, 0, System.getProperty("java.class.path"))) {
                int apiPort = BenchServices.freePort();
                int agentPort = BenchServices.freePort();
                Map<String, String> env = new LinkedHashMap<>();
                env.put("QUARKUS_HTTP_PORT", Integer.toString(apiPort));
                env.put("PALISADE_GATEWAY_AGENT_PORT", Integer.toString(agentPort));
                env.put("QUARKUS_DATASOURCE_USERNAME", pg.username());
                env.put("QUARKUS_DATASOURCE_PASSWORD", pg.password() == null ? "" : pg.password());
                env.put("QUARKUS_DATASOURCE_REACTIVE_URL", pg.reactiveUrl("palisade_gateway"));
                env.put("QUARKUS_DATASOURCE_JDBC_URL", pg.jdbcUrl("palisade_gateway"));
                env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
                env.put("PALISADE_TOKENS_JWKS_URL", services.jwksUrl());
                byte[] key = new byte[32];
                new SecureRandom().nextBytes(key);
                env.put("PALISADE_MASTER_KEY", Base64.getEncoder().encodeToString(key));
                // the benchmark's agents all come from 127.0.0.1 and check in back to back: lift the per-device and
                // per-address limits, which exist to stop a misbehaving agent, not to shape a load test
                env.put("PALISADE_GATEWAY_LIMITS_CHECKINS_PER_DEVICE_PER_MINUTE", "100000000");
                env.put("PALISADE_GATEWAY_LIMITS_REQUESTS_PER_ADDRESS_PER_SECOND", "100000000");
                env.put("PALISADE_GATEWAY_LIMITS_ENROLMENTS_PER_TOKEN_PER_MINUTE", "100000000");
                env.put("PALISADE_GATEWAY_LIMITS_ENROLMENTS_PER_ADDRESS_PER_MINUTE", "100000000");
                String opts = System.getProperty("serviceOpts", "").trim();
                gateway = BenchServices.start(jar, heap, opts.isEmpty() ? List.of() : List.of(opts.split("\\s+")), env, log);
                String api = "http://127.0.0.1:" + apiPort;
                services.awaitReady(gateway, api, log);
                System.out.printf("agent-gateway: API %s, agents https://localhost:%d (log %s)%n", api, agentPort, log);

                UUID msp = UUID.randomUUID();
                UUID customer = UUID.randomUUID();
                String mspPath = "/" + msp + "/";
                String customerPath = mspPath + customer + "/";
                try (KafkaProducer<String, String> producer = producer(kafka.bootstrapServers())) {
                    send(producer, new TenantEvents.Created(msp.toString(), "Bench MSP", "MSP", null, mspPath, 0, null), mspPath);
                    send(producer, new TenantEvents.Created(customer.toString(), "Bench customer", "CUSTOMER", msp.toString(),
                            customerPath, 0, null), customerPath);
                }
                String root = services.rootToken();
                Map<String, Object> installer = Map.of("customerId", customer, "expiresAt",
                        Instant.now().plus(Duration.ofDays(1)).toString(), "maxUses", agents * 6);
                BenchServices.Answer created = services.post(api + "/api/v1/installers", root, installer);
                long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
                while (created.status() == 404 && System.nanoTime() < deadline) {
                    Thread.sleep(200); // the customer reaches the gateway's projection through Kafka
                    created = services.post(api + "/api/v1/installers", root, installer);
                }
                if (created.status() != 201) {
                    throw new IllegalStateException("installer: " + created.status() + " " + created.body());
                }
                String token = created.body().get("token").asText();
                String caPem = created.body().get("caCertificatePem").asText();

                Vertx serverVertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(Runtime.getRuntime().availableProcessors()));
                Vertx clientVertx = Vertx.vertx();
                EchoGateway echo = new EchoGateway(serverVertx, Runtime.getRuntime().availableProcessors());
                List<SwarmReport> echoRuns = new ArrayList<>();
                List<SwarmReport> gatewayRuns = new ArrayList<>();
                String gatewayUrl = "https://localhost:" + agentPort;
                try (Connection db = DriverManager.getConnection(pg.jdbcUrl("palisade_gateway"), pg.username(), pg.password())) {
                    // both JVMs' JIT warms up first; those phases are not counted
                    phase("warm-up echo", clientVertx, new SwarmOptions(echo.url(), "any", echo.caPem()), warmup);
                    phase("warm-up gateway", clientVertx, new SwarmOptions(gatewayUrl, token, caPem), warmup);
                    for (int round = 1; round <= 2; round++) {
                        echoRuns.add(phase("echo " + round, clientVertx, new SwarmOptions(echo.url(), "any", echo.caPem()), seconds));
                        gatewayRuns.add(phase("gateway " + round, clientVertx, new SwarmOptions(gatewayUrl, token, caPem), seconds));
                        System.out.printf("  outbox backlog after the phase: %s events%n", count(db, "select count(*) from outbox"));
                    }
                    long drainStart = System.nanoTime();
                    while (count(db, "select count(*) from outbox") > 0 && System.nanoTime() - drainStart < Duration.ofMinutes(2).toNanos()) {
                        Thread.sleep(200);
                    }
                    System.out.printf(Locale.ROOT, "  outbox drained to Kafka %.1f s after the last phase%n", (System.nanoTime() - drainStart) / 1e9);
                } finally {
                    echo.close();
                    GatewayClient.await(clientVertx.close(), Duration.ofSeconds(30));
                    GatewayClient.await(serverVertx.close(), Duration.ofSeconds(30));
                }
                print(echoRuns, gatewayRuns);
            }
        } finally {
            BenchServices.stop(gateway);
        }
    }

    private SwarmReport phase(String name, Vertx vertx, SwarmOptions options, int seconds) {
        options.agents(agents).intervalSeconds(0.0).duration(Duration.ofSeconds(seconds)).reportEvery(Duration.ofSeconds(10));
        System.out.printf("%s: enrolling %d agents ...%n", name, agents);
        Swarm swarm = new Swarm(vertx, options);
        SwarmReport report = GatewayClient.await(swarm.run(p -> System.out.println("  " + p.format())),
                Duration.ofSeconds(seconds).plusMinutes(5));
        System.out.println("  " + report.format());
        return report;
    }

    private static void print(List<SwarmReport> echo, List<SwarmReport> gateway) {
        System.out.println();
        System.out.println("| phase | check-ins | check-ins/s | p50 ms | p99 ms | max ms | errors |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|");
        for (int i = 0; i < echo.size(); i++) {
            row("bare Vert.x mTLS echo " + (i + 1), echo.get(i));
            row("agent-gateway " + (i + 1), gateway.get(i));
        }
        double echoRate = echo.stream().mapToDouble(SwarmReport::checkinsPerSecond).average().orElse(0);
        double gatewayRate = gateway.stream().mapToDouble(SwarmReport::checkinsPerSecond).average().orElse(0);
        double ratio = gatewayRate / Math.max(1e-9, echoRate);
        System.out.printf(Locale.ROOT, "%ngateway / bare echo = %.0f / %.0f check-ins/s = %.2f (target >= 0.5: %s)%n", gatewayRate,
                echoRate, ratio, ratio >= 0.5 ? "met" : "missed");
        System.out.printf(Locale.ROOT, "at a 60 s interval, %.0f check-ins/s serve %,.0f agents per gateway instance (goal 250,000: %s)%n",
                gatewayRate, gatewayRate * 60, gatewayRate * 60 >= 250_000 ? "met" : "missed");
    }

    private static void row(String name, SwarmReport r) {
        System.out.printf(Locale.ROOT, "| %s | %d | %.0f | %.2f | %.2f | %.1f | %d |%n", name, r.checkins(), r.checkinsPerSecond(),
                r.p50Millis(), r.p99Millis(), r.maxMillis(), r.errorCount());
    }

    private static long count(Connection db, String sql) throws Exception {
        try (ResultSet rs = db.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static KafkaProducer<String, String> producer(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(p);
    }

    private void send(KafkaProducer<String, String> producer, PalisadeEvent data, String tenantPath) throws Exception {
        producer.send(new ProducerRecord<>(data.topic(), data.aggregateId(),
                codec.encode(codec.envelope(data, "/tenant-service", tenantPath, Instant.now())))).get();
    }
}
