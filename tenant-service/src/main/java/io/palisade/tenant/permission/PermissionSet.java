package io.palisade.tenant.permission;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;
import java.util.UUID;

/** A named set of permissions owned by a tenant (null = the root), usable by operators in its subtree. */
@Entity
@Table(name = "permission_set")
public class PermissionSet extends PanacheEntityBase {
    @Id
    public UUID id;
    public String name;
    @Column(name = "tenant_id")
    public UUID tenantId;
    /** Sorted, comma-separated permission names. */
    public String permissions;
    @Version
    public long version;
    @Column(name = "created_at")
    public Instant createdAt;

    public List<String> permissionList() {
        return permissions.isEmpty() ? List.of() : Arrays.asList(permissions.split(","));
    }

    public void setPermissions(Collection<String> names) {
        permissions = String.join(",", new TreeSet<>(names));
    }
}
