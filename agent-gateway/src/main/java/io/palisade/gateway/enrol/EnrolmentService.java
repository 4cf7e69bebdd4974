package io.palisade.gateway.enrol;

import com.fasterxml.jackson.databind.JsonNode;
import io.palisade.events.AuditRecorded;
import io.palisade.events.DeviceEvents;
import io.palisade.gateway.ca.CertificateRequests;
import io.palisade.gateway.ca.DeviceCa;
import io.palisade.gateway.ca.Pem;
import io.palisade.gateway.checkin.Identities;
import io.palisade.gateway.checkin.Identities.Identity;
import io.palisade.gateway.common.GatewayProblems;
import io.palisade.gateway.common.GatewaySettings;
import io.palisade.gateway.installer.InstallerTokens;
import io.palisade.kit.audit.AuditTrail;
import io.palisade.kit.outbox.Outbox;
import io.palisade.kit.problem.CommonProblems;
import io.palisade.kit.problem.Problem.FieldError;
import io.palisade.kit.problem.ProblemException;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * {@code POST /agent/v1/enroll}: an installer token and a CSR become a device and its certificate. The
 * token is checked and its use counted under a row lock, so concurrent enrolments never exceed
 * {@code maxUses}. The same hardware id enrolling again for the same customer keeps its device id (and
 * its old certificate stops working); a revoked device's hardware id gets a new device. The device,
 * its {@code enrolled} event and the audit entry commit together.
 */
@ApplicationScoped
public class EnrolmentService {

    /** The body of an enrolment request, checked. */
    public record Enrolment(String token, String csrPem, String hostname, String hardwareId) {
    }

    /** What the agent receives. */
    public record Enrolled(UUID deviceId, String certificatePem, String caChainPem, long checkInIntervalSeconds) {
    }

    private final Pool pool;
    private final DeviceCa ca;
    private final Outbox outbox;
    private final AuditTrail audit;
    private final Identities identities;
    private final GatewaySettings settings;

    public EnrolmentService(Pool pool, DeviceCa ca, Outbox outbox, AuditTrail audit, Identities identities,
                            GatewaySettings settings) {
        this.pool = pool;
        this.ca = ca;
        this.outbox = outbox;
        this.audit = audit;
        this.identities = identities;
        this.settings = settings;
    }

