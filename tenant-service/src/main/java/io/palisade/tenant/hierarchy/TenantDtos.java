package io.palisade.tenant.hierarchy;

import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.UUID;

/** The API shapes of tenant nodes. */
public final class TenantDtos {

    /** No control characters; names are at most 200 characters. */
    public static final String PRINTABLE = "[^\\p{Cntrl}]*";

    private TenantDtos() {
    }

    public record CreateTenant(
            @NotBlank @Size(max = 200) @Pattern(regexp = PRINTABLE, message = "must not contain control characters") String name,
            @NotNull TenantType type,
            UUID parentId,
            @Size(max = 200) @Pattern(regexp = PRINTABLE, message = "must not contain control characters") String externalId) {
    }

    /** Many tenants at once, each under an existing parent; created together or not at all. */
    public record CreateTenants(@NotNull @Size(min = 1, max = 500) java.util.List<@Valid @NotNull CreateTenant> tenants) {
    }

    public record UpdateTenant(
            @Size(min = 1, max = 200) @Pattern(regexp = PRINTABLE, message = "must not contain control characters") String name,
            @Size(max = 200) @Pattern(regexp = PRINTABLE, message = "must not contain control characters") String externalId) {
    }

    public record MoveTenant(UUID parentId) {
    }

    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record TenantView(UUID id, String name, TenantType type, UUID parentId, String path, String externalId,
                             long version, Instant createdAt) {
        public static TenantView of(Tenant t) {
            return new TenantView(t.id, t.name, t.type, t.parentId, t.path, t.externalId, t.version, t.createdAt);
        }
    }
}
