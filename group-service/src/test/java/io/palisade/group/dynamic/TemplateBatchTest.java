package io.palisade.group.dynamic;

import static io.palisade.group.support.Fleet.WAIT;
import static io.palisade.group.support.Fleet.as;
import static io.palisade.group.support.IsolationWorld.LINUX_RULE;
import static io.palisade.group.support.IsolationWorld.WINDOWS_RULE;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.palisade.events.AuditRecorded;
import io.palisade.events.Topics;
import io.palisade.group.support.Fleet;
import io.palisade.group.support.Fleet.Tenant;
import io.palisade.kit.scope.Permissions;
import io.palisade.kit.testing.TopicProbe;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** {@code POST /api/v1/dynamic-templates/batch}: many templates in one transaction, each checked like a single create. */
@QuarkusTest
class TemplateBatchTest {

    /** Any case for the platform, and an EXISTS with an explicit null value: the canonical form differs from it. */
    static final String LOOSE_RULE = """
            {"op":"OR","rules":[
              {"attribute":"os.platform","operator":"IN","value":["windows","Linux"]},
              {"op":"NOR","rules":[{"attribute":"tags","operator":"EXISTS","value":null}]}]}""";
    static final String CANONICAL_RULE = """
            {"op":"OR","rules":[
              {"attribute":"os.platform","operator":"IN","value":["WINDOWS","LINUX"]},
              {"op":"NOR","rules":[{"attribute":"tags","operator":"EXISTS"}]}]}""";

    /** One entry of a batch; a null owner means a root template. */
    static Map<String, Object> template(String name, Tenant owner, String rule) {
        Map<String, Object> t = new HashMap<>();
        t.put("name", name);
        t.put("tenantId", owner == null ? null : owner.id().toString());
        t.put("rule", DynamicGroupsTest.parse(rule));
        return t;
    }

    static Map<String, Object> batch(List<Map<String, Object>> templates) {
        return Map.of("templates", templates);
    }

    /** The names of the templates in the subtree of {@code tenant}, as a root operator sees them. */
    static List<String> templateNames(Tenant tenant) {
        return as(Fleet.root()).queryParam("tenantId", tenant.id()).queryParam("limit", 500).get("/api/v1/dynamic-templates")
                .then().statusCode(200).extract().jsonPath().getList("items.name");
    }

    @Test
    void aBatchCreatesEveryTemplateInOrderWithItsCanonicalRule() {
        Tenant msp = Fleet.tenant(Fleet.unique("MSP"), "MSP", null);
        Tenant customer = Fleet.tenant(Fleet.unique("Cust"), "CUSTOMER", msp);
        String admin = Fleet.operatorWithAll(msp);
        JsonPath created = as(admin).body(batch(List.of(
                        template("Windows or Linux", msp, LOOSE_RULE),
                        template("Linux", customer, LINUX_RULE),
                        template("  Windows  ", msp, WINDOWS_RULE))))
                .post("/api/v1/dynamic-templates/batch").then().statusCode(201)
                .body("nextCursor", nullValue()).body("items", hasSize(3)).extract().jsonPath();
        assertEquals(List.of("Windows or Linux", "Linux", "Windows"), created.getList("items.name"));
        assertEquals(List.of(msp.id().toString(), customer.id().toString(), msp.id().toString()), created.getList("items.tenantId"));
        assertEquals(List.of(0, 0, 0), created.getList("items.version"));
        assertEquals(DynamicGroupsTest.parse(CANONICAL_RULE), created.getMap("items[0].rule"));

        List<String> ids = created.getList("items.id");
        List<String> rules = List.of(CANONICAL_RULE, LINUX_RULE, WINDOWS_RULE);
        for (int i = 0; i < ids.size(); i++) {
            JsonPath read = as(admin).get("/api/v1/dynamic-templates/" + ids.get(i)).then().statusCode(200).extract().jsonPath();
            assertEquals(DynamicGroupsTest.parse(rules.get(i)), read.getMap("rule"), "rule of templates[" + i + "]");
            // the batch answers exactly what a later read answers, creation time included
            assertEquals(created.getMap("items[" + i + "]"), read.getMap("$"), "templates[" + i + "]");
        }
        as(admin).queryParam("tenantId", msp.id()).get("/api/v1/dynamic-templates").then().statusCode(200)
                .body("items.id", containsInAnyOrder(ids.toArray()));
        as(admin).queryParam("tenantId", customer.id()).get("/api/v1/dynamic-templates").then().statusCode(200)
                .body("items.id", containsInAnyOrder(ids.get(1)));
    }

