package io.palisade.group.groups;

import static io.palisade.group.support.Fleet.as;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;

import io.palisade.group.support.Fleet;
import io.palisade.group.support.Fleet.Tenant;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code POST /api/v1/groups/batch}: many groups in one transaction, each checked like a single create. */
@QuarkusTest
class BatchGroupsTest {

    static Map<String, Object> group(String name, Object parentId, String kind) {
        return Map.of("name", name, "parentId", parentId.toString(), "kind", kind);
    }

    @Test
    void aBatchCreatesEveryGroupInOrderUnderItsParent() {
        Tenant msp = Fleet.tenant(Fleet.unique("MSP"), "MSP", null);
        Tenant customer = Fleet.tenant(Fleet.unique("Cust"), "CUSTOMER", msp);
        String admin = Fleet.operatorWithAll(msp);
        String template = as(admin).body(Map.of("name", "Windows", "tenantId", customer.id().toString(), "rule",
                        Map.of("op", "AND", "rules", List.of(Map.of("attribute", "os.platform", "operator", "EQ", "value", "WINDOWS")))))
                .post("/api/v1/dynamic-templates").then().statusCode(201).extract().path("id");
        JsonPath created = as(admin).body(Map.of("groups", List.of(
                        group("Office", customer.groupId(), "STATIC"),
                        group("Lab", msp.groupId(), "STATIC"),
                        Map.of("name", "Windows PCs", "parentId", customer.groupId().toString(), "kind", "DYNAMIC", "templateId", template))))
                .post("/api/v1/groups/batch").then().statusCode(201).extract().jsonPath();
        assertEquals(List.of("Office", "Lab", "Windows PCs"), created.getList("items.name"));
        assertEquals(List.of(customer.groupId().toString(), msp.groupId().toString(), customer.groupId().toString()),
                created.getList("items.parentId"));
        assertEquals(customer.id().toString(), created.getString("items[0].tenantId"));
        as(admin).get("/api/v1/groups/" + created.getString("items[2].id")).then().statusCode(200)
                .body("kind", equalTo("DYNAMIC")).body("templateId", equalTo(template));
    }

    @Test
    void aBatchIsAllOrNothingAndNamesTheEntryAtFault() {
        Tenant msp = Fleet.tenant(Fleet.unique("MSP"), "MSP", null);
        String admin = Fleet.operatorWithAll(msp);
        as(admin).body(Map.of("groups", List.of(group("Same", msp.groupId(), "STATIC"), group("same", msp.groupId(), "STATIC"))))
                .post("/api/v1/groups/batch").then().statusCode(409).body("type", endsWith("/duplicate-name"))
                .body("errors[0].field", equalTo("groups[1].name"));
        as(admin).body(Map.of("groups", List.of(group("Fresh", msp.groupId(), "STATIC"), group("Fresh 2", msp.groupId(), "STATIC"))))
                .post("/api/v1/groups/batch").then().statusCode(201);
        as(admin).body(Map.of("groups", List.of(group("Another", msp.groupId(), "STATIC"), group("fresh", msp.groupId(), "STATIC"))))
                .post("/api/v1/groups/batch").then().statusCode(409).body("errors[0].field", equalTo("groups[1].name"));
        List<String> names = as(admin).get("/api/v1/groups?parentId=" + msp.groupId()).then().statusCode(200).extract().jsonPath()
                .getList("items.name");
        assertEquals(java.util.Set.of("Fresh", "Fresh 2"), new java.util.HashSet<>(names));
        as(admin).body(Map.of("groups", List.of())).post("/api/v1/groups/batch").then().statusCode(400);
    }

    @Test
    void everyParentIsCheckedAgainstTheCallersScope() {
        Tenant mine = Fleet.tenant(Fleet.unique("Mine"), "MSP", null);
        Tenant other = Fleet.tenant(Fleet.unique("Other"), "MSP", null);
        String operator = Fleet.operatorWithAll(mine);
        as(operator).body(Map.of("groups", List.of(group("Ok", mine.groupId(), "STATIC"), group("Sneaky", other.groupId(), "STATIC"))))
                .post("/api/v1/groups/batch").then().statusCode(404);
        as(Fleet.operator(mine, "groups.read")).body(Map.of("groups", List.of(group("Ok", mine.groupId(), "STATIC"))))
                .post("/api/v1/groups/batch").then().statusCode(403);
        assertTrue(as(operator).get("/api/v1/groups?parentId=" + mine.groupId()).then().statusCode(200).extract().jsonPath()
                .getList("items").isEmpty());
    }
}
