package io.palisade.gateway.support;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import io.palisade.events.TenantEvents;
import io.palisade.kit.scope.Permissions;
import io.palisade.kit.testing.TestEvents;
import io.palisade.kit.testing.TestTokens;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What the gateway learns from other services — tenants from palisade.tenants — published as the real
 * events on the harness's Kafka; operator calls with tokens signed by the harness's JWKS.
 */
public final class World {

    public static final Duration WAIT = Duration.ofSeconds(30);

    private World() {
    }

    /** A tenant as the gateway knows it. */
    public record Tenant(UUID id, String type, String path) {
    }

    /** An installer as created: its id and its one-time token. */
    public record Installer(UUID id, String token, String caPem, UUID customerId) {
    }

    public static String root() {
        return TestTokens.root(Permissions.ALL);
    }

    public static String operator(Tenant home, String... permissions) {
        return TestTokens.operator(home.id(), home.path(), List.of(permissions));
    }

    public static String operatorWithAll(Tenant home) {
        return TestTokens.operator(home.id(), home.path(), Permissions.ALL);
    }

    public static RequestSpecification as(String token) {
        return given().contentType(ContentType.JSON).header("Authorization", "Bearer " + token);
    }

    /** Publishes a created event; the gateway's projection takes it up asynchronously. */
    public static Tenant tenant(String type, Tenant parent) {
        UUID id = UUID.randomUUID();
        String path = (parent == null ? "/" : parent.path()) + id + "/";
        TestEvents.publish(new TenantEvents.Created(id.toString(), type.toLowerCase() + "-" + id.toString().substring(0, 6), type,
                parent == null ? null : parent.id().toString(), path, 0, null), path, "/tenant-service");
        return new Tenant(id, type, path);
    }

    /** A customer under a fresh MSP, known to the gateway once this returns. */
    public static Tenant customer() {
        Tenant msp = tenant("MSP", null);
        Tenant customer = tenant("CUSTOMER", msp);
        awaitKnown(customer);
        return customer;
    }

    public static Tenant customerUnder(Tenant parent) {
        Tenant customer = tenant("CUSTOMER", parent);
        awaitKnown(customer);
        return customer;
    }

    /** Waits until the gateway lists installers of the tenant (404 until its projection has it). */
    public static void awaitKnown(Tenant tenant) {
        String root = root();
        await().atMost(WAIT).until(() -> as(root).queryParam("customerId", tenant.id()).get("/api/v1/installers").statusCode() != 404);
    }

    public static Installer installer(Tenant customer, int maxUses) {
        return installer(customer, maxUses, Instant.now().plus(Duration.ofDays(1)));
    }

    public static Installer installer(Tenant customer, int maxUses, Instant expiresAt) {
        Response r = createInstaller(root(), Map.of("customerId", customer.id(), "expiresAt", expiresAt.toString(), "maxUses", maxUses));
        r.then().statusCode(201);
        return new Installer(UUID.fromString(r.path("id")), r.path("token"), r.path("caCertificatePem"), customer.id());
    }

    public static Response createInstaller(String token, Map<String, Object> body) {
        return as(token).body(body).post("/api/v1/installers");
    }
}
