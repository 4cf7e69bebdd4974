package io.palisade.migration;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.palisade.kit.testing.PalisadeTestResources;
import io.palisade.local.LocalPostgres;
import io.palisade.migration.support.Exports;
import io.palisade.migration.support.MigrationTestResources;
import io.palisade.migration.support.ServiceProcess;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Black-box tests of the packaged migration-service with the real tenant-service and group-service: the process
 * is killed ({@code kill -9}) twice in the middle of an apply and restarted, and the resumed apply ends with every
 * object exactly once; an export of more than 200 MB streams through a service whose heap is smaller than it.
 */
class MigrationServiceIT {

    private static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");

    private static Map<String, String> env;
    private static ServiceProcess service;
    private static String admin;

    @BeforeAll
    static void start() {
        MigrationTestResources.startServices();
        LocalPostgres pg = PalisadeTestResources.postgres();
        pg.createDatabaseIfMissing("palisade_migration");
        env = new HashMap<>(MigrationTestResources.database(pg, "palisade_migration"));
        env.put("KAFKA_BOOTSTRAP_SERVERS", PalisadeTestResources.kafka().bootstrapServers());
        env.put("PALISADE_TOKENS_JWKS_URL", MigrationTestResources.tenantServiceUrl() + "/api/v1/auth/jwks");
        env.put("PALISADE_MIGRATION_TENANT_SERVICE_URL", MigrationTestResources.tenantServiceUrl());
        env.put("PALISADE_MIGRATION_GROUP_SERVICE_URL", MigrationTestResources.groupServiceUrl());
        env.put("PALISADE_MIGRATION_LEASE", "2s");
        service = new ServiceProcess("migration-service", JAR, env, ServiceProcess.freePort()).heap("256m");
        service.start();
        admin = login("admin", MigrationTestResources.ADMIN_PASSWORD);
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.stop(false);
        }
    }

    @Test
    void killedTwiceDuringApplyTheResumedJobCreatesEverythingExactlyOnce() {
        String distributor = tenant("IT Distribution " + UUID.randomUUID(), "DISTRIBUTOR", null);
        String token = operator(distributor);
        Exports export = Exports.esmc("7.0.577.0").company("c1", "IT MSP", "MSP", null)
                .company("c2", "IT Customer A", "CUSTOMER", "c1").company("c3", "IT Customer B", "CUSTOMER", "c1")
                .staticGroup("g0", "All", null, null);
        int statics = 1500;
        for (int i = 1; i <= statics; i++) {
            // a tree several levels deep: 30 groups under All, each further one under an earlier one
            export.staticGroup("g" + i, "Group " + i, i <= 30 ? "g0" : "g" + (i / 2), null);
        }
        int dynamics = 300;
        for (int i = 1; i <= dynamics; i++) {
            export.dynamicGroup("d" + i, "Dynamic " + i, "g" + i, Exports.all(Exports.condition("hostname", "STARTS_WITH", "pc-" + i)));
        }
        String id = migrations(token).body(export.json()).post("/api/v1/migrations").then().statusCode(201).extract().path("id");
        int total = 3 + 1 + statics + dynamics;

        // Killed once while the static groups are being created, once during the dynamic groups.
        migrations(token).post("/api/v1/migrations/" + id + "/apply").then().statusCode(202);
        awaitProgress(token, id, "staticGroups", 1);
        killAndRestart(token, id);
        migrations(token).post("/api/v1/migrations/" + id + "/apply").then().statusCode(202);
        awaitProgress(token, id, "dynamicGroups", 20);
        killAndRestart(token, id);
        int partial = done(token, id);
        assertThat(partial).isGreaterThan(statics).isLessThan(total);

        migrations(token).post("/api/v1/migrations/" + id + "/apply").then().statusCode(202);
        Awaitility.await("completed").atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(250))
                .until(() -> "COMPLETED".equals(status(token, id).getString("status")));
        assertThat(done(token, id)).isEqualTo(total);

        List<Map<String, Object>> groups = list(token, MigrationTestResources.groupServiceUrl(), "/api/v1/groups?tenantId=" + distributor);
        long custom = groups.stream().filter(g -> !Boolean.TRUE.equals(g.get("managed"))).count();
        assertThat(custom).isEqualTo(statics + dynamics);
        Set<String> names = new HashSet<>();
        groups.stream().filter(g -> !Boolean.TRUE.equals(g.get("managed"))).forEach(g -> assertThat(names.add((String) g.get("name")))
                .as("%s exists once", g.get("name")).isTrue());
        List<Map<String, Object>> templates = list(token, MigrationTestResources.groupServiceUrl(),
                "/api/v1/dynamic-templates?tenantId=" + distributor);
        assertThat(templates).hasSize(dynamics);
        List<Map<String, Object>> tenants = list(token, MigrationTestResources.tenantServiceUrl(), "/api/v1/tenants?under=" + distributor);
        assertThat(tenants).hasSize(4);
    }

    @Test
    void anExportOfMoreThan200MbStreamsThroughASmallerHeap() throws Exception {
        String distributor = tenant("IT Large " + UUID.randomUUID(), "DISTRIBUTOR", null);
        String token = operator(distributor);
        int devices = 21_000;
        GeneratedExport body = new GeneratedExport(devices, 10_000);
        HttpRequest request = HttpRequest.newBuilder(URI.create(service.url() + "/api/v1/migrations"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .timeout(Duration.ofMinutes(8))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> body)).build();
        HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        assertThat(body.produced).isGreaterThan(200L * 1024 * 1024);
        JsonPath plan = JsonPath.from(response.body());
        assertThat(plan.getInt("plan.devices")).isEqualTo(devices);
        assertThat(plan.getInt("plan.recommendedMoves")).isEqualTo(1);
    }

    /** An export generated on the fly: a company, two groups and {@code devices} devices with padded inventories. */
    static final class GeneratedExport extends InputStream {
        private final int devices;
        private final String padding;
        private byte[] chunk;
        private int pos;
        private int next = -1;
        long produced;

        GeneratedExport(int devices, int padBytes) {
            this.devices = devices;
            this.padding = "x".repeat(padBytes);
            this.chunk = ("{\"format\":\"esmc-export\",\"formatVersion\":1,\"server\":{\"product\":\"ESMC\",\"version\":\"7.0.577.0\"},"
                    + "\"emaAccount\":{\"imported\":true,\"companies\":[{\"id\":\"c1\",\"name\":\"Large MSP\",\"type\":\"MSP\","
                    + "\"parentId\":null}]},\"staticGroups\":[{\"id\":\"g1\",\"name\":\"All\",\"parentId\":null},"
                    + "{\"id\":\"g2\",\"name\":\"Fleet\",\"parentId\":\"g1\"}],\"dynamicGroups\":[],\"devices\":[")
                    .getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (chunk == null) {
                return -1;
            }
            if (pos == chunk.length) {
                next++;
                if (next < devices) {
                    chunk = ((next == 0 ? "" : ",") + "{\"id\":\"u" + next + "\",\"name\":\"pc-" + next
                            + "\",\"staticGroupId\":\"g2\",\"companyId\":\"c1\",\"inventory\":{\"os\":{\"platform\":\"WINDOWS\"},"
                            + "\"notes\":\"" + padding + "\"}}").getBytes(StandardCharsets.UTF_8);
                } else if (next == devices) {
                    chunk = "]}".getBytes(StandardCharsets.UTF_8);
                } else {
                    chunk = null;
                    return -1;
                }
                pos = 0;
            }
            int n = Math.min(len, chunk.length - pos);
            System.arraycopy(chunk, pos, b, off, n);
            pos += n;
            produced += n;
            return n;
        }
    }

    private static void awaitProgress(String token, String id, String kind, int atLeast) {
        Awaitility.await(kind + " under way").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(10))
                .until(() -> status(token, id).getInt("progress." + kind + ".done") >= atLeast);
    }

    /** kill -9, start again, and wait until the dead runner's lease has run out (the job then reads FAILED). */
    private static void killAndRestart(String token, String id) {
        service.stop(true);
        service.start();
        Awaitility.await("the dead runner's lease runs out").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
                .until(() -> "FAILED".equals(status(token, id).getString("status")));
        assertThat(status(token, id).getString("report.reason")).contains("stopped without finishing");
    }

    private static int done(String token, String id) {
        JsonPath s = status(token, id);
        int sum = 0;
        for (String kind : List.of("tenants", "mappedGroups", "staticGroups", "dynamicGroups")) {
            sum += s.getInt("progress." + kind + ".done");
        }
        return sum;
    }

    private static JsonPath status(String token, String id) {
        return migrations(token).get("/api/v1/migrations/" + id).then().statusCode(200).extract().jsonPath();
    }

    private static io.restassured.specification.RequestSpecification migrations(String token) {
        return given().baseUri(service.url()).contentType(ContentType.JSON).header("Authorization", "Bearer " + token);
    }

    private static String login(String username, String password) {
        return given().baseUri(MigrationTestResources.tenantServiceUrl()).contentType(ContentType.JSON)
                .body(Map.of("username", username, "password", password)).post("/api/v1/auth/login").then().statusCode(200)
                .extract().path("accessToken");
    }

    private static String tenant(String name, String type, String parentId) {
        Map<String, Object> body = new HashMap<>();
        body.put("name", name);
        body.put("type", type);
        body.put("parentId", parentId);
        return given().baseUri(MigrationTestResources.tenantServiceUrl()).contentType(ContentType.JSON)
                .header("Authorization", "Bearer " + admin).body(body).post("/api/v1/tenants").then().statusCode(201).extract().path("id");
    }

    private static String operator(String home) {
        var tenantApi = given().baseUri(MigrationTestResources.tenantServiceUrl()).contentType(ContentType.JSON)
                .header("Authorization", "Bearer " + admin);
        String set = given().spec(tenantApi).body(Map.of("name", "IT migrators " + UUID.randomUUID(), "tenantId", home,
                "permissions", List.of("migrations.run", "tenants.read", "tenants.write", "groups.read", "groups.write")))
                .post("/api/v1/permission-sets").then().statusCode(201).extract().path("id");
        String username = "it-" + UUID.randomUUID().toString().substring(0, 12);
        given().spec(tenantApi).body(Map.of("username", username, "password", "it-operator-password", "homeTenantId", home,
                "permissionSetIds", List.of(set))).post("/api/v1/operators").then().statusCode(201);
        return login(username, "it-operator-password");
    }

    private static List<Map<String, Object>> list(String token, String base, String path) {
        List<Map<String, Object>> out = new java.util.ArrayList<>();
        String cursor = null;
        do {
            Response r = given().baseUri(base).header("Authorization", "Bearer " + token)
                    .get(path + "&limit=500" + (cursor == null ? "" : "&cursor=" + cursor));
            r.then().statusCode(200);
            out.addAll(r.jsonPath().getList("items"));
            cursor = r.jsonPath().getString("nextCursor");
        } while (cursor != null);
        return out;
    }
}
