package io.palisade.gateway.installer;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.palisade.events.AuditRecorded;
import io.palisade.gateway.ca.DeviceCa;
import io.palisade.gateway.common.GatewayProblems;
import io.palisade.gateway.common.GatewaySettings;
import io.palisade.kit.api.Ids;
import io.palisade.kit.api.Paging;
import io.palisade.kit.audit.AuditTrail;
import io.palisade.kit.problem.ProblemException;
import io.palisade.kit.scope.OperatorPrincipal;
import io.palisade.kit.scope.OperatorScope;
import io.palisade.kit.scope.Permissions;
import io.palisade.kit.scope.TreePaths;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Installer tokens: issued by an operator with {@code installers.write} for a customer in their scope
 * (and optionally one of its static groups, which group-service checks when the device arrives),
 * expiring, use-capped, revocable. The token is returned once, at creation; only its hash is kept.
 */
@ApplicationScoped
public class InstallerService {

    public static final Duration MAX_LIFETIME = Duration.ofDays(366);
    public static final int MAX_USES = 1_000_000;
    private static final String COLUMNS = """
            i.id, i.customer_id, i.static_group_id, i.expires_at, i.max_uses, i.uses, i.revoked_at, i.created_at, i.created_by""";

    /** An installer as the API shows it; {@code token} only in the answer to its creation. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record InstallerView(UUID id, UUID customerId, UUID staticGroupId, String token, String enrollUrl,
                                String caCertificatePem, Instant expiresAt, int maxUses, int uses, boolean revoked,
                                Instant revokedAt, Instant createdAt, String createdBy) {
    }

    private final Pool pool;
    private final OperatorScope scope;
    private final DeviceCa ca;
    private final AuditTrail audit;
    private final GatewaySettings settings;

    public InstallerService(Pool pool, OperatorScope scope, DeviceCa ca, AuditTrail audit, GatewaySettings settings) {
        this.pool = pool;
        this.scope = scope;
        this.ca = ca;
        this.audit = audit;
        this.settings = settings;
    }

    public static ProblemException notFound() {
        return ProblemException.notFound("Installer");
    }

    public String enrollUrl() {
        String base = settings.agent().publicUrl().orElseGet(() -> "https://" + settings.agent().hostnames().get(0) + ":"
                + settings.agent().port());
        return (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/agent/v1/enroll";
    }

    public Uni<InstallerView> create(UUID customerId, UUID staticGroupId, Instant expiresAt, int maxUses) {
        Instant now = Instant.now();
        if (!expiresAt.isAfter(now)) {
            throw ProblemException.invalid("expiresAt", "must be in the future");
        }
        if (expiresAt.isAfter(now.plus(MAX_LIFETIME))) {
            throw ProblemException.invalid("expiresAt", "must be within " + MAX_LIFETIME.toDays() + " days");
        }
        if (maxUses < 1 || maxUses > MAX_USES) {
            throw ProblemException.invalid("maxUses", "must be between 1 and " + MAX_USES);
        }
        OperatorPrincipal caller = scope.principal();
        String token = InstallerTokens.generate();
        UUID id = UUID.randomUUID();
        return pool.withTransaction(db -> customer(db, customerId).chain(path -> db.preparedQuery("""
                                insert into installer (id, customer_id, static_group_id, token_hash, expires_at, max_uses, created_by)
                                values ($1, $2, $3, $4, $5, $6, $7)""")
                        .execute(Tuple.from(new Object[] {id, customerId, staticGroupId, Buffer.buffer(InstallerTokens.hash(token)),
                                OffsetDateTime.ofInstant(expiresAt, ZoneOffset.UTC), maxUses, caller.getName()}))
                        .chain(() -> audit.record(db, new AuditRecorded(now, caller.getName(), "installer.created", "installer",
                                id.toString(), customerId.toString(), AuditTrail.SUCCESS,
                                "expires " + expiresAt + ", up to " + maxUses + " use(s)"), path))
                        .chain(() -> find(db, id))))
                .map(row -> view(row, token));
    }

    public Uni<InstallerView> get(UUID id) {
        return visible(pool, id).map(row -> view(row, null));
    }

    public Uni<Paging.Page<InstallerView>> list(UUID customerId, String cursor, int limit) {
        String after = Paging.decode(cursor);
        UUID afterId = after == null ? new UUID(0, 0) : Ids.parse("cursor", after);
        Uni<String> within = customerId == null
                ? Uni.createFrom().item(() -> {
                    scope.require(Permissions.INSTALLERS_WRITE);
                    return scope.homePath();
                })
                : customer(pool, customerId);
        return within.chain(path -> pool.preparedQuery("select " + COLUMNS + " from installer i join tenant t on t.id = i.customer_id "
                                + "where t.path >= $1 and t.path < $2 and ($3::uuid is null or i.customer_id = $3) and i.id > $4 "
                                + "order by i.id limit $5")
                        .execute(Tuple.from(new Object[] {path, TreePaths.upperBound(path), customerId, afterId, limit + 1})))
                .map(rows -> {
                    List<InstallerView> out = new ArrayList<>();
                    for (Row row : rows) {
                        out.add(view(row, null));
                    }
                    return Paging.page(out, limit, v -> v.id().toString(), v -> v);
                });
    }

    public Uni<Void> revoke(UUID id) {
        OperatorPrincipal caller = scope.principal();
        return pool.withTransaction(db -> visible(db, id).chain(row -> {
            if (row.getOffsetDateTime("revoked_at") != null) {
                return Uni.createFrom().voidItem();
            }
            return db.preparedQuery("update installer set revoked_at = now() where id = $1").execute(Tuple.of(id))
                    .chain(() -> audit.record(db, new AuditRecorded(Instant.now(), caller.getName(), "installer.revoked", "installer",
                            id.toString(), row.getUUID("customer_id").toString(), AuditTrail.SUCCESS, null), row.getString("path")))
                    .replaceWithVoid();
        }));
    }

    /**
     * The path of a customer the caller may issue installers for: 404 when missing, deleted or outside the
     * scope, 403 without the permission, 409 when the tenant is not a customer.
     */
    private Uni<String> customer(SqlClient db, UUID customerId) {
        return db.preparedQuery("select type, path, deleted from tenant where id = $1").execute(Tuple.of(customerId)).map(rows -> {
            var it = rows.iterator();
            Row row = it.hasNext() ? it.next() : null;
            String path = row == null || row.getBoolean("deleted") ? null : row.getString("path");
            scope.authorize(path, Permissions.INSTALLERS_WRITE, () -> ProblemException.notFound("Customer"));
            if (!"CUSTOMER".equals(row.getString("type"))) {
                throw new ProblemException(GatewayProblems.NOT_A_CUSTOMER, "Installers are issued for customers; this tenant is a "
                        + row.getString("type"));
            }
            return path;
        });
    }

