package io.palisade.migration;

import static io.palisade.migration.support.Exports.all;
import static io.palisade.migration.support.Exports.condition;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;

import io.palisade.migration.support.Exports;
import io.palisade.migration.support.MigrationTestResources;
import io.palisade.migration.support.World;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Upload, validation and the plan, against the real tenant-service (which the plan reads the target from). */
@QuarkusTest
@QuarkusTestResource(MigrationTestResources.class)
class PlanningTest {

    static String admin;
    static String distributor;
    static String operator;

    @BeforeAll
    static void world() {
        admin = World.admin();
        distributor = World.tenant(admin, World.unique("Planning Distribution"), "DISTRIBUTOR", null);
        operator = World.operator(admin, distributor, World.MIGRATOR);
    }

    static Response upload(String token, String body, String targetTenantId) {
        var spec = given().contentType(ContentType.JSON).header("Authorization", "Bearer " + token).body(body);
        if (targetTenantId != null) {
            spec.queryParam("targetTenantId", targetTenantId);
        }
        return spec.post("/api/v1/migrations");
    }

    static Exports esmc70() {
        return Exports.esmc("7.0.577.0")
                .company("c1", "Northwind", "MSP", null)
                .company("c2", "Fabrikam", "CUSTOMER", "c1")
                .company("c3", "Contoso", "CUSTOMER", "c1")
                .staticGroup("g1", "All", null, null)
                .staticGroup("g2", "Servers", "g1", null)
                .staticGroup("g3", "Fabrikam PCs", "g1", null)
                .staticGroup("g4", "Laptops", "g3", null)
                .dynamicGroup("d1", "Windows", "g1", all(condition("os.platform", "EQ", "WINDOWS")))
                .dynamicGroup("d2", "Old Windows", "d1", all(condition("os.version", "STARTS_WITH", "6.")))
                .device("u1", "pc-01", "g3", "c2")
                .device("u2", "pc-02", "g3", "c2")
                .device("u3", "srv-01", "g2", "c3")
                .device("u4", "srv-02", "g2", null);
    }

    @Test
    void a70ExportIsPlannedWithTheTreeTheUnchangedGroupsAndRecommendedMoves() {
        Response r = upload(operator, esmc70().json(), null);
        r.then().statusCode(201)
                .body("status", equalTo("PLANNED"))
                .body("sourceVersion", equalTo("7.0.577.0"))
                .body("rules", equalTo("V7_0"))
                .body("plan.tenants", equalTo(3))
                .body("plan.staticGroups", equalTo(3))
                .body("plan.mappedGroups", equalTo(1))
                .body("plan.dynamicGroups", equalTo(2))
                .body("plan.devices", equalTo(4))
                .body("plan.recommendedMoves", equalTo(2))
                .body("progress.tenants.done", equalTo(0))
                .body("progress.tenants.total", equalTo(3))
                .header("Location", endsWith("/api/v1/migrations/" + r.path("id")));
        String id = r.path("id");
        given().header("Authorization", "Bearer " + operator).get("/api/v1/migrations/" + id).then().statusCode(200)
                .body("status", equalTo("PLANNED")).body("plan.recommendedMoves", equalTo(2));
        given().header("Authorization", "Bearer " + operator).get("/api/v1/migrations").then().statusCode(200)
                .body("items.id", hasItem(id));
    }

    @Test
    void a72ExportKeepsItsStructureAndMapsCompanyGroups() {
        String msp = World.tenant(admin, World.unique("Planning MSP"), "MSP", distributor);
        String json = Exports.esmc("7.2.1266.0")
                .company("c1", "Acme", "CUSTOMER", null)
                .company("c2", "Globex", "CUSTOMER", null)
                .staticGroup("g1", "All", null, null)
                .staticGroup("g2", "Acme", "g1", "c1")
                .staticGroup("g3", "Workstations", "g2", null)
                .staticGroup("g4", "Globex Servers", "g1", "c2")
                .staticGroup("g5", "Lab", "g1", null)
                .dynamicGroup("d1", "Linux", "g3", all(condition("os.platform", "EQ", "LINUX")))
                .device("u1", "ws-1", "g3", "c1")
                .json();
        upload(operator, json, msp).then().statusCode(201)
                .body("rules", equalTo("V7_1_2"))
                .body("plan.tenants", equalTo(2))
                .body("plan.mappedGroups", equalTo(2))
                .body("plan.staticGroups", equalTo(3))
                .body("plan.dynamicGroups", equalTo(1))
                .body("plan.recommendedMoves", equalTo(0));
    }

