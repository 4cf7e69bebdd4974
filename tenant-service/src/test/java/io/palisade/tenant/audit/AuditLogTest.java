package io.palisade.tenant.audit;

import static io.palisade.tenant.support.Api.as;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.palisade.events.AuditRecorded;
import io.palisade.events.EventCodec;
import io.palisade.events.Topics;
import io.palisade.kit.testing.PalisadeTestResources;
import io.palisade.tenant.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** The audit store: every service's entries, sign-ins included, each visible only inside its subtree. */
@QuarkusTest
class AuditLogTest {

    private final EventCodec codec = new EventCodec();

    @Test
    void entriesFromOtherServicesAreStoredOnceAndShownOnlyInsideTheirSubtree() throws Exception {
        String admin = Api.adminToken();
        String mgr = Api.tenant(admin, Api.unique("Audit Mgr"), "MSP_MANAGER", null);
        String mspA = Api.tenant(admin, Api.unique("Audit A"), "MANAGED_MSP", mgr);
        String mspB = Api.tenant(admin, Api.unique("Audit B"), "MANAGED_MSP", mgr);
        String custA = Api.tenant(admin, Api.unique("Audit CustA"), "CUSTOMER", mspA);
        String pathA = as(admin).get("/api/v1/tenants/" + custA).then().extract().path("path");
        String auditorA = Api.login(Api.operator(admin, mspA, List.of(Api.permissionSet(admin, mspA, List.of("audit.read")))), Api.PASSWORD);
        String auditorB = Api.login(Api.operator(admin, mspB, List.of(Api.permissionSet(admin, mspB, List.of("audit.read")))), Api.PASSWORD);

        UUID entryId = UUID.randomUUID();
        var entry = new AuditRecorded(Instant.now(), UUID.randomUUID().toString(), "device.moved", "device", "dev-1",
                custA, "SUCCESS", "moved by group-service");
        String payload = codec.encode(codec.envelope(entryId, entry, "/group-service", pathA, Instant.now()));
        try (KafkaProducer<String, String> producer = producer()) {
            producer.send(new ProducerRecord<>(Topics.AUDIT, custA, payload)).get();
            producer.send(new ProducerRecord<>(Topics.AUDIT, custA, payload)).get(); // redelivery
        }

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> as(auditorA).get("/api/v1/audit?action=device.moved")
                .then().statusCode(200).body("items.id", hasItem(entryId.toString())));
        List<String> ids = as(auditorA).get("/api/v1/audit?action=device.moved&limit=500").then().extract().path("items.id");
        assertEquals(1, ids.stream().filter(entryId.toString()::equals).count(), "stored once");
        as(auditorB).get("/api/v1/audit?action=device.moved&limit=500").then().statusCode(200)
                .body("items.id", not(hasItem(entryId.toString())));
        as(admin).get("/api/v1/audit?under=" + custA + "&action=device.moved").then().statusCode(200)
                .body("items.id", hasItem(entryId.toString()));
    }

    @Test
    void signInsAreAuditedSuccessAndFailure() {
        String admin = Api.adminToken();
        String msp = Api.tenant(admin, Api.unique("Audit Login MSP"), "MSP", null);
        String username = Api.operator(admin, msp, List.of(Api.permissionSet(admin, msp, List.of("audit.read"))));
        given().contentType(ContentType.JSON).body(Map.of("username", username, "password", "wrong-password-123"))
                .post("/api/v1/auth/login").then().statusCode(401);
        String token = Api.login(username, Api.PASSWORD);

        List<Map<String, Object>> entries = as(token).get("/api/v1/audit?action=auth.login").then().statusCode(200)
                .extract().path("items");
        assertTrue(entries.stream().anyMatch(e -> "FAILURE".equals(e.get("outcome")) && "wrong password".equals(e.get("detail"))));
        assertTrue(entries.stream().anyMatch(e -> "SUCCESS".equals(e.get("outcome"))));
        assertTrue(entries.stream().allMatch(e -> msp.equals(e.get("tenantId"))), "only this MSP's entries");
    }

    @Test
    void timeWindowActionFilterAndPagingWork() {
        String admin = Api.adminToken();
        Instant before = Instant.now().minusSeconds(1);
        String msp = Api.tenant(admin, Api.unique("Audit Paging MSP"), "MSP", null);
        for (int i = 0; i < 5; i++) {
            Api.tenant(admin, Api.unique("Audit Cust"), "CUSTOMER", msp);
        }
        String first = "/api/v1/audit?under=" + msp + "&action=tenant.created&limit=2&from=" + before;
        var page = as(admin).get(first).then().statusCode(200).extract().jsonPath();
        List<String> seen = new java.util.ArrayList<>(page.getList("items.id"));
        String cursor = page.getString("nextCursor");
        while (cursor != null) {
            var next = as(admin).get(first + "&cursor=" + cursor).then().statusCode(200).extract().jsonPath();
            seen.addAll(next.getList("items.id"));
            cursor = next.getString("nextCursor");
        }
        assertEquals(6, seen.size(), "the MSP and its five customers");
        assertEquals(6, seen.stream().distinct().count());
        as(admin).get("/api/v1/audit?under=" + msp + "&to=" + before).then().statusCode(200).body("items.size()", org.hamcrest.Matchers.is(0));
        as(admin).get("/api/v1/audit?from=yesterday").then().statusCode(400);
    }

    private static KafkaProducer<String, String> producer() {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, PalisadeTestResources.kafka().bootstrapServers());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        return new KafkaProducer<>(props);
    }
}
