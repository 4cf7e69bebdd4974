-- tenant-service schema. Paths are materialised: "/<id>/<id>/.../" with "/" as the root; the C
-- collation makes "everything under P" an index range scan [P, P with its last "/" as "0").

CREATE TABLE tenant (
    id          UUID PRIMARY KEY,
    name        TEXT        NOT NULL,
    type        TEXT        NOT NULL,
    parent_id   UUID        REFERENCES tenant (id),
    path        TEXT COLLATE "C" NOT NULL,
    external_id TEXT,
    version     BIGINT      NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX tenant_path_idx ON tenant (path);
CREATE UNIQUE INDEX tenant_sibling_name_idx
    ON tenant (COALESCE(parent_id, '00000000-0000-0000-0000-000000000000'::uuid), lower(name));
CREATE INDEX tenant_parent_idx ON tenant (parent_id);

CREATE TABLE permission_set (
    id          UUID PRIMARY KEY,
    name        TEXT        NOT NULL,
    tenant_id   UUID        REFERENCES tenant (id),
    permissions TEXT        NOT NULL,
    version     BIGINT      NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX permission_set_name_idx
    ON permission_set (COALESCE(tenant_id, '00000000-0000-0000-0000-000000000000'::uuid), lower(name));

CREATE TABLE operator (
    id                  UUID PRIMARY KEY,
    username            TEXT        NOT NULL,
    password_hash       TEXT        NOT NULL,
    home_tenant_id      UUID        REFERENCES tenant (id),
    totp_secret         TEXT,
    totp_pending_secret TEXT,
    totp_active         BOOLEAN     NOT NULL DEFAULT FALSE,
    totp_last_step      BIGINT,
    failed_attempts     INT         NOT NULL DEFAULT 0,
    locked_until        TIMESTAMPTZ,
    version             BIGINT      NOT NULL,
    created_at          TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX operator_username_idx ON operator (lower(username));
CREATE INDEX operator_home_idx ON operator (home_tenant_id);

CREATE TABLE operator_permission_set (
    operator_id       UUID NOT NULL REFERENCES operator (id) ON DELETE CASCADE,
    permission_set_id UUID NOT NULL REFERENCES permission_set (id),
    PRIMARY KEY (operator_id, permission_set_id)
);
CREATE INDEX operator_permission_set_set_idx ON operator_permission_set (permission_set_id);

CREATE TABLE signing_key (
    kid         TEXT PRIMARY KEY,
    public_key  TEXT        NOT NULL,
    private_key TEXT        NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    retired_at  TIMESTAMPTZ
);

CREATE TABLE audit_entry (
    id          UUID PRIMARY KEY,
    at          TIMESTAMPTZ NOT NULL,
    actor_id    TEXT,
    action      TEXT        NOT NULL,
    target_type TEXT,
    target_id   TEXT,
    tenant_id   UUID,
    tenant_path TEXT COLLATE "C" NOT NULL,
    outcome     TEXT        NOT NULL,
    detail      TEXT,
    source      TEXT
);
CREATE INDEX audit_entry_path_idx ON audit_entry (tenant_path);
CREATE INDEX audit_entry_at_idx ON audit_entry (at DESC, id DESC);
