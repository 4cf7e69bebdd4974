package io.palisade.tenant;

import static io.palisade.tenant.support.Api.as;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;

import io.palisade.kit.testing.PalisadeTestResources;
import io.palisade.tenant.support.Api;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/**
 * The service as a whole: it boots on the real PostgreSQL and Kafka of the harness (attached here
 * once for every test class of the module), builds a tree, and serves its operational endpoints.
 */
@QuarkusTest
@QuarkusTestResource(PalisadeTestResources.class)
class SmokeTest {

    @Test
    void adminBuildsATree() {
        String token = Api.adminToken();
        String distributor = Api.tenant(token, Api.unique("Dist"), "DISTRIBUTOR", null);
        String msp = Api.tenant(token, Api.unique("MSP"), "MSP", distributor);
        String customer = Api.tenant(token, Api.unique("Cust"), "CUSTOMER", msp);
        as(token).get("/api/v1/tenants/" + customer).then().statusCode(200)
                .header("ETag", equalTo("\"0\""))
                .body("parentId", equalTo(msp))
                .body("path", equalTo("/" + distributor + "/" + msp + "/" + customer + "/"))
                .body("version", notNullValue());
    }

    @Test
    void healthMetricsAndOpenApiAreServed() {
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/metrics").then().statusCode(200).body(containsString("palisade_outbox_published"));
        given().get("/q/openapi").then().statusCode(200).body(containsString("/api/v1/tenants"));
    }

    @Test
    void anOperatorRequestThatNeverCheckedItsScopeIsRefusedByTheBackstop() {
        as(Api.adminToken()).get("/api/v1/test-only/forgot-the-scope-check").then().statusCode(403)
                .contentType("application/problem+json")
                .body("type", endsWith("/authorization-not-checked"))
                .body(not(containsString("everyone's data")));
    }

    @Test
    void jwksPublishesTheSigningKey() {
        given().get("/api/v1/auth/jwks").then().statusCode(200)
                .body("keys[0].kty", equalTo("RSA"))
                .body("keys[0].alg", equalTo("RS256"))
                .body("keys[0].kid", notNullValue())
                .body("keys[0]", not(org.hamcrest.Matchers.hasKey("d")));
    }
}
