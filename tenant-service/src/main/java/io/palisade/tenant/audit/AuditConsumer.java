package io.palisade.tenant.audit;

import io.palisade.events.AuditRecorded;
import io.palisade.events.CloudEvent;
import io.palisade.kit.consumer.ConsumerLog;
import io.palisade.kit.scope.TreePaths;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Stores every service's audit entries from {@code palisade.audit}; the entry id is the event id, so storing one again
 * stores nothing and no consumer log is needed. One poll's records are stored with one statement in one transaction
 * (a bulk import audits tens of thousands of objects); a record that fails every time is set aside alone
 * ({@link ConsumerLog#applyAllIdempotent}).
 */
@ApplicationScoped
public class AuditConsumer {

    private static final String CONSUMER = "tenant-service.audit";

    private final ConsumerLog log;
    private final Pool pool;

    public AuditConsumer(ConsumerLog log, Pool pool) {
        this.log = log;
        this.pool = pool;
    }

    @Incoming("audit-in")
    public Uni<Void> consume(List<String> payloads) {
        return log.applyAllIdempotent(CONSUMER, payloads, pool, this::store);
    }

    private Uni<Void> store(SqlConnection db, List<CloudEvent> events) {
        List<AuditEntry> entries = new ArrayList<>(events.size());
        for (CloudEvent event : events) {
            if (AuditRecorded.TYPE.equals(event.type())) {
                entries.add(entry(event));
            }
        }
        if (entries.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        int n = entries.size();
        UUID[] ids = new UUID[n];
        OffsetDateTime[] at = new OffsetDateTime[n];
        String[] actors = new String[n];
        String[] actions = new String[n];
        String[] targetTypes = new String[n];
        String[] targetIds = new String[n];
        UUID[] tenantIds = new UUID[n];
        String[] paths = new String[n];
        String[] outcomes = new String[n];
        String[] details = new String[n];
        String[] sources = new String[n];
        for (int i = 0; i < n; i++) {
            AuditEntry e = entries.get(i);
            ids[i] = e.id;
            at[i] = e.at.atOffset(ZoneOffset.UTC);
            actors[i] = e.actorId;
            actions[i] = e.action;
            targetTypes[i] = e.targetType;
            targetIds[i] = e.targetId;
            tenantIds[i] = e.tenantId;
            paths[i] = e.tenantPath;
            outcomes[i] = e.outcome;
            details[i] = e.detail;
            sources[i] = e.source;
        }
        return db.preparedQuery("""
                        insert into audit_entry (id, at, actor_id, action, target_type, target_id, tenant_id, tenant_path, outcome,
                                                 detail, source)
                        select * from unnest($1::uuid[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::text[],
                                             $7::uuid[], $8::text[], $9::text[], $10::text[], $11::text[])
                        on conflict (id) do nothing""")
                .execute(Tuple.from(List.of(ids, at, actors, actions, targetTypes, targetIds, tenantIds, paths, outcomes, details,
                        sources)))
                .replaceWithVoid();
    }

    private AuditEntry entry(CloudEvent event) {
        AuditRecorded data = log.codec().data(event, AuditRecorded.class);
        AuditEntry entry = new AuditEntry();
        entry.id = parseOrDerive(event.id());
        entry.at = data.at() != null ? data.at() : event.time() != null ? event.time() : Instant.now();
        entry.actorId = data.actorId();
        entry.action = data.action() == null ? "unknown" : data.action();
        entry.targetType = data.targetType();
        entry.targetId = data.targetId();
        entry.tenantId = data.tenantId() == null ? null : parseOrNull(data.tenantId());
        entry.tenantPath = validPath(event.tenantpath());
        entry.outcome = data.outcome() == null ? "UNKNOWN" : data.outcome();
        entry.detail = data.detail();
        entry.source = event.source();
        return entry;
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
