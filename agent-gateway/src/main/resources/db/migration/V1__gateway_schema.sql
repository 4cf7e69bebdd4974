-- agent-gateway schema. Tenant paths are materialised ("/<id>/.../"), C collation, so "everything in a
-- subtree" is an index range scan.

-- The projection of the MSP tree from palisade.tenants: which customers exist, and where.
CREATE TABLE tenant (
    id      UUID PRIMARY KEY,
    type    TEXT             NOT NULL,
    path    TEXT COLLATE "C" NOT NULL,
    version BIGINT           NOT NULL,
    deleted BOOLEAN          NOT NULL DEFAULT FALSE
);
CREATE INDEX tenant_path_idx ON tenant (path);

-- The device CA, shared by every replica: one row. The private key is sealed with the master key.
CREATE TABLE device_ca (
    id              SMALLINT PRIMARY KEY CHECK (id = 1),
    certificate_pem TEXT        NOT NULL,
    sealed_key      TEXT        NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Installer tokens, stored only as SHA-256 hashes (the token has 256 random bits).
CREATE TABLE installer (
    id              UUID PRIMARY KEY,
    customer_id     UUID        NOT NULL REFERENCES tenant (id),
    static_group_id UUID,
    token_hash      BYTEA       NOT NULL UNIQUE,
    expires_at      TIMESTAMPTZ NOT NULL,
    max_uses        INT         NOT NULL,
    uses            INT         NOT NULL DEFAULT 0,
    revoked_at      TIMESTAMPTZ,
    created_by      TEXT        NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX installer_customer_idx ON installer (customer_id, id);

-- Devices and their current certificate. A revoked device stays (its id is never reused); the same
-- hardware id enrolling again for the same customer gets a new device only when the old one was revoked.
CREATE TABLE device (
    id             UUID PRIMARY KEY,
    customer_id    UUID        NOT NULL REFERENCES tenant (id),
    hardware_id    TEXT        NOT NULL,
    hostname       TEXT        NOT NULL,
    installer_id   UUID        NOT NULL,
    cert_serial    TEXT        NOT NULL,
    cert_not_after TIMESTAMPTZ NOT NULL,
    enrolled_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    revoked_at     TIMESTAMPTZ,
    -- Set by every change of the device's identity (enrolment, re-enrolment, revocation): each replica
    -- re-reads what changed recently to refresh its identity cache.
    changed_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX device_hardware_idx ON device (customer_id, hardware_id) WHERE revoked_at IS NULL;
CREATE INDEX device_changed_idx ON device (changed_at);

-- Tasks waiting for their device (from palisade.commands), kept until the agent reports a result.
CREATE TABLE pending_task (
    device_id    UUID        NOT NULL,
    task_id      UUID        NOT NULL,
    type         TEXT        NOT NULL,
    parameters   JSONB       NOT NULL,
    assigned_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    delivered_at TIMESTAMPTZ,
    PRIMARY KEY (device_id, task_id)
);
