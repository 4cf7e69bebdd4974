package io.palisade.tenant.exposure;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.notNullValue;

import io.palisade.tenant.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The centralized exposure behind a reverse proxy: the operator API answers only 10.0.0.0/8, and
 * the test client (127.0.0.1) is the trusted proxy, so the client address is what its
 * {@code X-Forwarded-For} says.
 */
@QuarkusTest
@TestProfile(CentralizedAllowListTest.Profile.class)
class CentralizedAllowListTest {

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "palisade.allowed-cidrs", "10.0.0.0/8",
                    "palisade.trusted-proxies", "127.0.0.1/32");
        }
    }

    @Test
    void proxyItselfIsNotAnAllowedClient() {
        expectNetworkNotAllowed(loginFrom(null));
        expectNetworkNotAllowed(given().get("/api/v1/tenants").then());
    }

    @Test
    void clientInAllowedNetworkSignsInThroughTheProxy() {
        loginFrom("10.1.2.3").statusCode(200).body("accessToken", notNullValue());
    }

    @Test
    void clientOutsideAllowedNetworksIsRefusedThroughTheProxy() {
        expectNetworkNotAllowed(loginFrom("203.0.113.7"));
        expectNetworkNotAllowed(given().header("X-Forwarded-For", "203.0.113.7").get("/api/v1/tenants").then());
    }

    @Test
    void bearerTokenDoesNotOpenTheApiToAForeignNetwork() {
        String token = loginFrom("10.1.2.3").statusCode(200).extract().path("accessToken");

        given().header("Authorization", "Bearer " + token).header("X-Forwarded-For", "10.1.2.3")
                .get("/api/v1/tenants").then().statusCode(200);
        expectNetworkNotAllowed(given().header("Authorization", "Bearer " + token)
                .header("X-Forwarded-For", "203.0.113.7").get("/api/v1/tenants").then());
    }

    /**
     * ClientAddress.resolve walks X-Forwarded-For from the right, skipping trusted proxies, and takes
     * the first hop that is not one: the address our own proxy saw. Hops further left were written by
     * the client or by proxies we do not know, so they are never believed.
     */
    @Test
    void rightMostUntrustedHopIsTheClient() {
        // The proxy appended 10.1.2.3 (the peer it saw) after what the client claimed.
        loginFrom("203.0.113.7, 10.1.2.3").statusCode(200);
        // A client that writes an allowed address on the left gains nothing.
        expectNetworkNotAllowed(loginFrom("10.1.2.3, 203.0.113.7"));
        // A trusted proxy hop on the right is skipped.
        loginFrom("10.1.2.3, 127.0.0.1").statusCode(200);
        // A hop that is not an IP literal stops the walk: the last believed address (the peer) is the client.
        expectNetworkNotAllowed(loginFrom("10.1.2.3, not-an-address"));
    }

    @Test
    void publicKeysAndHealthAnswerEveryNetwork() {
        given().get("/api/v1/auth/jwks").then().statusCode(200).body("keys.size()", greaterThan(0));
        given().header("X-Forwarded-For", "203.0.113.7").get("/api/v1/auth/jwks").then().statusCode(200);
        given().get("/q/health/ready").then().statusCode(200);
    }

    static ValidatableResponse loginFrom(String forwardedFor) {
        RequestSpecification request = given().contentType(ContentType.JSON)
                .body(Map.of("username", "admin", "password", Api.ADMIN_PASSWORD));
        if (forwardedFor != null) {
            request.header("X-Forwarded-For", forwardedFor);
        }
        return request.post("/api/v1/auth/login").then();
    }

    static void expectNetworkNotAllowed(ValidatableResponse response) {
        response.statusCode(403)
                .contentType("application/problem+json")
                .body("type", endsWith("/network-not-allowed"))
                .body("status", equalTo(403));
    }
}
