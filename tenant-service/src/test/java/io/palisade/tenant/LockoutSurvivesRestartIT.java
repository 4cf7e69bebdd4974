package io.palisade.tenant;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.palisade.kit.testing.PalisadeTestResources;
import io.palisade.local.LocalPostgres;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Black-box test of the packaged service (target/quarkus-app/quarkus-run.jar): a lockout and the
 * token signing key live in the database, so a restart of the process keeps both.
 */
class LockoutSurvivesRestartIT {

    private static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");
    private static final Path APP_LOG = Path.of("target", "lockout-survives-restart-it-app.log");
    private static final String ADMIN_PASSWORD = "it-admin-password-1";
    private static final String OPERATOR_PASSWORD = "correct-horse-battery";
    private static final int MAX_FAILED_ATTEMPTS = 10;

    private static Map<String, String> env;
    private static int port;
    private static Process app;

    @BeforeAll
    static void startInfrastructure() throws IOException {
        assertTrue(Files.isRegularFile(JAR), JAR.toAbsolutePath() + " is missing: run after `package`");
        PalisadeTestResources.startInfrastructure();
        LocalPostgres postgres = PalisadeTestResources.postgres();
        String database = "palisade_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        postgres.createDatabaseIfMissing(database);
        byte[] masterKey = new byte[32];
        new SecureRandom().nextBytes(masterKey);
        port = freePort();
        env = Map.of(
                "QUARKUS_HTTP_PORT", Integer.toString(port),
                "QUARKUS_DATASOURCE_USERNAME", postgres.username(),
                "QUARKUS_DATASOURCE_PASSWORD", postgres.password(),
                "QUARKUS_DATASOURCE_REACTIVE_URL", postgres.reactiveUrl(database),
                "QUARKUS_DATASOURCE_JDBC_URL", postgres.jdbcUrl(database),
                "KAFKA_BOOTSTRAP_SERVERS", PalisadeTestResources.kafka().bootstrapServers(),
                "PALISADE_BOOTSTRAP_ADMIN_PASSWORD", ADMIN_PASSWORD,
                "PALISADE_MASTER_KEY", Base64.getEncoder().encodeToString(masterKey),
                "PALISADE_AUTH_PBKDF2_ITERATIONS", "20000");
        Files.deleteIfExists(APP_LOG);
    }

    @AfterAll
    static void stopApp() throws InterruptedException {
        stop();
    }

    @Test
    void lockoutAndSigningKeySurviveARestart() throws Exception {
        start();
        String admin = login("admin", ADMIN_PASSWORD).then().statusCode(200).extract().path("accessToken");
        String msp = as(admin).body(Map.of("name", "IT MSP " + UUID.randomUUID(), "type", "MSP"))
                .post("/api/v1/tenants").then().statusCode(201).extract().path("id");
        String set = as(admin).body(Map.of("name", "IT readers", "tenantId", msp, "permissions", List.of("tenants.read")))
                .post("/api/v1/permission-sets").then().statusCode(201).extract().path("id");
        String username = "it-op-" + UUID.randomUUID().toString().substring(0, 8);
        as(admin).body(Map.of("username", username, "password", OPERATOR_PASSWORD, "homeTenantId", msp,
                        "permissionSetIds", List.of(set)))
                .post("/api/v1/operators").then().statusCode(201);

        // Ten consecutive failures are answered as failures; they lock the account for the next attempt.
        for (int attempt = 1; attempt <= MAX_FAILED_ATTEMPTS; attempt++) {
            login(username, "wrong-password-" + attempt).then()
                    .statusCode(401)
                    .body("type", endsWith("/invalid-credentials"));
        }
        expectLocked(login(username, OPERATOR_PASSWORD));

        stop();
        start();

        expectLocked(login(username, OPERATOR_PASSWORD));
        login("admin", ADMIN_PASSWORD).then().statusCode(200).body("accessToken", notNullValue());
        // The token signed before the restart still verifies: the signing key was kept, not regenerated.
        as(admin).get("/api/v1/tenants/" + msp).then().statusCode(200).body("id", equalTo(msp));
    }

    private static void expectLocked(Response response) {
        response.then()
                .statusCode(429)
                .contentType("application/problem+json")
                .body("type", endsWith("/account-locked"));
        String retryAfter = response.header("Retry-After");
        assertNotNull(retryAfter, "a locked account says when to retry");
        long seconds = Long.parseLong(retryAfter.trim());
        assertTrue(seconds > 0 && seconds <= Duration.ofMinutes(15).toSeconds(), "Retry-After " + seconds);
    }

    private static RequestSpecification api() {
        return given().baseUri("http://127.0.0.1").port(port).contentType(ContentType.JSON);
    }

    private static RequestSpecification as(String token) {
        return api().header("Authorization", "Bearer " + token);
    }

    private static Response login(String username, String password) {
        Map<String, Object> body = new HashMap<>();
        body.put("username", username);
        body.put("password", password);
        return api().body(body).post("/api/v1/auth/login");
    }

    private static void start() throws IOException {
        Files.writeString(APP_LOG, "==== starting " + JAR + " on port " + port + System.lineSeparator(),
                StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-Xmx384m", "-jar", JAR.toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(APP_LOG.toFile()));
        builder.environment().putAll(env);
        app = builder.start();
        try {
            Awaitility.await("tenant-service ready on port " + port)
                    .atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofMillis(500))
                    .failFast("tenant-service exited", () -> !app.isAlive())
                    .until(LockoutSurvivesRestartIT::ready);
        } catch (Throwable e) {
            System.err.println("---- tail of " + APP_LOG + " ----");
            System.err.println(tail(APP_LOG, 80));
            throw e;
        }
    }

    private static boolean ready() {
        try {
            return api().get("/q/health/ready").statusCode() == 200;
        } catch (Exception notListeningYet) { // RestAssured rethrows ConnectException unchecked
            return false;
        }
    }

    private static void stop() throws InterruptedException {
        if (app == null) {
            return;
        }
        app.destroy();
        if (!app.waitFor(30, TimeUnit.SECONDS)) {
            app.destroyForcibly();
            app.waitFor(10, TimeUnit.SECONDS);
        }
        app = null;
    }

    private static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join(System.lineSeparator(), all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
