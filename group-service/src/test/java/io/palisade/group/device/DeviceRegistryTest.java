package io.palisade.group.device;

import static io.palisade.group.support.Fleet.WAIT;
import static io.palisade.group.support.Fleet.as;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import io.palisade.events.AuditRecorded;
import io.palisade.events.DeviceEvents;
import io.palisade.events.TenantEvents;
import io.palisade.events.Topics;
import io.palisade.group.common.SystemGroups;
import io.palisade.group.support.Fleet;
import io.palisade.group.support.Fleet.Tenant;
import io.palisade.kit.testing.TestEvents;
import io.palisade.kit.testing.TopicProbe;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The device registry follows the gateway's events and never loses a device. */
@QuarkusTest
class DeviceRegistryTest {

    @Test
    void enrolmentPlacesTheDeviceInTheInstallersGroupOnlyWhenItBelongsToTheCustomer() {
        Tenant msp = Fleet.tenant(Fleet.unique("MSP"), "MSP", null);
        Tenant customer = Fleet.tenant(Fleet.unique("Cust"), "CUSTOMER", msp);
        Tenant other = Fleet.tenant(Fleet.unique("Other"), "CUSTOMER", msp);
        String admin = Fleet.operatorWithAll(msp);
        String laptops = as(admin).body(Map.of("name", "Laptops", "parentId", customer.groupId().toString(), "kind", "STATIC"))
                .post("/api/v1/groups").then().statusCode(201).extract().path("id");

        UUID inLaptops = Fleet.device(customer, UUID.fromString(laptops), "laptop-1");
        UUID foreignGroupAsked = Fleet.device(other, UUID.fromString(laptops), "pc-9");
        UUID noGroup = Fleet.device(customer, null, "pc-1");

        as(admin).get("/api/v1/devices/" + inLaptops).then().body("staticGroupId", equalTo(laptops))
                .body("tenantId", equalTo(customer.id().toString())).body("status", equalTo("ACTIVE"));
        as(admin).get("/api/v1/devices/" + foreignGroupAsked).then().body("staticGroupId", equalTo(other.groupId().toString()));
        as(admin).get("/api/v1/devices/" + noGroup).then().body("staticGroupId", equalTo(customer.groupId().toString()));
    }

    @Test
    void checkInsInventoryAndRevocationAreRecorded() {
        Tenant msp = Fleet.tenant(Fleet.unique("MSP"), "MSP", null);
        Tenant customer = Fleet.tenant(Fleet.unique("Cust"), "CUSTOMER", msp);
        String admin = Fleet.operatorWithAll(msp);
        UUID device = Fleet.device(customer, null, "pc-1");
        Instant seen = Instant.parse("2026-11-30T10:15:30Z");
        Fleet.checkedIn(customer, device, seen);
        Fleet.inventory(customer, device, Fleet.windows("pc-1", true));
        TestEvents.publish(new DeviceEvents.Revoked(device.toString(), customer.id().toString()), customer.path(), "/agent-gateway");
        await().atMost(WAIT).untilAsserted(() -> as(admin).get("/api/v1/devices/" + device).then()
                .body("status", equalTo("REVOKED"))
                .body("lastSeenAt", equalTo("2026-11-30T10:15:30Z"))
                .body("inventory.products[0].name", equalTo("Palisade Endpoint Security")));
    }

    @Test
    void devicesOfADeletedCustomerGoToLostAndFoundWithAnAuditEntry() {
        Tenant msp = Fleet.tenant(Fleet.unique("MSP"), "MSP", null);
        Tenant customer = Fleet.tenant(Fleet.unique("Cust"), "CUSTOMER", msp);
        Tenant adopter = Fleet.tenant(Fleet.unique("Adopter"), "CUSTOMER", msp);
        UUID device = Fleet.device(customer, null, "pc-1");
        String root = Fleet.root();
        try (TopicProbe audit = new TopicProbe(Topics.AUDIT)) {
            TestEvents.publish(new TenantEvents.Deleted(customer.id().toString(), customer.name(), "CUSTOMER", msp.id().toString(),
                    customer.path(), 1), customer.path(), "/tenant-service");
            await().atMost(WAIT).untilAsserted(() -> as(root).get("/api/v1/devices/" + device).then()
                    .body("staticGroupId", equalTo(SystemGroups.LOST_AND_FOUND.toString())).body("status", equalTo("ORPHANED")));
            audit.await(r -> AuditRecorded.TYPE.equals(r.event().type())
                    && "device.lost-and-found".equals(r.event().data().path("action").asText())
                    && customer.id().toString().equals(r.event().data().path("targetId").asText()), WAIT);
        }
        // the MSP cannot see it in Lost & Found; a root operator adopts it into another customer
        as(Fleet.operatorWithAll(msp)).get("/api/v1/devices/" + device).then().statusCode(404);
        as(root).body(Map.of("groupId", adopter.groupId().toString())).post("/api/v1/devices/" + device + "/move").then()
                .statusCode(200).body("tenantId", equalTo(adopter.id().toString())).body("status", equalTo("ACTIVE"));
        as(Fleet.operatorWithAll(msp)).get("/api/v1/devices/" + device).then().statusCode(200).body("id", notNullValue());
    }

    @Test
    void movingADeviceNeedsDevicesWriteOnBothEndsAndStaysWithItsCustomer() {
        Tenant msp = Fleet.tenant(Fleet.unique("MSP"), "MSP", null);
        Tenant customer = Fleet.tenant(Fleet.unique("Cust"), "CUSTOMER", msp);
        Tenant other = Fleet.tenant(Fleet.unique("Other"), "CUSTOMER", msp);
        String admin = Fleet.operatorWithAll(msp);
        UUID device = Fleet.device(customer, null, "pc-1");
        String desks = as(admin).body(Map.of("name", "Desks", "parentId", customer.groupId().toString(), "kind", "STATIC"))
                .post("/api/v1/groups").then().statusCode(201).extract().path("id");

        as(Fleet.operator(msp, "devices.read", "groups.read")).body(Map.of("groupId", desks))
                .post("/api/v1/devices/" + device + "/move").then().statusCode(403);
        as(admin).body(Map.of("groupId", other.groupId().toString())).post("/api/v1/devices/" + device + "/move").then()
                .statusCode(409);
        as(Fleet.operatorWithAll(other)).body(Map.of("groupId", other.groupId().toString()))
                .post("/api/v1/devices/" + device + "/move").then().statusCode(404);
        as(admin).body(Map.of("groupId", desks)).post("/api/v1/devices/" + device + "/move").then().statusCode(200)
                .body("staticGroupId", equalTo(desks));
    }
}
