package io.palisade.bench.migration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.palisade.local.LocalKafka;
import io.palisade.local.LocalPostgres;
import java.io.IOException;
import java.io.Writer;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.postgresql.PGConnection;

/**
 * Issue 5's performance check: an ESMC 7.0 export with {@code devices} devices, {@code staticGroups} static and
 * {@code dynamicGroups} dynamic groups, {@code customers} customer companies under one MSP, planned and applied
 * through the packaged tenant-service, group-service and migration-service (child processes on an embedded
 * PostgreSQL and a Kafka broker). Prints the upload+plan time, the apply time (202 → COMPLETED), and the time of a
 * PostgreSQL {@code COPY} of the same objects in the same run, twice: into group-service's own schema (the rows an
 * apply stores there, every index included: {@link SchemaCopy}) and into one plain five-column table; and the ratios.
 */
public final class MigrationBench {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ADMIN_PASSWORD = "bench-admin-password-1";

    private final int devices = Integer.getInteger("devices", 100_000);
    private final int statics = Integer.getInteger("staticGroups", 10_000);
    private final int dynamics = Integer.getInteger("dynamicGroups", 500);
    private final int customers = Integer.getInteger("customers", 100);
    private final String heap = System.getProperty("serviceHeap", "768m");
    private final int warmup = Integer.getInteger("warmup", 0);
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final List<Process> processes = new ArrayList<>();

    public static void main(String[] args) throws Exception {
        new MigrationBench().run();
        System.exit(0);
    }

