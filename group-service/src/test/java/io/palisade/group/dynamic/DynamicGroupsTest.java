package io.palisade.group.dynamic;

import static io.palisade.group.support.Fleet.WAIT;
import static io.palisade.group.support.Fleet.as;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.palisade.events.GroupEvents;
import io.palisade.events.Topics;
import io.palisade.group.support.Fleet;
import io.palisade.group.support.Fleet.Tenant;
import io.palisade.kit.testing.TopicProbe;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Dynamic groups fill from inventory, follow inventory changes device by device, and are recomputed when a template changes. */
@QuarkusTest
class DynamicGroupsTest {

    static final String WINDOWS_WITHOUT_SECURITY = """
            {"op":"AND","rules":[
              {"attribute":"os.platform","operator":"EQ","value":"WINDOWS"},
              {"op":"NOR","rules":[{"attribute":"products.name","operator":"CONTAINS","value":"security"}]}]}""";

    @Test
    void aDynamicGroupFillsAndFollowsInventoryChanges() {
        Tenant msp = Fleet.tenant(Fleet.unique("MSP"), "MSP", null);
        Tenant customer = Fleet.tenant(Fleet.unique("Cust"), "CUSTOMER", msp);
        String admin = Fleet.operatorWithAll(msp);
        UUID unprotected = Fleet.device(customer, null, "pc-1");
        UUID protectedPc = Fleet.device(customer, null, "pc-2");
        UUID server = Fleet.device(customer, null, "srv-1");
        Fleet.inventory(customer, unprotected, Fleet.windows("pc-1", false));
        Fleet.inventory(customer, protectedPc, Fleet.windows("pc-2", true));
        Fleet.inventory(customer, server, Fleet.linux("srv-1"));
        await().atMost(WAIT).untilAsserted(() -> as(admin).get("/api/v1/devices/" + server).then().body("inventory.os.platform", org.hamcrest.Matchers.equalTo("LINUX")));

        String template = as(admin).body(Map.of("name", "Windows without security", "tenantId", msp.id().toString(),
                        "rule", parse(WINDOWS_WITHOUT_SECURITY)))
                .post("/api/v1/dynamic-templates").then().statusCode(201).extract().path("id");
        String group = as(admin).body(Map.of("name", Fleet.unique("Unprotected"), "parentId", msp.groupId().toString(),
                        "kind", "DYNAMIC", "templateId", template))
                .post("/api/v1/groups").then().statusCode(201).extract().path("id");

        as(admin).get("/api/v1/groups/" + group + "/devices").then().statusCode(200)
                .body("items.id", containsInAnyOrder(unprotected.toString()));

        try (TopicProbe probe = new TopicProbe(Topics.GROUPS)) {
            // the product gets installed: the device leaves; it gets uninstalled elsewhere: that one joins
            Fleet.inventory(customer, unprotected, Fleet.windows("pc-1", true));
            Fleet.inventory(customer, protectedPc, Fleet.windows("pc-2", false));
            probe.await(r -> r.key().equals(unprotected.toString()) && change(r).equals(GroupEvents.LEFT)
                    && group.equals(r.event().data().path("groupId").asText()), WAIT);
            probe.await(r -> r.key().equals(protectedPc.toString()) && change(r).equals(GroupEvents.JOINED)
                    && group.equals(r.event().data().path("groupId").asText()), WAIT);
        }
        as(admin).get("/api/v1/groups/" + group + "/devices").then().body("items.id", containsInAnyOrder(protectedPc.toString()));
        as(admin).get("/api/v1/devices/" + protectedPc).then().body("dynamicGroupIds", hasItem(group));
    }

