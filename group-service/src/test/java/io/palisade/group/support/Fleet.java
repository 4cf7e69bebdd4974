package io.palisade.group.support;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.palisade.events.DeviceEvents;
import io.palisade.events.TenantEvents;
import io.palisade.kit.scope.Permissions;
import io.palisade.kit.testing.TestEvents;
import io.palisade.kit.testing.TestTokens;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Builds what group-service learns from other services — tenants from palisade.tenants, devices from
 * palisade.devices — by publishing the real events to the harness's Kafka, and waits until the
 * service has applied them. Calls the API with tokens signed by the harness's JWKS.
 */
public final class Fleet {

    public static final Duration WAIT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    private Fleet() {
    }

    /** A tenant as group-service sees it, and its managed group. */
    public record Tenant(UUID id, String name, String type, String path, UUID groupId) {
    }

    public static String root() {
        return TestTokens.root(Permissions.ALL);
    }

    /** A token for an operator at {@code home} holding {@code permissions}. */
    public static String operator(Tenant home, String... permissions) {
        return TestTokens.operator(home.id(), home.path(), List.of(permissions));
    }

    public static String operatorWithAll(Tenant home) {
        return TestTokens.operator(home.id(), home.path(), Permissions.ALL);
    }

    public static RequestSpecification as(String token) {
        return given().contentType(ContentType.JSON).header("Authorization", "Bearer " + token);
    }

    public static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Publishes a created event and waits for the tenant's managed group. */
    public static Tenant tenant(String name, String type, Tenant parent) {
        UUID id = UUID.randomUUID();
        String path = (parent == null ? "/" : parent.path()) + id + "/";
        TestEvents.publish(new TenantEvents.Created(id.toString(), name, type, parent == null ? null : parent.id().toString(),
                path, 0, null), path, "/tenant-service");
        UUID groupId = awaitManagedGroup(id);
        return new Tenant(id, name, type, path, groupId);
    }

    public static UUID awaitManagedGroup(UUID tenantId) {
        String root = root();
        String[] found = new String[1];
        await().atMost(WAIT).until(() -> {
            List<String> ids = as(root).queryParam("tenantId", tenantId).queryParam("limit", 500).get("/api/v1/groups")
                    .then().extract().path("items.findAll { it.managed && it.tenantId == '" + tenantId + "' }.id");
            if (ids != null && !ids.isEmpty()) {
                found[0] = ids.get(0);
                return true;
            }
            return false;
        });
        return UUID.fromString(found[0]);
    }

    /** Enrols a device for a customer (optionally asking for a static group) and waits until it is registered. */
    public static UUID device(Tenant customer, UUID staticGroupId, String hostname) {
        UUID id = UUID.randomUUID();
        TestEvents.publish(new DeviceEvents.Enrolled(id.toString(), customer.id().toString(), "hw-" + id, hostname,
                staticGroupId == null ? null : staticGroupId.toString(), UUID.randomUUID().toString()), customer.path(), "/agent-gateway");
        String root = root();
        await().atMost(WAIT).until(() -> as(root).get("/api/v1/devices/" + id).statusCode() == 200);
        return id;
    }

    /** Publishes an inventory document (JSON text) for a device. */
    public static void inventory(Tenant customer, UUID deviceId, String inventoryJson) {
        try {
            JsonNode inventory = JSON.readTree(inventoryJson);
            TestEvents.publish(new DeviceEvents.InventoryChanged(deviceId.toString(), customer.id().toString(), inventory),
                    customer.path(), "/agent-gateway");
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    public static void checkedIn(Tenant customer, UUID deviceId, Instant at) {
        TestEvents.publish(new DeviceEvents.CheckedIn(deviceId.toString(), customer.id().toString(), at, 1), customer.path(),
                "/agent-gateway");
    }

    public static String windows(String hostname, boolean withProduct) {
        return """
                {"hostname":"%s","os":{"platform":"WINDOWS","name":"Windows 11 Pro","version":"10.0.22631"},
                 "agent":{"version":"11.1.2"},"hardware":{"ramMb":16384,"cpu":"x64"},"network":{"ipv4":["10.1.2.3"]},
                 "products":[%s],"protection":{"status":"OK"},"tags":["office"]}"""
                .formatted(hostname, withProduct ? "{\"name\":\"Palisade Endpoint Security\",\"version\":\"11.1.2\"}" : "");
    }

    public static String linux(String hostname) {
        return """
                {"hostname":"%s","os":{"platform":"LINUX","name":"Debian","version":"12"},"agent":{"version":"11.0.1"},
                 "hardware":{"ramMb":4096},"network":{"ipv4":["192.168.7.20"]},"products":[],"protection":{"status":"OK"},
                 "tags":["server"]}""".formatted(hostname);
    }
}
