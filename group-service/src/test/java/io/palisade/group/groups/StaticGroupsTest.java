package io.palisade.group.groups;

import static io.palisade.group.support.Fleet.as;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;

import io.palisade.group.support.Fleet;
import io.palisade.group.support.Fleet.Tenant;
import io.quarkus.test.junit.QuarkusTest;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Custom static groups: unique sibling names, moves within the rules, deletion only when empty. */
@QuarkusTest
class StaticGroupsTest {

    @Test
    void customGroupsAreCreatedRenamedMovedAndDeletedByTheRules() {
        Tenant msp = Fleet.tenant(Fleet.unique("MSP"), "MSP", null);
        Tenant customer = Fleet.tenant(Fleet.unique("Cust"), "CUSTOMER", msp);
        String admin = Fleet.operatorWithAll(msp);
        String office = create(admin, customer.groupId().toString(), "Office");
        String floor = create(admin, office, "Floor 1");
        as(admin).body(Map.of("name", "office", "parentId", customer.groupId().toString(), "kind", "STATIC"))
                .post("/api/v1/groups").then().statusCode(409).body("type", endsWith("/duplicate-name"));
        as(admin).body(Map.of("name", customer.name(), "parentId", msp.groupId().toString(), "kind", "STATIC"))
                .post("/api/v1/groups").then().statusCode(409);

        as(admin).body(Map.of("name", "Head office")).patch("/api/v1/groups/" + office).then().statusCode(200)
                .body("name", equalTo("Head office"));
        as(admin).body(Map.of("parentId", floor)).post("/api/v1/groups/" + office + "/move").then().statusCode(409);
        as(admin).body(Map.of("parentId", customer.groupId().toString())).post("/api/v1/groups/" + floor + "/move").then()
                .statusCode(200).body("parentId", equalTo(customer.groupId().toString()));

        UUID device = Fleet.device(customer, UUID.fromString(floor), "pc-1");
        as(admin).delete("/api/v1/groups/" + floor).then().statusCode(409).body("type", endsWith("/not-empty"));
        String sub = create(admin, office, "Sub");
        as(admin).delete("/api/v1/groups/" + office).then().statusCode(409);
        as(admin).delete("/api/v1/groups/" + sub).then().statusCode(204);
        as(admin).delete("/api/v1/groups/" + office).then().statusCode(204);
        as(admin).get("/api/v1/groups/" + office).then().statusCode(404);
        as(admin).get("/api/v1/devices/" + device).then().statusCode(200);
    }

    @Test
    void aGroupWithDevicesStaysWithItsCustomerButAnEmptyOneMayMove() {
        Tenant msp = Fleet.tenant(Fleet.unique("MSP"), "MSP", null);
        Tenant a = Fleet.tenant(Fleet.unique("A"), "CUSTOMER", msp);
        Tenant b = Fleet.tenant(Fleet.unique("B"), "CUSTOMER", msp);
        String admin = Fleet.operatorWithAll(msp);
        String full = create(admin, a.groupId().toString(), "Full");
        String empty = create(admin, a.groupId().toString(), "Empty");
        Fleet.device(a, UUID.fromString(full), "pc-1");
        as(admin).body(Map.of("parentId", b.groupId().toString())).post("/api/v1/groups/" + full + "/move").then().statusCode(409);
        as(admin).body(Map.of("parentId", b.groupId().toString())).post("/api/v1/groups/" + empty + "/move").then().statusCode(200)
                .body("tenantId", equalTo(b.id().toString()));
        // an operator of customer A no longer sees the group that moved to B
        as(Fleet.operatorWithAll(a)).get("/api/v1/groups/" + empty).then().statusCode(404);
    }

    @Test
    void aGroupWhoseDevicesAllBelongToOneCustomerMayMoveUnderThatCustomer() {
        // a legacy group of the MSP (a migrated 7.0 group) holding only customer A's devices, and a dynamic subgroup
        Tenant msp = Fleet.tenant(Fleet.unique("MSP"), "MSP", null);
        Tenant a = Fleet.tenant(Fleet.unique("A"), "CUSTOMER", msp);
        Tenant b = Fleet.tenant(Fleet.unique("B"), "CUSTOMER", msp);
        String admin = Fleet.operatorWithAll(msp);
        String legacy = create(admin, msp.groupId().toString(), "Legacy PCs");
        String template = as(admin).body(Map.of("name", Fleet.unique("Windows"), "tenantId", msp.id().toString(), "rule",
                        Map.of("op", "AND", "rules", java.util.List.of(Map.of("attribute", "os.platform", "operator", "EQ", "value", "WINDOWS")))))
                .post("/api/v1/dynamic-templates").then().statusCode(201).extract().path("id");
        String windows = as(admin).body(Map.of("name", "Windows", "parentId", legacy, "kind", "DYNAMIC", "templateId", template))
                .post("/api/v1/groups").then().statusCode(201).extract().path("id");
        UUID device = Fleet.device(a, null, "pc-1");
        as(admin).body(Map.of("groupId", legacy)).post("/api/v1/devices/" + device + "/move").then().statusCode(409);
        // (a device stays within its customer's groups; a migration places it there when it imports the record)
        as(admin).body(Map.of("parentId", b.groupId().toString())).post("/api/v1/groups/" + legacy + "/move").then().statusCode(200)
                .body("tenantId", equalTo(b.id().toString()));
        as(admin).body(Map.of("parentId", a.groupId().toString())).post("/api/v1/groups/" + legacy + "/move").then().statusCode(200)
                .body("tenantId", equalTo(a.id().toString()));
        as(admin).body(Map.of("groupId", legacy)).post("/api/v1/devices/" + device + "/move").then().statusCode(200);
        // now holding A's device, it cannot go to B; A's operator sees it and its dynamic subgroup
        as(admin).body(Map.of("parentId", b.groupId().toString())).post("/api/v1/groups/" + legacy + "/move").then().statusCode(409);
        as(Fleet.operatorWithAll(a)).get("/api/v1/groups/" + windows).then().statusCode(200).body("tenantId", equalTo(a.id().toString()));
    }

    static String create(String token, String parentId, String name) {
        return as(token).body(Map.of("name", name, "parentId", parentId, "kind", "STATIC")).post("/api/v1/groups").then()
                .statusCode(201).extract().path("id");
    }
}