    @Test
    void changingTheTemplateRecomputesMembersIncludingOfflineDevices() {
        Tenant msp = Fleet.tenant(Fleet.unique("MSP"), "MSP", null);
        Tenant customer = Fleet.tenant(Fleet.unique("Cust"), "CUSTOMER", msp);
        String admin = Fleet.operatorWithAll(msp);
        UUID pc = Fleet.device(customer, null, "pc-1");
        UUID srv = Fleet.device(customer, null, "srv-1");
        Fleet.inventory(customer, pc, Fleet.windows("pc-1", false));
        Fleet.inventory(customer, srv, Fleet.linux("srv-1"));
        await().atMost(WAIT).untilAsserted(() -> as(admin).get("/api/v1/devices/" + srv).then().body("inventory.hostname", org.hamcrest.Matchers.equalTo("srv-1")));

        String template = as(admin).body(Map.of("name", "Linux", "tenantId", customer.id().toString(),
                        "rule", parse("{\"op\":\"AND\",\"rules\":[{\"attribute\":\"os.platform\",\"operator\":\"EQ\",\"value\":\"LINUX\"}]}")))
                .post("/api/v1/dynamic-templates").then().statusCode(201).extract().path("id");
        String group = as(admin).body(Map.of("name", Fleet.unique("Servers"), "parentId", customer.groupId().toString(),
                        "kind", "DYNAMIC", "templateId", template))
                .post("/api/v1/groups").then().statusCode(201).extract().path("id");
        as(admin).get("/api/v1/groups/" + group + "/devices").then().body("items.id", containsInAnyOrder(srv.toString()));

        // no device reports anything new (all offline); the template alone changes the members
        as(admin).body(Map.of("name", "Much RAM", "tenantId", customer.id().toString(),
                        "rule", parse("{\"op\":\"AND\",\"rules\":[{\"attribute\":\"hardware.ramMb\",\"operator\":\"GE\",\"value\":8192}]}")))
                .put("/api/v1/dynamic-templates/" + template).then().statusCode(200);
        as(admin).get("/api/v1/groups/" + group + "/devices").then().body("items.id", containsInAnyOrder(pc.toString()));
    }

    @Test
    void aDynamicGroupUnderADynamicGroupKeepsWithinItsParentsMembers() {
        Tenant msp = Fleet.tenant(Fleet.unique("MSP"), "MSP", null);
        Tenant customer = Fleet.tenant(Fleet.unique("Cust"), "CUSTOMER", msp);
        String admin = Fleet.operatorWithAll(msp);
        UUID pc = Fleet.device(customer, null, "pc-1");
        UUID srv = Fleet.device(customer, null, "srv-1");
        Fleet.inventory(customer, pc, Fleet.windows("pc-1", false));
        Fleet.inventory(customer, srv, Fleet.linux("srv-1"));
        await().atMost(WAIT).untilAsserted(() -> as(admin).get("/api/v1/devices/" + srv).then().body("inventory.hostname", org.hamcrest.Matchers.equalTo("srv-1")));
        String windows = template(admin, msp, "{\"op\":\"AND\",\"rules\":[{\"attribute\":\"os.platform\",\"operator\":\"EQ\",\"value\":\"WINDOWS\"}]}");
        String officeTag = template(admin, msp, "{\"op\":\"OR\",\"rules\":[{\"attribute\":\"tags\",\"operator\":\"EQ\",\"value\":\"OFFICE\"},{\"attribute\":\"tags\",\"operator\":\"EQ\",\"value\":\"server\"}]}");
        String outer = dynamicGroup(admin, msp.groupId().toString(), windows);
        String inner = dynamicGroup(admin, outer, officeTag);
        as(admin).get("/api/v1/groups/" + inner + "/devices").then().body("items.id", containsInAnyOrder(pc.toString()));
    }

    @Test
    void invalidRulesAnswer400NamingThePath() {
        Tenant msp = Fleet.tenant(Fleet.unique("MSP"), "MSP", null);
        String admin = Fleet.operatorWithAll(msp);
        List<String> fields = as(admin).body(Map.of("name", "Bad", "tenantId", msp.id().toString(), "rule",
                        parse("{\"op\":\"AND\",\"rules\":[{\"attribute\":\"os.kernel\",\"operator\":\"EQ\",\"value\":\"x\"},"
                                + "{\"op\":\"OR\",\"rules\":[{\"attribute\":\"tags\",\"operator\":\"LT\",\"value\":\"x\"}]}]}")))
                .post("/api/v1/dynamic-templates").then().statusCode(400).body("type", endsWith("/invalid-rule"))
                .extract().path("errors.field");
        assertEquals(true, fields.stream().anyMatch(f -> f.startsWith("rule.rules[0]")), fields.toString());
        assertEquals(true, fields.stream().anyMatch(f -> f.startsWith("rule.rules[1].rules[0]")), fields.toString());
    }

    static String template(String token, Tenant owner, String rule) {
        return as(token).body(Map.of("name", Fleet.unique("T"), "tenantId", owner.id().toString(), "rule", parse(rule)))
                .post("/api/v1/dynamic-templates").then().statusCode(201).extract().path("id");
    }

    static String dynamicGroup(String token, String parentId, String templateId) {
        return as(token).body(Map.of("name", Fleet.unique("G"), "parentId", parentId, "kind", "DYNAMIC", "templateId", templateId))
                .post("/api/v1/groups").then().statusCode(201).extract().path("id");
    }

    static Object parse(String json) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readValue(json, Object.class);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static String change(TopicProbe.Received r) {
        return r.event().data().path("change").asText();
    }
}