    @Test
    void templatesOfABatchDriveDynamicGroups() {
        Tenant msp = Fleet.tenant(Fleet.unique("MSP"), "MSP", null);
        Tenant customer = Fleet.tenant(Fleet.unique("Cust"), "CUSTOMER", msp);
        String admin = Fleet.operatorWithAll(msp);
        UUID pc = Fleet.device(customer, null, "pc-1");
        UUID srv = Fleet.device(customer, null, "srv-1");
        Fleet.inventory(customer, pc, Fleet.windows("pc-1", false));
        Fleet.inventory(customer, srv, Fleet.linux("srv-1"));
        await().atMost(WAIT).untilAsserted(() -> {
            as(admin).get("/api/v1/devices/" + pc).then().body("inventory.hostname", equalTo("pc-1"));
            as(admin).get("/api/v1/devices/" + srv).then().body("inventory.hostname", equalTo("srv-1"));
        });
        List<String> ids = as(admin).body(batch(List.of(template("Windows", msp, WINDOWS_RULE), template("Linux", customer, LINUX_RULE))))
                .post("/api/v1/dynamic-templates/batch").then().statusCode(201).extract().jsonPath().getList("items.id");

        String windows = DynamicGroupsTest.dynamicGroup(admin, msp.groupId().toString(), ids.get(0));
        String linux = DynamicGroupsTest.dynamicGroup(admin, customer.groupId().toString(), ids.get(1));
        as(admin).get("/api/v1/groups/" + windows + "/devices").then().statusCode(200).body("items.id", containsInAnyOrder(pc.toString()));
        as(admin).get("/api/v1/groups/" + linux + "/devices").then().statusCode(200).body("items.id", containsInAnyOrder(srv.toString()));
    }

    @Test
    void everyRuleProblemOfTheBatchIsReportedAtOnceAndNothingIsCreated() {
        Tenant msp = Fleet.tenant(Fleet.unique("MSP"), "MSP", null);
        String admin = Fleet.operatorWithAll(msp);
        as(admin).body(batch(List.of(template("Existing", msp, WINDOWS_RULE)))).post("/api/v1/dynamic-templates/batch")
                .then().statusCode(201);
        List<String> fields = as(admin).body(batch(List.of(
                        template("Good", msp, WINDOWS_RULE),
                        template("Bad operator and value", msp, """
                                {"op":"AND","rules":[{"attribute":"tags","operator":"LT","value":"x"},
                                  {"attribute":"hardware.ramMb","operator":"GE","value":"lots"}]}"""),
                        template("Good too", msp, LINUX_RULE),
                        template("Bad op and attribute", msp, """
                                {"op":"XOR","rules":[{"attribute":"os.kernel","operator":"EQ","value":"x"}]}"""))))
                .post("/api/v1/dynamic-templates/batch").then().statusCode(400).body("type", endsWith("/invalid-rule"))
                .extract().path("errors.field");
        assertEquals(List.of("templates[1].rule.rules[0].operator", "templates[1].rule.rules[1].value", "templates[3].rule.op",
                "templates[3].rule.rules[0].attribute"), fields);
        assertEquals(List.of("Existing"), templateNames(msp));
    }

    @Test
    void anotherMspsTenantIsUnknownAloneOrAmongOwnTenantsAndNothingIsCreated() {
        Tenant mine = Fleet.tenant(Fleet.unique("MSP-A"), "MSP", null);
        Tenant mineCustomer = Fleet.tenant(Fleet.unique("Cust-A"), "CUSTOMER", mine);
        Tenant other = Fleet.tenant(Fleet.unique("MSP-B"), "MSP", null);
        Tenant otherCustomer = Fleet.tenant(Fleet.unique("Cust-B"), "CUSTOMER", other);
        String operator = Fleet.operatorWithAll(mine);
        Tenant missing = new Tenant(UUID.randomUUID(), "missing", "CUSTOMER", mine.path() + UUID.randomUUID() + "/", UUID.randomUUID());

        Map<String, Object> absent = as(operator).body(batch(List.of(template("Ghost", missing, WINDOWS_RULE))))
                .post("/api/v1/dynamic-templates/batch").then().statusCode(404).extract().jsonPath().getMap("$");
        for (List<Map<String, Object>> templates : List.of(
                List.of(template("Sneaky", other, WINDOWS_RULE)),
                List.of(template("Sneaky", otherCustomer, WINDOWS_RULE)),
                List.of(template("Mine", mine, WINDOWS_RULE), template("Mine too", mineCustomer, LINUX_RULE),
                        template("Sneaky", otherCustomer, WINDOWS_RULE)),
                List.of(template("Sneaky", other, WINDOWS_RULE), template("Mine", mine, WINDOWS_RULE)))) {
            Map<String, Object> foreign = as(operator).body(batch(templates)).post("/api/v1/dynamic-templates/batch")
                    .then().statusCode(404).extract().jsonPath().getMap("$");
            assertEquals(absent, foreign, "a foreign tenant answers like a missing one");
        }
        // holding groups.read only at its own MSP
        as(Fleet.operator(mine, Permissions.GROUPS_READ)).body(batch(List.of(template("Read only", mine, WINDOWS_RULE))))
                .post("/api/v1/dynamic-templates/batch").then().statusCode(403).body("type", endsWith("/forbidden"));
        assertEquals(List.of(), templateNames(mine));
        assertEquals(List.of(), templateNames(other));
    }

