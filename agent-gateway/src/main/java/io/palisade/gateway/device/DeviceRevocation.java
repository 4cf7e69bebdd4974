package io.palisade.gateway.device;

import io.palisade.events.AuditRecorded;
import io.palisade.events.DeviceEvents;
import io.palisade.gateway.checkin.Identities;
import io.palisade.gateway.checkin.Identities.Identity;
import io.palisade.kit.audit.AuditTrail;
import io.palisade.kit.outbox.Outbox;
import io.palisade.kit.problem.ProblemException;
import io.palisade.kit.scope.OperatorPrincipal;
import io.palisade.kit.scope.OperatorScope;
import io.palisade.kit.scope.Permissions;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.UUID;

/**
 * Revokes a device ({@code devices.write} over its customer): its certificate is refused by this replica
 * at once and by every other within one identity re-read; {@code device.revoked} and the audit entry
 * commit with the change. Revoking a revoked device changes nothing and answers the same.
 */
@ApplicationScoped
public class DeviceRevocation {

    private final Pool pool;
    private final OperatorScope scope;
    private final Outbox outbox;
    private final AuditTrail audit;
    private final Identities identities;

    public DeviceRevocation(Pool pool, OperatorScope scope, Outbox outbox, AuditTrail audit, Identities identities) {
        this.pool = pool;
        this.scope = scope;
        this.outbox = outbox;
        this.audit = audit;
        this.identities = identities;
    }

    public Uni<Void> revoke(UUID deviceId) {
        OperatorPrincipal caller = scope.principal();
        return pool.withTransaction(db -> db.preparedQuery("""
                        select d.customer_id, d.cert_serial, d.revoked_at, t.path
                        from device d join tenant t on t.id = d.customer_id where d.id = $1 for update of d""")
                .execute(Tuple.of(deviceId))
                .chain(rows -> {
                    var it = rows.iterator();
                    Row row = it.hasNext() ? it.next() : null;
                    scope.authorize(row == null ? null : row.getString("path"), Permissions.DEVICES_WRITE,
                            () -> ProblemException.notFound("Device"));
                    UUID customerId = row.getUUID("customer_id");
                    String path = row.getString("path");
                    Identity revoked = new Identity(deviceId, customerId, path, row.getString("cert_serial"), true);
                    if (row.getOffsetDateTime("revoked_at") != null) {
                        return Uni.createFrom().item(revoked);
                    }
                    return db.preparedQuery("update device set revoked_at = now(), changed_at = now() where id = $1")
                            .execute(Tuple.of(deviceId))
                            .chain(() -> outbox.publish(db, new DeviceEvents.Revoked(deviceId.toString(), customerId.toString()), path))
                            .chain(() -> audit.record(db, new AuditRecorded(Instant.now(), caller.getName(), "device.revoked", "device",
                                    deviceId.toString(), customerId.toString(), AuditTrail.SUCCESS, null), path))
                            .replaceWith(revoked);
                }))
                .invoke(identities::changed)
                .replaceWithVoid();
    }
}