    @Test
    void everyStructuralProblemIsReportedAtOnceNamingTheLegacyIds() {
        String json = Exports.esmc("7.1.717.0")
                .company("c1", "North", "MSP", null)
                .company("c2", "Orphan", "CUSTOMER", "c9")
                .company("c3", "Twin", "CUSTOMER", "c1")
                .company("c3", "Twin again", "CUSTOMER", "c1")
                .company("c4", "Nested MSP", "MSP", "c1")
                .company("c5", "Loop A", "CUSTOMER", "c6")
                .company("c6", "Loop B", "CUSTOMER", "c5")
                .staticGroup("g1", "All", null, null)
                .staticGroup("g2", "Dangling", "g77", null)
                .staticGroup("g3", "Cycle A", "g4", null)
                .staticGroup("g4", "Cycle B", "g3", null)
                .staticGroup("g5", "Twice", "g1", null)
                .staticGroup("g5", "Twice again", "g1", null)
                .dynamicGroup("d1", "Bad rule", "g1", all(condition("tags", "LT", "x")))
                .device("u1", "no-group", null, null)
                .device("u2", "unknown-group", "g99", null)
                .device("u3", "two-groups", "g1", null)
                .device("u3", "two-groups", "g5", null)
                .json();
        Response r = upload(operator, json, null);
        r.then().statusCode(400).contentType("application/problem+json").body("type", endsWith("/invalid-export"));
        Map<String, String> errors = errors(r);
        assertThat(errors).containsKeys(
                "emaAccount.companies[id=c2].parentId",
                "emaAccount.companies[id=c3]",
                "emaAccount.companies[id=c4].type",
                "staticGroups[id=g2].parentId",
                "staticGroups[id=g5]",
                "dynamicGroups[id=d1].rule.rules[0].operator",
                "devices[id=u1].staticGroupId",
                "devices[id=u2].staticGroupId",
                "devices[id=u3]");
        assertThat(errors.get("emaAccount.companies[id=c2].parentId")).contains("c9");
        assertThat(errors.get("staticGroups[id=g2].parentId")).contains("g77");
        assertThat(errors.get("devices[id=u2].staticGroupId")).contains("g99");
        assertThat(errors.get("emaAccount.companies[id=c4].type")).contains("MSP").contains("c1");
        assertThat(errors.entrySet()).anyMatch(e -> e.getKey().startsWith("emaAccount.companies[id=c")
                && e.getValue().contains("cycle") && e.getValue().contains("c5") && e.getValue().contains("c6"));
        assertThat(errors.entrySet()).anyMatch(e -> e.getKey().startsWith("staticGroups[id=g")
                && e.getValue().contains("cycle") && e.getValue().contains("g3") && e.getValue().contains("g4"));
        // Nothing of a refused export is kept.
        given().header("Authorization", "Bearer " + operator).get("/api/v1/migrations?limit=500").then().statusCode(200)
                .body("items.findAll { it.sourceVersion == '7.1.717.0' }.size()", equalTo(0));
    }

    @Test
    void wrongFormatProductAndVersionAreNamedTogether() {
        String json = Exports.esmc("6.5.522.0").set("format", "era-dump").set("formatVersion", 2).server("ERA", "6.5.522.0").json();
        Map<String, String> errors = errors(upload(operator, json, null).then().statusCode(400).extract().response());
        assertThat(errors.get("format")).contains("era-dump");
        assertThat(errors.get("formatVersion")).contains("1");
        assertThat(errors.get("server.product")).contains("ERA");
        assertThat(errors.get("server.version")).contains("6.5.522.0").contains("7.0, 7.1 and 7.2");
    }

