package io.palisade.migration.job;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The API shapes of migrations. */
public final class MigrationDtos {

    private MigrationDtos() {
    }

    /** What an apply creates, per kind, and what the operator should know first. */
    public record PlanView(long tenants, long staticGroups, long mappedGroups, long dynamicGroups, long devices,
                           long recommendedMoves, List<String> warnings) {
    }

    /** done/total of one kind. */
    public record Progress(long done, long total) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record MigrationView(UUID id, String status, String sourceVersion, String rules, UUID targetTenantId,
                                Instant createdAt, Instant updatedAt, Object plan, Map<String, Progress> progress, Object report) {
    }

    /** A recommended move into the MSP tree. */
    public record MoveView(UUID id, String kind, String legacyId, String name, String companyId, String reason, String status) {
    }
}
