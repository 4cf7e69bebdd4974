package io.palisade.tenant.permission;

import io.palisade.tenant.hierarchy.TenantDtos;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** The API shapes of permission sets. */
public final class PermissionSetDtos {

    private PermissionSetDtos() {
    }

    public record CreatePermissionSet(
            @NotBlank @Size(max = 200) @Pattern(regexp = TenantDtos.PRINTABLE, message = "must not contain control characters") String name,
            UUID tenantId,
            @NotNull @Size(max = 50) List<@NotNull @Size(max = 100) String> permissions) {
    }

    public record UpdatePermissionSet(
            @Size(min = 1, max = 200) @Pattern(regexp = TenantDtos.PRINTABLE, message = "must not contain control characters") String name,
            @Size(max = 50) List<@NotNull @Size(max = 100) String> permissions) {
    }

    public record PermissionSetView(UUID id, String name, UUID tenantId, List<String> permissions, long version,
                                    Instant createdAt) {
        public static PermissionSetView of(PermissionSet s) {
            return new PermissionSetView(s.id, s.name, s.tenantId, s.permissionList(), s.version, s.createdAt);
        }
    }
}
