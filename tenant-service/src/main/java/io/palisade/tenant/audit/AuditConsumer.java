package io.palisade.tenant.audit;

import io.palisade.events.AuditRecorded;
import io.palisade.events.CloudEvent;
import io.palisade.kit.consumer.ConsumerLog;
import io.palisade.kit.scope.TreePaths;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** Stores every service's audit entries from {@code palisade.audit}; the entry id is the event id. */
@ApplicationScoped
public class AuditConsumer {

    private static final String CONSUMER = "tenant-service.audit";

    private final ConsumerLog log;
    private final AuditRepository entries;

    public AuditConsumer(ConsumerLog log, AuditRepository entries) {
        this.log = log;
        this.entries = entries;
    }

    @Incoming("audit-in")
    public Uni<Void> consume(String payload) {
        return log.applyOnce(CONSUMER, payload, this::store);
    }

    private Uni<Void> store(CloudEvent event) {
        if (!AuditRecorded.TYPE.equals(event.type())) {
            return Uni.createFrom().voidItem();
        }
        AuditRecorded data = log.codec().data(event, AuditRecorded.class);
        AuditEntry entry = new AuditEntry();
        entry.id = parseOrDerive(event.id());
        entry.at = data.at() != null ? data.at() : event.time() != null ? event.time() : java.time.Instant.now();
        entry.actorId = data.actorId();
        entry.action = data.action() == null ? "unknown" : data.action();
        entry.targetType = data.targetType();
        entry.targetId = data.targetId();
        entry.tenantId = data.tenantId() == null ? null : parseOrNull(data.tenantId());
        entry.tenantPath = validPath(event.tenantpath());
        entry.outcome = data.outcome() == null ? "UNKNOWN" : data.outcome();
        entry.detail = data.detail();
        entry.source = event.source();
        return entries.insertIfAbsent(entry).replaceWithVoid();
    }

    private static String validPath(String path) {
        return path != null && path.startsWith("/") && path.endsWith("/") ? path : TreePaths.ROOT;
    }

    private static UUID parseOrDerive(String id) {
        UUID parsed = parseOrNull(id);
        return parsed != null ? parsed : UUID.nameUUIDFromBytes(id.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static UUID parseOrNull(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