    private Uni<Row> visible(SqlClient db, UUID id) {
        return db.preparedQuery("select " + COLUMNS + ", t.path from installer i join tenant t on t.id = i.customer_id where i.id = $1")
                .execute(Tuple.of(id)).map(rows -> {
                    var it = rows.iterator();
                    Row row = it.hasNext() ? it.next() : null;
                    scope.authorize(row == null ? null : row.getString("path"), Permissions.INSTALLERS_WRITE, InstallerService::notFound);
                    return row;
                });
    }

    private Uni<Row> find(SqlClient db, UUID id) {
        return db.preparedQuery("select " + COLUMNS + " from installer i where i.id = $1").execute(Tuple.of(id))
                .map(rows -> rows.iterator().next());
    }

    private InstallerView view(Row row, String token) {
        OffsetDateTime revokedAt = row.getOffsetDateTime("revoked_at");
        return new InstallerView(row.getUUID("id"), row.getUUID("customer_id"), row.getUUID("static_group_id"), token, enrollUrl(),
                ca.certificatePem(), row.getOffsetDateTime("expires_at").toInstant(), row.getInteger("max_uses"),
                row.getInteger("uses"), revokedAt != null, revokedAt == null ? null : revokedAt.toInstant(),
                row.getOffsetDateTime("created_at").toInstant(), row.getString("created_by"));
    }
}