    @Test
    void versionsOutsideSevenZeroToSevenTwoAreRefusedByName() {
        for (String version : List.of("7.3.100.0", "8.0.1", "6.5", "seven")) {
            String json = Exports.esmc(version).staticGroup("g1", "All", null, null).json();
            Map<String, String> errors = errors(upload(operator, json, null).then().statusCode(400).extract().response());
            assertThat(errors.get("server.version")).as(version).contains(version);
        }
    }

    @Test
    void withoutAnImportedAccountTheInstallationNeedsACustomerAsTarget() {
        String json = Exports.withoutAccount("7.0.577.0").staticGroup("g1", "All", null, null)
                .staticGroup("g2", "Office", "g1", null).device("u1", "pc", "g2", null).json();
        Map<String, String> errors = errors(upload(operator, json, null).then().statusCode(400).extract().response());
        assertThat(errors.get("emaAccount.imported")).contains("targetTenantId");

        String msp = World.tenant(admin, World.unique("No-account MSP"), "MSP", distributor);
        errors = errors(upload(operator, json, msp).then().statusCode(400).extract().response());
        assertThat(errors.get("targetTenantId")).contains("not a customer");

        String customer = World.tenant(admin, World.unique("Whole installation"), "CUSTOMER", msp);
        upload(operator, json, customer).then().statusCode(201).body("plan.tenants", equalTo(0))
                .body("plan.staticGroups", equalTo(1)).body("plan.mappedGroups", equalTo(1));
    }

    @Test
    void companiesThatBreakTheHierarchyUnderTheTargetAreRefused() {
        String msp = World.tenant(admin, World.unique("Hierarchy MSP"), "MSP", distributor);
        String json = Exports.esmc("7.0.1").company("c1", "A distributor", "DISTRIBUTOR", null)
                .company("c2", "A customer", "CUSTOMER", "c1").company("c3", "Typo", "RESELLER", null)
                .staticGroup("g1", "All", null, null).json();
        Map<String, String> errors = errors(upload(operator, json, msp).then().statusCode(400).extract().response());
        assertThat(errors.get("emaAccount.companies[id=c1].type")).contains("DISTRIBUTOR");
        assertThat(errors.get("emaAccount.companies[id=c2].type")).contains("CUSTOMER").contains("c1");
        assertThat(errors.get("emaAccount.companies[id=c3].type")).contains("RESELLER");
    }

    @Test
    void badInputIsA4xxNeverA5xx() {
        for (String body : List.of("", "not json", "[1,2]", "{\"format\": ", "{}{}", "{\"staticGroups\": 5}",
                "{\"devices\": [1, \"x\", {\"id\": {\"nested\": true}}]}", "{\"emaAccount\": {\"companies\": [{\"id\": []}]}}",
                "{\"server\": \"ESMC\"}", "null", "\"string\"")) {
            int status = upload(operator, body, null).then().extract().statusCode();
            assertThat(status).as(body).isBetween(400, 499);
        }
        upload(operator, "{}", "not-a-uuid").then().statusCode(400);
        given().header("Authorization", "Bearer " + operator).get("/api/v1/migrations/not-a-uuid").then().statusCode(400);
    }

    @Test
    void anOversizedDeclaredBodyIs413OnlyPastTheExportLimit() {
        given().contentType(ContentType.JSON).header("Authorization", "Bearer " + operator)
                .body("{\"moves\":\"ALL\"," + "\"pad\":\"" + "x".repeat(70_000) + "\"}")
                .post("/api/v1/migrations/" + java.util.UUID.randomUUID() + "/apply").then().statusCode(413);
    }

    @Test
    void withoutTheMigrationPermissionItIs403() {
        String token = World.operator(admin, distributor, List.of("tenants.read"));
        upload(token, esmc70().json(), null).then().statusCode(403);
        given().header("Authorization", "Bearer " + token).get("/api/v1/migrations").then().statusCode(403);
        given().body("{}").contentType(ContentType.JSON).post("/api/v1/migrations").then().statusCode(401)
                .body("status", notNullValue());
    }

    static Map<String, String> errors(Response r) {
        List<Map<String, String>> list = r.jsonPath().getList("errors");
        assertThat(list).as(r.asString()).isNotNull();
        return list.stream().collect(Collectors.toMap(e -> e.get("field"), e -> e.get("message"), (a, b) -> a + " | " + b));
    }
}
