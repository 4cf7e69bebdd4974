package io.palisade.tenant.operator;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** The API shapes of operators; none of them carries a password hash or a TOTP secret. */
public final class OperatorDtos {

    public static final String USERNAME = "[A-Za-z0-9._@-]+";

    private OperatorDtos() {
    }

    public record CreateOperator(
            @NotBlank @Size(min = 3, max = 100) @Pattern(regexp = USERNAME, message = "may contain letters, digits and . _ @ - only") String username,
            @NotNull @Size(min = 12, max = 256) String password,
            UUID homeTenantId,
            @Size(max = 50) Set<@NotNull UUID> permissionSetIds) {
    }

    public record UpdateOperator(
            @Size(min = 12, max = 256) String password,
            @Size(max = 50) Set<@NotNull UUID> permissionSetIds) {
    }

    public record OperatorView(UUID id, String username, UUID homeTenantId, List<UUID> permissionSetIds,
                               boolean totpActive, long version, Instant createdAt) {
        public static OperatorView of(Operator o) {
            return new OperatorView(o.id, o.username, o.homeTenantId, o.permissionSetIds.stream().sorted().toList(),
                    o.totpActive, o.version, o.createdAt);
        }
    }
}
