package io.palisade.tenant.exposure;

import static io.palisade.tenant.exposure.CentralizedAllowListTest.expectNetworkNotAllowed;
import static io.palisade.tenant.exposure.CentralizedAllowListTest.loginFrom;
import static io.restassured.RestAssured.given;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The centralized exposure with no trusted proxy: X-Forwarded-For is the client's own claim and is
 * ignored; the client is the direct peer (127.0.0.1), outside the allowed 10.0.0.0/8.
 */
@QuarkusTest
@TestProfile(UntrustedProxyTest.Profile.class)
class UntrustedProxyTest {

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("palisade.allowed-cidrs", "10.0.0.0/8");
        }
    }

    @Test
    void forwardedForFromAnUntrustedPeerIsNotBelieved() {
        expectNetworkNotAllowed(loginFrom("10.1.2.3"));
        expectNetworkNotAllowed(given().header("X-Forwarded-For", "10.1.2.3").get("/api/v1/tenants").then());
        expectNetworkNotAllowed(loginFrom(null));
    }

    @Test
    void publicKeysStillAnswer() {
        given().get("/api/v1/auth/jwks").then().statusCode(200);
    }
}
