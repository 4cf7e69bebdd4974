package io.palisade.group;

import static io.palisade.group.support.Fleet.as;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.containsString;

import io.palisade.group.support.Fleet;
import io.palisade.group.support.Fleet.Tenant;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Bad input gets a 400 problem that names the problem, never a 5xx or internals. */
@QuarkusTest
class BadInputTest {

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"name\":\"x\",\"rule\":",
            "[]",
            "{\"name\":\"x\",\"rule\":\"AND\"}",
            "{\"name\":\"x\",\"rule\":42}",
            "{\"name\":\"x\",\"rule\":[]}",
            "{\"name\":\"x\",\"rule\":{}}",
            "{\"name\":\"x\",\"rule\":{\"op\":\"XOR\",\"rules\":[]}}",
            "{\"name\":\"x\",\"rule\":{\"op\":\"AND\",\"rules\":\"all\"}}",
            "{\"name\":\"x\",\"rule\":{\"op\":\"AND\",\"rules\":[{\"attribute\":\"hardware.ramMb\",\"operator\":\"GT\",\"value\":\"lots\"}]}}",
            "{\"name\":\"x\",\"rule\":{\"op\":\"AND\",\"rules\":[{\"attribute\":\"network.ipv4\",\"operator\":\"IN\",\"value\":[\"10.0.0.0/33\"]}]}}",
            "{\"name\":\"x\",\"rule\":{\"op\":\"AND\",\"rules\":[{\"attribute\":\"hostname\",\"operator\":\"REGEX\",\"value\":\"(?=x)\"}]}}",
            "{\"name\":\"x\",\"rule\":{\"op\":\"AND\",\"rules\":[null]}}",
            "{\"rule\":{\"op\":\"AND\",\"rules\":[]}}"})
    void badTemplatesAreRefusedWithA400Problem(String body) {
        Tenant msp = msp();
        Response response = as(Fleet.operatorWithAll(msp)).body(body.replace("\"name\":\"x\"",
                "\"name\":\"x\",\"tenantId\":\"" + msp.id() + "\"")).post("/api/v1/dynamic-templates");
        assertProblem(response, 400);
    }

    @Test
    void aRuleNestedDeeperThan32IsRefusedNamingItsPath() {
        Tenant msp = msp();
        String rule = "{\"op\":\"AND\",\"rules\":[]}";
        for (int i = 0; i < 40; i++) {
            rule = "{\"op\":\"AND\",\"rules\":[" + rule + "]}";
        }
        Response response = as(Fleet.operatorWithAll(msp))
                .body("{\"name\":\"deep\",\"tenantId\":\"" + msp.id() + "\",\"rule\":" + rule + "}").post("/api/v1/dynamic-templates");
        assertProblem(response, 400);
        response.then().body("errors[0].field", containsString("rule.rules[0]"));
    }

    @Test
    void badGroupsDevicesAndTasksAreRefused() {
        Tenant msp = msp();
        String token = Fleet.operatorWithAll(msp);
        assertProblem(as(token).body(Map.of("name", "x", "parentId", "nope", "kind", "STATIC")).post("/api/v1/groups"), 400);
        assertProblem(as(token).body(Map.of("name", "x", "parentId", msp.groupId().toString(), "kind", "SOMETIMES")).post("/api/v1/groups"), 400);
        assertProblem(as(token).body(Map.of("name", "x".repeat(10_000), "parentId", msp.groupId().toString(), "kind", "STATIC"))
                .post("/api/v1/groups"), 400);
        assertProblem(as(token).body(Map.of("name", "dyn", "parentId", msp.groupId().toString(), "kind", "DYNAMIC")).post("/api/v1/groups"), 400);
        assertProblem(as(token).get("/api/v1/groups/not-a-uuid"), 400);
        assertProblem(as(token).get("/api/v1/devices?limit=0"), 400);
        assertProblem(as(token).get("/api/v1/devices?cursor=%25%25%25"), 400);
        assertProblem(as(token).body("{\"type\":\"RUN_SCAN\",\"groupId\":").post("/api/v1/tasks"), 400);
        assertProblem(as(token).body(Map.of("type", "SET_TAGS", "groupId", msp.groupId().toString(), "parameters", Map.of("tags", "x")))
                .post("/api/v1/tasks"), 400);
        assertProblem(as(token).body("x".repeat(1_100_000)).post("/api/v1/groups"), 413);
    }

    private static Tenant msp() {
        return Fleet.tenant(Fleet.unique("Bad input MSP"), "MSP", null);
    }

    private static void assertProblem(Response response, int status) {
        response.then().statusCode(status).statusCode(lessThan(500))
                .contentType("application/problem+json")
                .body("status", equalTo(status))
                .body(not(containsString("Exception")), not(containsString("java.")), not(containsString("io.vertx")),
                        not(containsString("SQL")));
    }
}
