package io.palisade.migration.move;

import io.palisade.events.AuditRecorded;
import io.palisade.kit.api.Paging;
import io.palisade.kit.audit.AuditTrail;
import io.palisade.kit.problem.ProblemException;
import io.palisade.kit.scope.OperatorPrincipal;
import io.palisade.kit.scope.OperatorScope;
import io.palisade.kit.scope.Permissions;
import io.palisade.migration.apply.DeviceRecords;
import io.palisade.migration.common.MigrationProblems;
import io.palisade.migration.job.MigrationDtos.MoveView;
import io.palisade.migration.job.MigrationRepository;
import io.palisade.migration.job.MigrationRow;
import io.palisade.migration.job.MigrationService;
import io.palisade.migration.remote.GroupApi;
import io.palisade.migration.remote.RemoteCall;
import io.palisade.migration.remote.RemoteFailure;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Performs recommended moves into the MSP tree with the caller's token: a legacy group moves under its company's
 * MSP-tree group. Idempotent (a performed move is not repeated; a group already in place is marked performed)
 * and audited one entry per move; a device record moves into its company's MSP-tree group.
 */
@ApplicationScoped
public class MoveService {

    private final Pool pool;
    private final MigrationRepository migrations;
    private final MoveRepository moves;
    private final GroupApi groups;
    private final OperatorScope scope;
    private final AuditTrail audit;
    private final DeviceRecords devices;

    public MoveService(Pool pool, MigrationRepository migrations, MoveRepository moves, GroupApi groups, OperatorScope scope,
                       AuditTrail audit, DeviceRecords devices) {
        this.pool = pool;
        this.migrations = migrations;
        this.moves = moves;
        this.groups = groups;
        this.scope = scope;
        this.audit = audit;
        this.devices = devices;
    }

    public Paging.Page<MoveView> list(UUID id, String cursor, int limit) {
        visible(id);
        String after = Paging.decode(cursor);
        UUID afterId;
        try {
            afterId = after == null ? null : UUID.fromString(after);
        } catch (IllegalArgumentException e) {
            throw ProblemException.invalid("cursor", "is not a cursor this service gave out");
        }
        List<MoveView> rows = moves.page(id, afterId, limit + 1).await().indefinitely();
        return Paging.page(rows, limit, m -> m.id().toString(), m -> m);
    }

    /** Performs the named moves ({@code null}: all); answers what happened to each kind. */
    public Map<String, Object> perform(UUID id, List<UUID> ids, String token) {
        MigrationRow row = visible(id);
        scope.require(Permissions.GROUPS_WRITE);
        if (!"COMPLETED".equals(row.status())) {
            throw new ProblemException(MigrationProblems.NOT_APPLICABLE, "Moves are performed after the apply has completed; "
                    + "this migration is " + row.status());
        }
        if (ids != null && moves.countKnown(id, ids).await().indefinitely() != ids.size()) {
            throw ProblemException.invalid("moves", "names moves that this migration does not recommend");
        }
        OperatorPrincipal caller = scope.principal();
        int performed = 0;
        int unavailable = 0;
        List<Map<String, String>> failed = new ArrayList<>();
        List<MoveView> open = moves.open(id, ids).await().indefinitely();
        if (open.stream().anyMatch(m -> !"GROUP".equals(m.kind()))) {
            scope.require(Permissions.DEVICES_WRITE);
        }
        for (MoveView move : open) {
            boolean group = "GROUP".equals(move.kind());
            String error = group ? moveGroup(id, move, token) : moveDevice(id, move, token);
            if (error == null) {
                performed++;
                record(row, caller, move, AuditTrail.SUCCESS, (group ? "moved legacy group " : "moved legacy device ")
                        + move.legacyId() + (group ? " under" : " into") + " company " + move.companyId() + "'s MSP-tree group",
                        "PERFORMED");
            } else {
                failed.add(Map.of("id", move.id().toString(), "legacyId", move.legacyId(), "reason", error));
                record(row, caller, move, AuditTrail.FAILURE, error, "FAILED");
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("performed", performed);
        out.put("failed", failed);
        out.put("unavailable", unavailable);
        return out;
    }

    private String moveGroup(UUID id, MoveView move, String token) {
        UUID group = moves.createdGroup(id, move.legacyId()).await().indefinitely();
        UUID tenant = moves.createdTenant(id, move.companyId()).await().indefinitely();
        if (group == null || tenant == null) {
            return "the group or the company was not created by this migration";
        }
        try {
            GroupApi.Group target = groups.managedGroupOf(token, tenant);
            if (target == null) {
                return "group-service does not show the MSP-tree group of company " + move.companyId() + " yet";
            }
            RemoteCall.Answer answer = groups.move(token, group, target.id());
            return answer.ok() ? null : "group-service refused: " + answer.detail();
        } catch (RemoteFailure e) {
            return "group-service refused: " + e.answer().detail();
        } catch (RemoteCall.Unreachable e) {
            return e.getMessage();
        }
    }

    private String moveDevice(UUID id, MoveView move, String token) {
        UUID device = devices.deviceOf(id, move.legacyId()).await().indefinitely();
        UUID tenant = moves.createdTenant(id, move.companyId()).await().indefinitely();
        if (device == null || tenant == null) {
            return "the device record or the company was not created by this migration";
        }
        try {
            GroupApi.Group target = groups.managedGroupOf(token, tenant);
            if (target == null) {
                return "group-service does not show the MSP-tree group of company " + move.companyId() + " yet";
            }
            RemoteCall.Answer answer = groups.moveDevice(token, device, target.id());
            return answer.ok() ? null : "group-service refused: " + answer.detail();
        } catch (RemoteFailure e) {
            return "group-service refused: " + e.answer().detail();
        } catch (RemoteCall.Unreachable e) {
            return e.getMessage();
        }
    }

    private void record(MigrationRow row, OperatorPrincipal caller, MoveView move, String outcome, String detail, String status) {
        pool.withTransaction(db -> moves.status(db, row.id(), move.id(), status)
                .chain(() -> audit.record(db, new AuditRecorded(Instant.now(), caller.getName(), "migration.move", "migration",
                        row.id().toString(), row.targetTenantId() == null ? null : row.targetTenantId().toString(), outcome,
                        detail), row.targetPath()))).await().indefinitely();
    }

    private MigrationRow visible(UUID id) {
        MigrationRow row = migrations.find(id).await().indefinitely();
        scope.authorize(row == null ? null : row.targetPath(), Permissions.MIGRATIONS_RUN, MigrationService::notFound);
        return row;
    }
}
