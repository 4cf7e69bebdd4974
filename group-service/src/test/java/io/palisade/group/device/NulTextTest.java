package io.palisade.group.device;

import static io.palisade.group.support.Fleet.as;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.palisade.group.device.DeviceImportTest.World;
import io.palisade.group.support.Fleet;
import io.palisade.group.support.IsolationWorld;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * JSON may spell the character U+0000 as an escape; PostgreSQL can store it in neither text nor JSONB. Such a body is
 * refused as a 400 naming the body before it reaches the database, while an escaped backslash followed by the text
 * "u0000" is ordinary text. The bodies are sent as raw JSON so the escape really goes over the wire.
 */
@QuarkusTest
class NulTextTest {

    /** The JSON escape of U+0000, six characters on the wire. */
    static final String NUL = "\\u0000";
    /** An escaped backslash and then "u0000": seven characters on the wire, the six characters backslash-u0000 as text. */
    static final String BACKSLASH_U0000 = "\\\\u0000";
    /** Where the escape goes in a body: the marker is plain text for the serializer, replaced afterwards. */
    static final String MARK = "@MARK@";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** {@code value} as JSON text with every {@link #MARK} replaced by {@code escape}, verbatim. */
    static String raw(Object value, String escape) {
        try {
            String json = JSON.writeValueAsString(value);
            assertTrue(json.contains(MARK), json);
            return json.replace(MARK, escape);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static String imports(String escape, Map<String, Object> record) {
        return raw(Map.of("devices", List.of(record)), escape);
    }

    static void refusedAsTheBody(ValidatableResponse response) {
        response.statusCode(400).body("type", endsWith("/invalid-request")).body("errors.field", equalTo(List.of("body")));
    }

    static List<String> devicesOf(World w, Fleet.Tenant tenant) {
        return as(w.admin()).queryParam("tenantId", tenant.id()).queryParam("limit", 100).get("/api/v1/devices").then()
                .statusCode(200).extract().jsonPath().getList("items.name");
    }

    @Test
    void aNulInAnyTextOfADeviceImportIsRefusedAndNothingIsImported() {
        World w = World.create();
        String run = UUID.randomUUID().toString();
        List<Map<String, Object>> records = List.of(
                DeviceImportTest.record(run + ":value", "pc-value", w.first(), w.legacy(), null, "{\"notes\":\"before" + MARK + "after\"}"),
                DeviceImportTest.record(run + ":key", "pc-key", w.first(), w.legacy(), null, "{\"bad" + MARK + "key\":\"x\"}"),
                DeviceImportTest.record(run + ":name", "pc" + MARK + "name", w.first(), w.legacy(), null, null),
                DeviceImportTest.record(run + ":import-key" + MARK, "pc-import-key", w.first(), w.legacy(), null, null),
                DeviceImportTest.record(run + ":hw", "pc-hw", w.first(), w.legacy(), "hw" + MARK, null));
        for (Map<String, Object> record : records) {
            refusedAsTheBody(as(w.admin()).body(imports(NUL, record)).post("/api/v1/devices/batch").then());
        }
        // all of them in one batch, the NUL last and far beyond the first buffer the JSON parser reads
        Map<String, Object> large = DeviceImportTest.record(run + ":large", "pc-large", w.first(), w.legacy(), null,
                "{\"notes\":\"" + "x".repeat(40_000) + MARK + "\"}");
        refusedAsTheBody(as(w.admin()).body(raw(Map.of("devices", List.of(records.get(0), records.get(2), large)), NUL))
                .post("/api/v1/devices/batch").then());

        assertEquals(List.of(), devicesOf(w, w.first()));
        assertTrue(w.members(w.legacy()).isEmpty());
        // no key was taken: the same keys, without the NUL, are new
        for (String suffix : List.of(":value", ":key", ":name", ":hw", ":large")) {
            as(w.admin()).body(Map.of("devices", List.of(DeviceImportTest.record(run + suffix, "pc" + suffix, w.first(), w.legacy(),
                            null, "{\"notes\":\"clean\"}"))))
                    .post("/api/v1/devices/batch").then().statusCode(200).body("devices[0].created", equalTo(true));
        }
        assertEquals(5, w.members(w.legacy()).size());
    }

    @Test
    void anEscapedBackslashBeforeU0000IsOrdinaryTextAndStored() {
        World w = World.create();
        String run = UUID.randomUUID().toString();
        Map<String, Object> record = DeviceImportTest.record(run + ":" + MARK, "pc" + MARK, w.first(), w.legacy(), null,
                "{\"notes\":\"" + MARK + "\",\"path\":\"C:" + MARK + "dir\",\"" + MARK + "\":\"key\"}");
        String body = imports(BACKSLASH_U0000, record);
        assertTrue(body.contains("\"notes\":\"\\\\u0000\""), body);
        JsonPath imported = as(w.admin()).body(body).post("/api/v1/devices/batch").then().statusCode(200)
                .body("devices[0].created", equalTo(true)).body("devices[0].key", equalTo(run + ":\\u0000")).extract().jsonPath();

        JsonPath device = as(w.admin()).get("/api/v1/devices/" + imported.getString("devices[0].id")).then().statusCode(200)
                .extract().jsonPath();
        String notes = device.getString("inventory.notes");
        assertEquals(List.of('\\', 'u', '0', '0', '0', '0'), notes.chars().mapToObj(c -> (char) c).toList());
        assertEquals("C:\\u0000dir", device.getString("inventory.path"));
        assertEquals("key", device.getMap("inventory").get("\\u0000"));
        assertEquals("pc\\u0000", device.getString("name"));
        assertEquals(List.of("pc\\u0000"), devicesOf(w, w.first()));
    }

    @Test
    void aNulInAGroupNameIsA400NotA500() {
        Fleet.Tenant msp = Fleet.tenant(Fleet.unique("MSP"), "MSP", null);
        String admin = Fleet.operatorWithAll(msp);
        refusedAsTheBody(as(admin).body(raw(Map.of("name", "Office" + MARK, "parentId", msp.groupId().toString(), "kind", "STATIC"),
                NUL)).post("/api/v1/groups").then());
        UUID office = IsolationWorld.group(admin, msp.groupId(), "Office", "STATIC", null);
        refusedAsTheBody(as(admin).body(raw(Map.of("name", "Office" + MARK + "2"), NUL)).patch("/api/v1/groups/" + office).then());
        as(admin).get("/api/v1/groups/" + office).then().statusCode(200).body("name", equalTo("Office"));
        assertEquals(List.of("Office"), as(admin).queryParam("parentId", msp.groupId()).get("/api/v1/groups").then().statusCode(200)
                .extract().jsonPath().getList("items.name"));
        // the escaped backslash is a name like any other
        as(admin).body(raw(Map.of("name", "Office" + MARK + "2"), BACKSLASH_U0000)).patch("/api/v1/groups/" + office).then()
                .statusCode(200).body("name", equalTo("Office\\u00002"));
    }

    @Test
    void aNulInATemplateRuleIsRefusedAsTheBody() {
        Fleet.Tenant msp = Fleet.tenant(Fleet.unique("MSP"), "MSP", null);
        String admin = Fleet.operatorWithAll(msp);
        Map<String, Object> template = Map.of("name", "Hosts", "tenantId", msp.id().toString(), "rule",
                IsolationWorld.rule("{\"op\":\"AND\",\"rules\":[{\"attribute\":\"hostname\",\"operator\":\"EQ\",\"value\":\"pc" + MARK + "\"}]}"));
        refusedAsTheBody(as(admin).body(raw(Map.of("templates", List.of(template)), NUL)).post("/api/v1/dynamic-templates/batch").then());
        as(admin).queryParam("tenantId", msp.id()).get("/api/v1/dynamic-templates").then().statusCode(200)
                .body("items", empty());
    }

    @Test
    void aNulInAQueryParameterIsA400NotA500() {
        Fleet.Tenant msp = Fleet.tenant(Fleet.unique("MSP"), "MSP", null);
        // no JSON body to screen: PostgreSQL refuses the text, and the backstop answers 400
        as(Fleet.operatorWithAll(msp)).queryParam("q", "pc" + (char) 0).get("/api/v1/devices").then().statusCode(400)
                .body("type", endsWith("/invalid-request"));
    }
}
