package io.palisade.tenant.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.palisade.events.AuditRecorded;
import io.palisade.events.TenantEvents;
import io.palisade.events.Topics;
import io.palisade.kit.outbox.Outbox;
import io.palisade.kit.testing.PalisadeTestResources;
import io.palisade.kit.testing.TopicProbe;
import io.palisade.tenant.support.Api;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Every change reaches Kafka through the outbox, also when the broker was down; a rollback publishes nothing. */
@QuarkusTest
class OutboxTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Inject
    Outbox outbox;

    @Test
    void everyTenantChangePublishesItsEventKeyedByTenant() {
        String admin = Api.adminToken();
        String distributor = Api.tenant(admin, Api.unique("Outbox Dist"), "DISTRIBUTOR", null);
        String msp = Api.tenant(admin, Api.unique("Outbox MSP"), "MSP", distributor);
        String other = Api.tenant(admin, Api.unique("Outbox Dist2"), "DISTRIBUTOR", null);
        int version = Api.as(admin).get("/api/v1/tenants/" + msp).then().extract().path("version");
        Api.as(admin).header("If-Match", version).body(java.util.Map.of("name", Api.unique("Renamed")))
                .patch("/api/v1/tenants/" + msp).then().statusCode(200);
        Api.as(admin).body(java.util.Map.of("parentId", other)).post("/api/v1/tenants/" + msp + "/move").then().statusCode(200);
        Api.as(admin).delete("/api/v1/tenants/" + msp).then().statusCode(204);

        try (TopicProbe probe = new TopicProbe(Topics.TENANTS)) {
            var created = probe.await(r -> r.key().equals(msp) && r.event().type().equals(TenantEvents.Created.TYPE), WAIT);
            assertEquals("/" + distributor + "/" + msp + "/", created.event().tenantpath());
            assertEquals("/tenant-service", created.event().source());
            probe.await(r -> r.key().equals(msp) && r.event().type().equals(TenantEvents.Renamed.TYPE), WAIT);
            var moved = probe.await(r -> r.key().equals(msp) && r.event().type().equals(TenantEvents.Moved.TYPE), WAIT);
            assertEquals("/" + other + "/" + msp + "/", moved.event().data().get("path").asText());
            probe.await(r -> r.key().equals(msp) && r.event().type().equals(TenantEvents.Deleted.TYPE), WAIT);
            var types = probe.matching(r -> r.key().equals(msp)).stream().map(r -> r.event().type()).toList();
            assertEquals(java.util.List.of(TenantEvents.Created.TYPE, TenantEvents.Renamed.TYPE, TenantEvents.Moved.TYPE,
                    TenantEvents.Deleted.TYPE), types.stream().distinct().toList(), "per-key order");
        }
        try (TopicProbe audit = new TopicProbe(Topics.AUDIT)) {
            audit.await(r -> AuditRecorded.TYPE.equals(r.event().type())
                    && msp.equals(r.event().data().path("targetId").asText())
                    && "tenant.deleted".equals(r.event().data().path("action").asText()), WAIT);
        }
    }

    @Test
    void writesSucceedWhileKafkaIsDownAndTheirEventsArriveAfterItReturns() {
        String admin = Api.adminToken();
        PalisadeTestResources.kafka().stop();
        String created;
        try {
            created = Api.tenant(admin, Api.unique("While Kafka Down"), "MSP", null);
        } finally {
            PalisadeTestResources.kafka().start();
        }
        try (TopicProbe probe = new TopicProbe(Topics.TENANTS)) {
            var event = probe.await(r -> r.key().equals(created) && r.event().type().equals(TenantEvents.Created.TYPE), WAIT);
            assertTrue(event.event().time().isBefore(Instant.now()));
        }
    }

    @Test
    void aRolledBackChangePublishesNothing() throws Throwable {
        String rolledBack = UUID.randomUUID().toString();
        String committed = UUID.randomUUID().toString();
        try {
            VertxContextSupport.subscribeAndAwait(() -> Panache.withTransaction(() -> outbox
                    .publish(new TenantEvents.Created(rolledBack, "Ghost", "MSP", null, "/" + rolledBack + "/", 0, null),
                            "/" + rolledBack + "/")
                    .chain(() -> Uni.createFrom().failure(new IllegalStateException("the business change failed")))));
        } catch (IllegalStateException expected) {
            // the transaction rolled back
        }
        VertxContextSupport.subscribeAndAwait(() -> Panache.withTransaction(() -> outbox
                .publish(new TenantEvents.Created(committed, "Real", "MSP", null, "/" + committed + "/", 0, null),
                        "/" + committed + "/")));

        try (TopicProbe probe = new TopicProbe(Topics.TENANTS)) {
            probe.await(r -> r.key().equals(committed), WAIT);
            assertTrue(probe.matching(r -> r.key().equals(rolledBack)).isEmpty(),
                    "the rolled-back event was published before the committed one that followed it");
        }
    }
}
