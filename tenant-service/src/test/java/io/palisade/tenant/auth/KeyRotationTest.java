package io.palisade.tenant.auth;

import static io.palisade.tenant.support.Api.as;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.hasItems;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.palisade.tenant.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Rotating the signing key keeps tokens signed with the old key valid until they expire. */
@QuarkusTest
class KeyRotationTest {

    @Test
    void oldTokensStayValidAndTheOldKeyStaysPublishedAfterRotation() {
        String before = Api.adminToken();
        String oldKid = kid(before);

        String newKid = as(before).post("/api/v1/auth/keys/rotate").then().statusCode(200).extract().path("activeKeyId");
        assertNotEquals(oldKid, newKid);

        given().get("/api/v1/auth/jwks").then().statusCode(200).body("keys.kid", hasItems(oldKid, newKid));
        as(before).get("/api/v1/tenants?limit=1").then().statusCode(200);
        String after = Api.adminToken();
        assertEquals(newKid, kid(after));
        as(after).get("/api/v1/tenants?limit=1").then().statusCode(200);
    }

    @Test
    void onlyRootOperatorsRotate() {
        String admin = Api.adminToken();
        String msp = Api.tenant(admin, Api.unique("Rotate MSP"), "MSP", null);
        String set = Api.permissionSet(admin, msp, List.of("operators.write", "operators.read"));
        String token = Api.login(Api.operator(admin, msp, List.of(set)), Api.PASSWORD);
        as(token).post("/api/v1/auth/keys/rotate").then().statusCode(403);
    }

    private static String kid(String jwt) {
        String header = new String(Base64.getUrlDecoder().decode(jwt.substring(0, jwt.indexOf('.'))), StandardCharsets.UTF_8);
        return header.replaceAll(".*\"kid\"\\s*:\\s*\"([^\"]+)\".*", "$1");
    }
}