    @Test
    void rootTemplatesAreForRootOperatorsOnly() {
        Tenant msp = Fleet.tenant(Fleet.unique("MSP"), "MSP", null);
        String admin = Fleet.operatorWithAll(msp);
        as(admin).body(batch(List.of(template("Mine", msp, WINDOWS_RULE), template("Everyone's", null, WINDOWS_RULE))))
                .post("/api/v1/dynamic-templates/batch").then().statusCode(400).body("type", endsWith("/invalid-request"))
                .body("errors.field", equalTo(List.of("tenantId")));
        assertEquals(List.of(), templateNames(msp));

        String rootName = Fleet.unique("Root windows");
        JsonPath created = as(Fleet.root()).body(batch(List.of(template(rootName, null, WINDOWS_RULE), template("Of the MSP", msp, LINUX_RULE))))
                .post("/api/v1/dynamic-templates/batch").then().statusCode(201).extract().jsonPath();
        assertEquals(Arrays.asList(null, msp.id().toString()), created.getList("items.tenantId"));
        as(Fleet.root()).get("/api/v1/dynamic-templates/" + created.getString("items[0].id")).then().statusCode(200)
                .body("name", equalTo(rootName)).body("tenantId", nullValue());
        assertEquals(List.of("Of the MSP"), templateNames(msp));
    }

    @Test
    void malformedBatchesAreRefused() {
        Tenant msp = Fleet.tenant(Fleet.unique("MSP"), "MSP", null);
        String admin = Fleet.operatorWithAll(msp);
        as(admin).body(batch(List.of())).post("/api/v1/dynamic-templates/batch").then().statusCode(400)
                .body("errors.field", equalTo(List.of("templates")));
        List<Map<String, Object>> tooMany = new ArrayList<>();
        for (int i = 0; i <= 1000; i++) {
            tooMany.add(template("T" + i, msp, WINDOWS_RULE));
        }
        as(admin).body(batch(tooMany)).post("/api/v1/dynamic-templates/batch").then().statusCode(400)
                .body("errors.field", equalTo(List.of("templates")));
        as(admin).body(batch(List.of(template("Fine", msp, WINDOWS_RULE), template("Line\nbreak", msp, WINDOWS_RULE))))
                .post("/api/v1/dynamic-templates/batch").then().statusCode(400).body("type", endsWith("/invalid-request"))
                .body("errors.field", equalTo(List.of("templates[1].name")));
        Map<String, Object> noRule = template("No rule", msp, WINDOWS_RULE);
        noRule.remove("rule");
        as(admin).body(batch(List.of(noRule))).post("/api/v1/dynamic-templates/batch").then().statusCode(400)
                .body("errors.field", equalTo(List.of("templates[0].rule")));
        assertEquals(List.of(), templateNames(msp));
    }

    @Test
    void everyTemplateOfABatchHasOneAuditEntry() {
        Tenant msp = Fleet.tenant(Fleet.unique("MSP"), "MSP", null);
        Tenant customer = Fleet.tenant(Fleet.unique("Cust"), "CUSTOMER", msp);
        String admin = Fleet.operatorWithAll(msp);
        try (TopicProbe audit = new TopicProbe(Topics.AUDIT)) {
            JsonPath created = as(admin).body(batch(List.of(template("Windows", msp, WINDOWS_RULE),
                            template("Linux", customer, LINUX_RULE), template("Windows", customer, WINDOWS_RULE))))
                    .post("/api/v1/dynamic-templates/batch").then().statusCode(201).extract().jsonPath();
            List<String> ids = created.getList("items.id");
            List<Tenant> owners = List.of(msp, customer, customer);
            for (int i = 0; i < ids.size(); i++) {
                String id = ids.get(i);
                TopicProbe.Received entry = audit.await(r -> AuditRecorded.TYPE.equals(r.event().type())
                        && id.equals(r.event().data().path("targetId").asText()), WAIT);
                assertEquals("template.created", entry.event().data().path("action").asText());
                assertEquals("dynamic-template", entry.event().data().path("targetType").asText());
                assertEquals(owners.get(i).id().toString(), entry.event().data().path("tenantId").asText());
                assertEquals(owners.get(i).id().toString(), entry.key());
                assertEquals(owners.get(i).path(), entry.event().tenantpath());
                assertEquals("created " + created.getString("items[" + i + "].name"), entry.event().data().path("detail").asText());
                assertFalse(entry.event().data().path("actorId").asText().isEmpty());
            }
            for (String id : ids) {
                assertEquals(1, audit.matching(r -> AuditRecorded.TYPE.equals(r.event().type())
                        && id.equals(r.event().data().path("targetId").asText())).size(), "audit entries of " + id);
            }
        }
    }
}
