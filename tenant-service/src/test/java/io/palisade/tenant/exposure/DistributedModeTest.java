package io.palisade.tenant.exposure;

import static io.palisade.tenant.support.Api.as;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.palisade.tenant.auth.Totp;
import io.palisade.tenant.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The distributed exposure: the operator API answers every network, so every operator must use TOTP.
 * A password-only sign-in yields a token that can do nothing but enrol and activate TOTP.
 *
 * <p>No operator of the shared database has TOTP, and only a token with full permissions can create
 * one, so this class enrols the bootstrap {@code admin} itself; the last test depends on the earlier
 * ones having seen admin without TOTP, hence the order. {@link #restoreAdminWithoutTotp()} puts the
 * fixture back, because every other test class signs in as admin with the password only. (Today a
 * profile restart reloads the harness and so gets a fresh database; the restore keeps this class safe
 * should the database ever be shared across profiles.)
 */
@QuarkusTest
@TestProfile(DistributedModeTest.Profile.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DistributedModeTest {

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("palisade.exposure", "distributed");
        }
    }

    private static final String ENROLMENT_REQUIRED = "/totp-enrolment-required";

    @Test
    @Order(1)
    void passwordOnlySignInGivesAnEnrolmentOnlyToken() {
        String token = Api.adminToken();

        JsonPath claims = claims(token);
        assertEquals("totp-enrolment", claims.getString("restr"));
        assertEquals(List.of(), claims.getList("perms"));
        assertEquals(List.of("pwd"), claims.getList("amr"));
    }

    @Test
    @Order(2)
    void enrolmentOnlyTokenIsRefusedByEveryScopedEndpoint() {
        String token = Api.adminToken();

        expectEnrolmentRequired(as(token).get("/api/v1/tenants").then());
        expectEnrolmentRequired(as(token).get("/api/v1/operators").then());
        expectEnrolmentRequired(as(token).get("/api/v1/audit").then());
        expectEnrolmentRequired(as(token).body(newTenant(Api.unique("Blocked MSP"))).post("/api/v1/tenants").then());
        expectEnrolmentRequired(as(token).post("/api/v1/auth/keys/rotate").then());
    }

    @Test
    @Order(3)
    void operatorEnrolsTotpThenSignsInWithACodeThatWorksOnlyOnce() {
        String enrolmentOnly = Api.adminToken();

        // The enrolment-only token can enrol and activate, and nothing else.
        String secret = as(enrolmentOnly).post("/api/v1/auth/totp/enroll").then()
                .statusCode(200)
                .body("otpauthUri", notNullValue())
                .extract().path("secret");
        as(enrolmentOnly).body(Map.of("code", codeFor(secret, currentStep()))).post("/api/v1/auth/totp/activate").then()
                .statusCode(204);
        expectEnrolmentRequired(as(enrolmentOnly).get("/api/v1/tenants").then());

        // With TOTP active the password alone no longer signs in.
        signIn("admin", Api.ADMIN_PASSWORD, null).then()
                .statusCode(401)
                .contentType("application/problem+json")
                .body("type", endsWith("/totp-required"));

        // The activation used the current step; the next step's code is a new one, accepted once.
        String code = codeFor(secret, currentStep() + 1);
        String full = signIn("admin", Api.ADMIN_PASSWORD, code).then()
                .statusCode(200)
                .extract().path("accessToken");
        JsonPath claims = claims(full);
        assertNull(claims.get("restr"), "a token after TOTP carries no restriction");
        assertTrue(claims.getList("amr").contains("otp"), "amr names the TOTP factor: " + claims.getList("amr"));
        assertTrue(claims.getList("perms").contains("tenants.write"));

        String msp = as(full).body(newTenant(Api.unique("Distributed MSP"))).post("/api/v1/tenants").then()
                .statusCode(201)
                .extract().path("id");
        as(full).get("/api/v1/tenants").then().statusCode(200);
        as(full).get("/api/v1/tenants/" + msp).then().statusCode(200).body("id", equalTo(msp));

        signIn("admin", Api.ADMIN_PASSWORD, code).then()
                .statusCode(401)
                .contentType("application/problem+json")
                .body("type", endsWith("/invalid-totp"));

        // An operator created now has no TOTP either: its password-only token is enrolment-only too.
        String set = Api.permissionSet(full, msp, List.of("tenants.read"));
        String username = Api.operator(full, msp, List.of(set));
        String newcomer = Api.login(username, Api.PASSWORD);
        assertEquals("totp-enrolment", claims(newcomer).getString("restr"));
        expectEnrolmentRequired(as(newcomer).get("/api/v1/tenants/" + msp).then());
        as(newcomer).post("/api/v1/auth/totp/enroll").then().statusCode(200).body("secret", notNullValue());
    }

    /**
     * Restores the shared fixture: the other test classes (default profile, same database) sign in as
     * admin with the password only. There is no API to switch TOTP off, so this goes to the database.
     */
    @AfterAll
    static void restoreAdminWithoutTotp() throws SQLException {
        Config config = ConfigProvider.getConfig();
        try (Connection db = DriverManager.getConnection(config.getValue("quarkus.datasource.jdbc.url", String.class),
                config.getValue("quarkus.datasource.username", String.class),
                config.getOptionalValue("quarkus.datasource.password", String.class).orElse(""));
             PreparedStatement update = db.prepareStatement("""
                     update operator set totp_active = false, totp_secret = null, totp_pending_secret = null,
                            totp_last_step = null, failed_attempts = 0, locked_until = null
                     where username = 'admin'""")) {
            assertEquals(1, update.executeUpdate(), "the bootstrap admin exists");
        }
    }

    private static void expectEnrolmentRequired(ValidatableResponse response) {
        response.statusCode(403)
                .contentType("application/problem+json")
                .body("type", endsWith(ENROLMENT_REQUIRED))
                .body("status", equalTo(403));
    }

    private static io.restassured.response.Response signIn(String username, String password, String totp) {
        Map<String, Object> body = new HashMap<>();
        body.put("username", username);
        body.put("password", password);
        if (totp != null) {
            body.put("totp", totp);
        }
        return given().contentType(ContentType.JSON).body(body).post("/api/v1/auth/login");
    }

    private static Map<String, Object> newTenant(String name) {
        Map<String, Object> body = new HashMap<>();
        body.put("name", name);
        body.put("type", "MSP");
        body.put("parentId", null);
        return body;
    }

    /** The payload of a JWT; the signature is the service's business, the claims are the contract. */
    private static JsonPath claims(String token) {
        String payload = token.split("\\.")[1];
        return JsonPath.from(new String(Base64.getUrlDecoder().decode(payload), StandardCharsets.UTF_8));
    }

    private static long currentStep() {
        return Math.floorDiv(System.currentTimeMillis() / 1000, Totp.STEP_SECONDS);
    }

    private static String codeFor(String secret, long step) {
        return Totp.code(Totp.decodeBase32(secret), step, "HmacSHA1", Totp.DIGITS);
    }
}