    void run() throws Exception {
        System.out.printf("MigrationBench: ESMC 7.0 export, %d customers, %d static groups, %d dynamic groups, %d devices%n",
                customers, statics, dynamics, devices);
        Path export = Files.createTempFile("esmc-export", ".json");
        List<SchemaCopy.ExportRow> rows = writeExport(export, devices, statics, dynamics, customers);
        System.out.printf("export: %.1f MB%n", Files.size(export) / 1e6);
        try (LocalPostgres pg = LocalPostgres.start(null, 0);
             LocalKafka kafka = LocalKafka.start(null, 0, System.getProperty("java.class.path"))) {
            for (String db : List.of("palisade_tenant", "palisade_group", "palisade_migration", "bench_copy", "bench_copy_schema")) {
                pg.createDatabaseIfMissing(db);
            }
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            Map<String, String> common = Map.of("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                    "PALISADE_BOOTSTRAP_ADMIN_PASSWORD", ADMIN_PASSWORD, "PALISADE_MASTER_KEY", Base64.getEncoder().encodeToString(key));
            String tenant = start("tenant-service", pg, "palisade_tenant", common, Map.of());
            String jwks = tenant + "/api/v1/auth/jwks";
            String group = start("group-service", pg, "palisade_group", common, Map.of("PALISADE_TOKENS_JWKS_URL", jwks));
            String migration = start("migration-service", pg, "palisade_migration", common, Map.of("PALISADE_TOKENS_JWKS_URL", jwks,
                    "PALISADE_MIGRATION_TENANT_SERVICE_URL", tenant, "PALISADE_MIGRATION_GROUP_SERVICE_URL", group,
                    // the time of every device batch, in its log
                    "QUARKUS_LOG_CATEGORY__IO_PALISADE_MIGRATION_APPLY__LEVEL", "DEBUG"));
            String token = JSON.readTree(send(HttpRequest.newBuilder(URI.create(tenant + "/api/v1/auth/login"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"admin\",\"password\":\"" + ADMIN_PASSWORD + "\"}")), 200))
                    .path("accessToken").asText();
            if (warmup > 0) {
                // a first, smaller import into another distributor, not timed: the services run warm, as a long-running
                // server does (their JIT has compiled the import's paths), and the database is not empty
                Path small = Files.createTempFile("esmc-warmup", ".json");
                try {
                    writeExport(small, warmup, Math.max(2, warmup / 10), Math.max(1, warmup / 200), Math.max(1, warmup / 1000));
                    double[] warm = importOnce(tenant, migration, token, "Warm-up Distribution", small);
                    System.out.printf("warm-up import of %d devices: plan %.1f s, apply %.1f s (not counted)%n", warmup, warm[0], warm[1]);
                } finally {
                    Files.deleteIfExists(small);
                }
            }
            double[] measured = importOnce(tenant, migration, token, "Bench Distribution", export);
            double planSeconds = measured[0];
            double applySeconds = measured[1];

            double copySeconds = copy(pg, rows);
            System.out.printf("COPY of the export's %d objects (tenants, groups, devices: five columns) into one plain table: %.2f s%n",
                    rows.size(), copySeconds);
            double[] schemaCopy;
            try (Connection db = DriverManager.getConnection(pg.jdbcUrl("bench_copy_schema"), pg.username(), pg.password())) {
                schemaCopy = SchemaCopy.run(db, rows);
            }
            System.out.printf("COPY of the %.0f rows the apply stores in group-service (tenants, their groups, groups, templates, "
                    + "devices with inventory and facts) into its schema, indexes and all: %.2f s%n", schemaCopy[1], schemaCopy[0]);
            System.out.printf("RESULT apply %.1f s (target <= 60 s), ratio to COPY into group-service's schema %.1f, to COPY into "
                    + "one plain table %.1f (target <= 5); plan %.1f s%n", applySeconds, applySeconds / schemaCopy[0],
                    applySeconds / copySeconds, planSeconds);
        } finally {
            for (Process p : processes) {
                p.destroy();
            }
            for (Process p : processes) {
                p.waitFor();
            }
            Files.deleteIfExists(export);
        }
    }

    /** Plans and applies one export into a new distributor; answers {plan seconds, apply seconds}. */
    private double[] importOnce(String tenant, String migration, String token, String targetName, Path export) throws Exception {
        String target = JSON.readTree(send(HttpRequest.newBuilder(URI.create(tenant + "/api/v1/tenants"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"" + targetName + "\",\"type\":\"DISTRIBUTOR\",\"parentId\":null}")),
                201)).path("id").asText();
        Thread.sleep(2000); // group-service mirrors the new distributor

        long t0 = System.nanoTime();
        JsonNode planned = JSON.readTree(send(HttpRequest.newBuilder(URI.create(migration + "/api/v1/migrations?targetTenantId=" + target))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + token)
                .timeout(Duration.ofMinutes(10)).POST(HttpRequest.BodyPublishers.ofFile(export)), 201));
        double planSeconds = (System.nanoTime() - t0) / 1e9;
        String id = planned.path("id").asText();
        System.out.printf("upload + validation + plan: %.1f s (%s)%n", planSeconds, planned.path("plan"));

        long t1 = System.nanoTime();
        send(HttpRequest.newBuilder(URI.create(migration + "/api/v1/migrations/" + id + "/apply"))
                .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.noBody()), 202);
        JsonNode state;
        long lastPrint = 0;
        while (true) {
            state = JSON.readTree(send(HttpRequest.newBuilder(URI.create(migration + "/api/v1/migrations/" + id))
                    .header("Authorization", "Bearer " + token).GET(), 200));
            String status = state.path("status").asText();
            if (!"RUNNING".equals(status)) {
                break;
            }
            if (System.nanoTime() - lastPrint > 10e9) {
                System.out.printf("  %.0f s: %s%n", (System.nanoTime() - t1) / 1e9, state.path("progress"));
                lastPrint = System.nanoTime();
            }
            Thread.sleep(200);
        }
        double applySeconds = (System.nanoTime() - t1) / 1e9;
        System.out.printf("apply: %s after %.1f s; progress %s%n", state.path("status").asText(), applySeconds, state.path("progress"));
        if (state.has("report")) {
            System.out.printf("report: %s%n", state.path("report"));
        }
        if (!"COMPLETED".equals(state.path("status").asText())) {
            throw new IllegalStateException("the apply into " + targetName + " did not complete; nothing to measure");
        }
        return new double[] {planSeconds, applySeconds};
    }

    /** Writes the export; returns its objects, which the COPY baselines load. */
    private List<SchemaCopy.ExportRow> writeExport(Path file, int devices, int statics, int dynamics, int customers) throws IOException {
        Random random = new Random(42);
        List<SchemaCopy.ExportRow> rows = new ArrayList<>();
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write("{\"format\":\"esmc-export\",\"formatVersion\":1,\"server\":{\"product\":\"ESMC\",\"version\":\"7.0.577.0\"},");
            w.write("\"emaAccount\":{\"imported\":true,\"companies\":[{\"id\":\"msp\",\"name\":\"Bench MSP\",\"type\":\"MSP\",\"parentId\":null}");
            rows.add(new SchemaCopy.ExportRow("tenant", "msp", "Bench MSP", null, null, null, "MSP"));
            for (int c = 0; c < customers; c++) {
                w.write(",{\"id\":\"c" + c + "\",\"name\":\"Customer " + c + "\",\"type\":\"CUSTOMER\",\"parentId\":\"msp\"}");
                rows.add(new SchemaCopy.ExportRow("tenant", "c" + c, "Customer " + c, "msp", null, null, "CUSTOMER"));
            }
            w.write("]},\"staticGroups\":[{\"id\":\"g0\",\"name\":\"All\",\"parentId\":null}");
            rows.add(new SchemaCopy.ExportRow("group", "g0", "All", null, null, null, null));
            int sites = Math.max(1, statics / 100);
            for (int g = 1; g < statics; g++) {
                String parent = g <= sites ? "g0" : "g" + (1 + (g % sites));
                w.write(",{\"id\":\"g" + g + "\",\"name\":\"Group " + g + "\",\"parentId\":\"" + parent + "\"}");
                rows.add(new SchemaCopy.ExportRow("group", "g" + g, "Group " + g, parent, null, null, null));
            }
            w.write("],\"dynamicGroups\":[");
            for (int d = 0; d < dynamics; d++) {
                String parent = "g" + (1 + random.nextInt(statics - 1));
                String rule = "{\"op\":\"AND\",\"rules\":[{\"attribute\":\"os.platform\",\"operator\":\"EQ\",\"value\":\"WINDOWS\"},"
                        + "{\"attribute\":\"hostname\",\"operator\":\"STARTS_WITH\",\"value\":\"pc-" + d + "\"}]}";
                w.write((d == 0 ? "" : ",") + "{\"id\":\"d" + d + "\",\"name\":\"Dynamic " + d + "\",\"parentId\":\"" + parent
                        + "\",\"rule\":" + rule + "}");
                rows.add(new SchemaCopy.ExportRow("group", "d" + d, "Dynamic " + d, parent, null, null, rule));
            }
            w.write("],\"devices\":[");
            for (int u = 0; u < devices; u++) {
                int g = 1 + random.nextInt(statics - 1);
                String inventory = "{\"os\":{\"platform\":\"WINDOWS\",\"name\":\"Windows 11\",\"version\":\"10.0.22631\"},"
                        + "\"hostname\":\"pc-" + u + "\"}";
                w.write((u == 0 ? "" : ",") + "{\"id\":\"u" + u + "\",\"name\":\"pc-" + u + "\",\"staticGroupId\":\"g" + g
                        + "\",\"companyId\":\"c" + (g % customers) + "\",\"hardwareId\":\"hw-" + u + "\",\"inventory\":" + inventory + "}");
                rows.add(new SchemaCopy.ExportRow("device", "u" + u, "pc-" + u, "g" + g, "c" + (g % customers), "hw-" + u, inventory));
            }
            w.write("]}");
        }
        return rows;
    }

    /** COPY of the same objects into a plain table (five columns), with a primary key, in one transaction. */
    private double copy(LocalPostgres pg, List<SchemaCopy.ExportRow> rows) throws Exception {
        try (Connection db = DriverManager.getConnection(pg.jdbcUrl("bench_copy"), pg.username(), pg.password())) {
            try (Statement s = db.createStatement()) {
                s.execute("create table imported (id uuid primary key, kind text not null, legacy_id text not null, name text not null, "
                        + "parent_legacy_id text)");
            }
            StringBuilder data = new StringBuilder();
            for (SchemaCopy.ExportRow r : rows) {
                data.append(UUID.randomUUID()).append('\t').append(r.kind()).append('\t').append(r.id()).append('\t').append(r.name())
                        .append('\t').append(r.parent() == null ? "\\N" : r.parent()).append('\n');
            }
            db.setAutoCommit(false);
            long t = System.nanoTime();
            ((PGConnection) db.unwrap(PGConnection.class)).getCopyAPI().copyIn(
                    "copy imported (id, kind, legacy_id, name, parent_legacy_id) from stdin", new java.io.StringReader(data.toString()));
            db.commit();
            return (System.nanoTime() - t) / 1e9;
        }
    }

    private String start(String name, LocalPostgres pg, String database, Map<String, String> common, Map<String, String> extra)
            throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path log = Files.createTempFile(name + "-bench", ".log");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx" + heap));
        // e.g. -DserviceOpts="-XX:StartFlightRecording=filename=/tmp/{name}.jfr": {name} is the service's name
        for (String opt : System.getProperty("serviceOpts", "").trim().split("\\s+")) {
            if (!opt.isEmpty()) {
                command.add(opt.replace("{name}", name));
            }
        }
        command.addAll(List.of("-jar", name + "/target/quarkus-app/quarkus-run.jar"));
        ProcessBuilder pb = new ProcessBuilder(command);
        Map<String, String> env = pb.environment();
        env.putAll(common);
        env.putAll(extra);
        env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
        env.put("QUARKUS_DATASOURCE_USERNAME", pg.username());
        env.put("QUARKUS_DATASOURCE_PASSWORD", pg.password() == null ? "" : pg.password());
        env.put("QUARKUS_DATASOURCE_REACTIVE_URL", pg.reactiveUrl(database));
        env.put("QUARKUS_DATASOURCE_JDBC_URL", pg.jdbcUrl(database));
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        Process p = pb.start();
        processes.add(p);
        String base = "http://127.0.0.1:" + port;
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IllegalStateException(name + " exited:\n" + Files.readString(log));
            }
            try {
                if (http.send(HttpRequest.newBuilder(URI.create(base + "/q/health/ready")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    System.out.printf("%s on %s (log %s)%n", name, base, log);
                    return base;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException(name + " not ready after 2 minutes; log " + log);
    }

    private String send(HttpRequest.Builder request, int expected) throws Exception {
        HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != expected) {
            throw new IllegalStateException(r.request().method() + " " + r.request().uri() + " answered " + r.statusCode() + ": " + r.body());
        }
        return r.body();
    }

}
