package io.palisade.tenant.operator;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;
import org.hibernate.annotations.DynamicUpdate;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

/** An MSP staff account, living at one tenant (null = the root). Secrets never leave this class in answers. */
@Entity
@DynamicUpdate
@Table(name = "operator")
public class Operator extends PanacheEntityBase {
    @Id
    public UUID id;
    public String username;
    @Column(name = "password_hash")
    public String passwordHash;
    @Column(name = "home_tenant_id")
    public UUID homeTenantId;
    @Column(name = "totp_secret")
    public String totpSecret;
    @Column(name = "totp_pending_secret")
    public String totpPendingSecret;
    @Column(name = "totp_active")
    public boolean totpActive;
    @Column(name = "totp_last_step")
    public Long totpLastStep;
    @Column(name = "failed_attempts")
    public int failedAttempts;
    @Column(name = "locked_until")
    public Instant lockedUntil;
    @ElementCollection(fetch = FetchType.EAGER)
    @CollectionTable(name = "operator_permission_set", joinColumns = @JoinColumn(name = "operator_id"))
    @Column(name = "permission_set_id")
    public Set<UUID> permissionSetIds = new HashSet<>();
    @Version
    public long version;
    @Column(name = "created_at")
    public Instant createdAt;
}
