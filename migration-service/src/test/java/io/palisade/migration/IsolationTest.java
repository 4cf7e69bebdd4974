package io.palisade.migration;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

import io.palisade.migration.support.Exports;
import io.palisade.migration.support.World;
import io.quarkus.test.junit.QuarkusTest;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** An operator of one MSP can neither import into another MSP nor see or apply its migrations. */
@QuarkusTest
class IsolationTest {

    static String export() {
        return Exports.esmc("7.0.577.0").company("c1", "Isolated customer", "CUSTOMER", null)
                .staticGroup("g1", "All", null, null).staticGroup("g2", "Office", "g1", null).json();
    }

    @Test
    void anOperatorOfOneMspCannotImportIntoOrReadTheMigrationsOfAnother() {
        String admin = World.admin();
        String distributor = World.tenant(admin, World.unique("Isolation Distribution"), "DISTRIBUTOR", null);
        String mspA = World.tenant(admin, World.unique("MSP A"), "MSP", distributor);
        String mspB = World.tenant(admin, World.unique("MSP B"), "MSP", distributor);
        String a = World.operator(admin, mspA, World.MIGRATOR);
        String b = World.operator(admin, mspB, World.MIGRATOR);
        String top = World.operator(admin, distributor, World.MIGRATOR);

        String intoB = given().contentType("application/json").header("Authorization", "Bearer " + a).body(export())
                .queryParam("targetTenantId", mspB).post("/api/v1/migrations").then().statusCode(404).extract().asString();
        String intoNowhere = given().contentType("application/json").header("Authorization", "Bearer " + a).body(export())
                .queryParam("targetTenantId", UUID.randomUUID().toString()).post("/api/v1/migrations").then().statusCode(404)
                .extract().asString();
        assertThat(intoB).isEqualTo(intoNowhere);

        String ofB = given().contentType("application/json").header("Authorization", "Bearer " + b).body(export())
                .post("/api/v1/migrations").then().statusCode(201).extract().path("id");
        String seen = given().header("Authorization", "Bearer " + a).get("/api/v1/migrations/" + ofB).then().statusCode(404)
                .extract().asString();
        String missing = given().header("Authorization", "Bearer " + a).get("/api/v1/migrations/" + UUID.randomUUID()).then()
                .statusCode(404).extract().asString();
        assertThat(seen).isEqualTo(missing);
        given().header("Authorization", "Bearer " + a).post("/api/v1/migrations/" + ofB + "/apply").then().statusCode(404);
        given().header("Authorization", "Bearer " + a).get("/api/v1/migrations?limit=500").then().statusCode(200)
                .body("items.id", not(hasItem(ofB)));
        given().header("Authorization", "Bearer " + b).get("/api/v1/migrations?limit=500").then().statusCode(200)
                .body("items.id", hasItem(ofB));
        given().header("Authorization", "Bearer " + top).get("/api/v1/migrations?limit=500").then().statusCode(200)
                .body("items.id", hasItem(ofB));
    }
}
