package io.palisade.kit.audit;

import io.palisade.events.AuditRecorded;
import io.palisade.events.CloudEvent;
import io.palisade.kit.outbox.Outbox;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;

/**
 * Records an audited action by publishing {@code io.palisade.audit.recorded.v1} through the outbox,
 * in the caller's transaction. tenant-service stores every service's entries.
 */
@ApplicationScoped
public class AuditTrail {

    public static final String SUCCESS = "SUCCESS";
    public static final String FAILURE = "FAILURE";

    private final Outbox outbox;

    public AuditTrail(Outbox outbox) {
        this.outbox = outbox;
    }

    /** Publishes the entry with the connection of the caller's transaction. */
    public Uni<CloudEvent> record(io.vertx.mutiny.sqlclient.SqlClient connection, AuditRecorded entry, String tenantPath) {
        return outbox.publish(connection, entry, tenantPath);
    }

    /** Publishes the entry; its envelope id is the entry id. */
    public Uni<CloudEvent> record(UUID entryId, AuditRecorded entry, String tenantPath) {
        return outbox.publish(entryId, entry, tenantPath);
    }
}
