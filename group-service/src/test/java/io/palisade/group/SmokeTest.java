package io.palisade.group;

import static io.palisade.group.support.Fleet.as;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

import io.palisade.group.common.SystemGroups;
import io.palisade.group.support.Fleet;
import io.palisade.kit.testing.PalisadeTestResources;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** The service boots on the harness (attached here once for every test class) and has its root groups. */
@QuarkusTest
@QuarkusTestResource(PalisadeTestResources.class)
class SmokeTest {

    @Test
    void allAndLostAndFoundExistForRootOperators() {
        as(Fleet.root()).get("/api/v1/groups?parentId=" + SystemGroups.ALL).then().statusCode(200)
                .body("items.id", hasItems(SystemGroups.LOST_AND_FOUND.toString()));
        as(Fleet.root()).get("/api/v1/groups/" + SystemGroups.ALL).then().statusCode(200)
                .body("name", equalTo("All")).body("managed", equalTo(true));
    }

    @Test
    void healthMetricsAndOpenApiAreServed() {
        given().get("/q/health/ready").then().statusCode(200);
        given().get("/q/metrics").then().statusCode(200).body(containsString("palisade_outbox"));
        given().get("/q/openapi").then().statusCode(200).body(containsString("/api/v1/dynamic-templates"));
    }
}
