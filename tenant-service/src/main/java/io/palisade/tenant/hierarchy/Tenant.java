package io.palisade.tenant.hierarchy;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;
import java.util.UUID;

/** A node of the MSP tree. {@code path} is materialised: its ancestors' ids and its own, "/"-separated. */
@Entity
@Table(name = "tenant")
public class Tenant extends PanacheEntityBase {
    @Id
    public UUID id;
    public String name;
    @Enumerated(EnumType.STRING)
    public TenantType type;
    @Column(name = "parent_id")
    public UUID parentId;
    public String path;
    @Column(name = "external_id")
    public String externalId;
    @Version
    public long version;
    @Column(name = "created_at")
    public Instant createdAt;
}
