package io.palisade.tenant.audit;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** One audited action of any service; visible to auditors whose subtree holds {@code tenantPath}. */
@Entity
@Table(name = "audit_entry")
public class AuditEntry extends PanacheEntityBase {
    @Id
    public UUID id;
    public Instant at;
    @Column(name = "actor_id")
    public String actorId;
    public String action;
    @Column(name = "target_type")
    public String targetType;
    @Column(name = "target_id")
    public String targetId;
    @Column(name = "tenant_id")
    public UUID tenantId;
    @Column(name = "tenant_path")
    public String tenantPath;
    public String outcome;
    public String detail;
    public String source;
}