    /** Reads and checks the body; every error at once. Pure. */
    public static Enrolment parse(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw new ProblemException(CommonProblems.MALFORMED_BODY, "The body must be a JSON object", null, null);
        }
        List<FieldError> errors = new ArrayList<>();
        String token = text(body, "token", InstallerTokens.MAX_LENGTH, errors);
        String csr = text(body, "csrPem", CertificateRequests.MAX_PEM_CHARS, errors);
        String hostname = text(body, "hostname", 253, errors);
        String hardwareId = text(body, "hardwareId", 200, errors);
        JsonNode os = body.get("os");
        if (os != null && !os.isNull() && !os.isObject() && !os.isTextual()) {
            errors.add(new FieldError("os", "must be an object {platform, name, version}"));
        }
        if (!errors.isEmpty()) {
            throw new ProblemException(CommonProblems.INVALID_REQUEST, "The enrolment request is invalid", errors, null);
        }
        return new Enrolment(token, csr, hostname, hardwareId);
    }

    private static String text(JsonNode body, String field, int max, List<FieldError> errors) {
        JsonNode value = body.get(field);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            errors.add(new FieldError(field, "is required"));
            return null;
        }
        if (value.asText().length() > max) {
            errors.add(new FieldError(field, "must be at most " + max + " characters"));
            return null;
        }
        return value.asText();
    }

    public Uni<Enrolled> enrol(Enrolment request) {
        return Uni.createFrom().deferred(() -> enrol(request, CertificateRequests.publicKeyOf(request.csrPem())));
    }

    private Uni<Enrolled> enrol(Enrolment request, PublicKey key) {
        byte[] hash = InstallerTokens.hash(request.token());
        return pool.withTransaction(db -> db.preparedQuery("""
                        select i.id, i.customer_id, i.static_group_id, i.expires_at, i.max_uses, i.uses, i.revoked_at,
                               t.path, t.deleted
                        from installer i join tenant t on t.id = i.customer_id
                        where i.token_hash = $1 for update of i""")
                .execute(Tuple.of(io.vertx.core.buffer.Buffer.buffer(hash)))
                .chain(rows -> {
                    var it = rows.iterator();
                    Row installer = it.hasNext() ? it.next() : null;
                    refuseUnusable(installer);
                    return register(db, installer, request, key);
                }))
                .map(registered -> {
                    identities.changed(registered.identity());
                    return registered.answer();
                });
    }

    private record Registered(Enrolled answer, Identity identity) {
    }

    private static void refuseUnusable(Row installer) {
        String problem = null;
        if (installer == null) {
            problem = "The installer token is not valid";
        } else if (installer.getOffsetDateTime("revoked_at") != null) {
            problem = "The installer token has been revoked";
        } else if (!installer.getOffsetDateTime("expires_at").toInstant().isAfter(Instant.now())) {
            problem = "The installer token has expired";
        } else if (installer.getInteger("uses") >= installer.getInteger("max_uses")) {
            problem = "The installer token has no uses left";
        } else if (installer.getBoolean("deleted")) {
            problem = "The installer's customer no longer exists";
        }
        if (problem != null) {
            throw new ProblemException(GatewayProblems.INVALID_TOKEN, problem);
        }
    }

    private Uni<Registered> register(SqlClient db, Row installer, Enrolment request, PublicKey key) {
        UUID installerId = installer.getUUID("id");
        UUID customerId = installer.getUUID("customer_id");
        UUID staticGroupId = installer.getUUID("static_group_id");
        String customerPath = installer.getString("path");
        return db.preparedQuery("select id from device where customer_id = $1 and hardware_id = $2 and revoked_at is null for update")
                .execute(Tuple.of(customerId, request.hardwareId()))
                .chain(rows -> {
                    var it = rows.iterator();
                    return it.hasNext() ? Uni.createFrom().item(new Known(it.next().getUUID("id"), true, false))
                            : expected(db, customerPath, request.hardwareId());
                })
                .chain(known -> {
                    boolean again = known.again();
                    UUID deviceId = known.id();
                    X509Certificate cert = ca.issueDevice(key, deviceId, customerId);
                    String serial = cert.getSerialNumber().toString(16);
                    OffsetDateTime notAfter = OffsetDateTime.ofInstant(cert.getNotAfter().toInstant(), ZoneOffset.UTC);
                    Uni<?> write = again
                            ? db.preparedQuery("""
                                    update device set hostname = $2, installer_id = $3, cert_serial = $4, cert_not_after = $5,
                                           changed_at = now() where id = $1""")
                                    .execute(Tuple.of(deviceId, request.hostname(), installerId, serial, notAfter))
                            : db.preparedQuery("""
                                    insert into device (id, customer_id, hardware_id, hostname, installer_id, cert_serial, cert_not_after)
                                    values ($1, $2, $3, $4, $5, $6, $7)""")
                                    .execute(Tuple.from(new Object[] {deviceId, customerId, request.hardwareId(), request.hostname(),
                                            installerId, serial, notAfter}));
                    String device = deviceId.toString();
                    return write
                            .chain(() -> db.preparedQuery("update installer set uses = uses + 1 where id = $1").execute(Tuple.of(installerId)))
                            .chain(() -> outbox.publish(db, new DeviceEvents.Enrolled(device, customerId.toString(), request.hardwareId(),
                                    request.hostname(), staticGroupId == null ? null : staticGroupId.toString(), installerId.toString()),
                                    customerPath))
                            .chain(() -> audit.record(db, new AuditRecorded(Instant.now(), "installer:" + installerId,
                                    again ? "device.re-enrolled" : "device.enrolled", "device", device, customerId.toString(),
                                    AuditTrail.SUCCESS, "hostname " + request.hostname()
                                            + (known.imported() ? "; bound to its imported record" : "")), customerPath))
                            .map(ignored -> new Registered(new Enrolled(deviceId, Pem.write(cert), ca.certificatePem(),
                                    settings.agent().checkInInterval().toSeconds()),
                                    new Identity(deviceId, customerId, customerPath, serial, false)));
                });
    }

    /** The device id an enrolment takes: an existing device's ({@code again}), an imported record's, or a new one. */
    private record Known(UUID id, boolean again, boolean imported) {
    }

    /**
     * A first enrolment takes the id of a device record awaiting its agent with the same hardware id, imported for
     * the customer or for a tenant above it (the nearest wins), and removes the record; else a new id.
     */
    private static Uni<Known> expected(SqlClient db, String customerPath, String hardwareId) {
        return db.preparedQuery("""
                        delete from expected_device where device_id = (
                            select e.device_id from expected_device e join tenant t on t.id = e.tenant_id
                            where e.hardware_id = $1 and not t.deleted and starts_with($2, t.path)
                              and not exists (select 1 from device d where d.id = e.device_id)
                            order by length(t.path) desc, e.created_at, e.device_id limit 1
                            for update of e skip locked)
                        returning device_id""")
                .execute(Tuple.of(hardwareId, customerPath))
                .map(rows -> {
                    var it = rows.iterator();
                    return it.hasNext() ? new Known(it.next().getUUID("device_id"), false, true) : new Known(UUID.randomUUID(), false, false);
                });
    }
}
