-- group-service schema. Tenant and group paths are materialised ("/<id>/.../"), C collation, so subtrees
-- are index range scans.

-- The projection of the MSP tree from palisade.tenants.
CREATE TABLE tenant_node (
    id         UUID PRIMARY KEY,
    parent_id  UUID,
    name       TEXT        NOT NULL,
    type       TEXT        NOT NULL,
    path       TEXT COLLATE "C" NOT NULL,
    version    BIGINT      NOT NULL,
    deleted    BOOLEAN     NOT NULL DEFAULT FALSE
);
CREATE INDEX tenant_node_path_idx ON tenant_node (path);

-- Static and dynamic groups. tenant_path: the tenant the group belongs to ("/" for All and Lost & Found);
-- group_path: the chain of group ids from All down to this group.
CREATE TABLE group_node (
    id          UUID PRIMARY KEY,
    name        TEXT        NOT NULL,
    kind        TEXT        NOT NULL,
    parent_id   UUID        REFERENCES group_node (id),
    tenant_id   UUID,
    tenant_path TEXT COLLATE "C" NOT NULL,
    group_path  TEXT COLLATE "C" NOT NULL,
    managed     BOOLEAN     NOT NULL DEFAULT FALSE,
    system_role TEXT,
    template_id UUID,
    version     BIGINT      NOT NULL DEFAULT 0,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
-- Custom groups have unique names among their siblings (checked against managed ones in code); managed
-- groups mirror tenant names, which tenant-service keeps unique among siblings.
CREATE UNIQUE INDEX group_node_sibling_name_idx
    ON group_node (COALESCE(parent_id, '00000000-0000-0000-0000-000000000000'::uuid), lower(name)) WHERE NOT managed;
CREATE UNIQUE INDEX group_node_managed_tenant_idx ON group_node (tenant_id) WHERE managed;
CREATE UNIQUE INDEX group_node_system_role_idx ON group_node (system_role) WHERE system_role IS NOT NULL;
CREATE INDEX group_node_group_path_idx ON group_node (group_path);
CREATE INDEX group_node_tenant_path_idx ON group_node (tenant_path);
CREATE INDEX group_node_parent_idx ON group_node (parent_id);
CREATE INDEX group_node_template_idx ON group_node (template_id);

-- Devices, their static group, and typed facts from the inventory for rule predicates: text facts are
-- stored lower-cased (rules compare case-insensitively); *_key columns hold versions in a sortable form.
CREATE TABLE device (
    id                   UUID PRIMARY KEY,
    name                 TEXT        NOT NULL,
    customer_id          UUID        NOT NULL,
    tenant_path          TEXT COLLATE "C" NOT NULL,
    static_group_id      UUID        NOT NULL REFERENCES group_node (id),
    hardware_id          TEXT,
    status               TEXT        NOT NULL,
    last_seen_at         TIMESTAMPTZ,
    created_at           TIMESTAMPTZ NOT NULL DEFAULT now(),
    inventory            JSONB,
    inventory_at         TIMESTAMPTZ,
    os_platform          TEXT,
    os_name              TEXT,
    os_version           TEXT,
    os_version_key       TEXT COLLATE "C",
    hostname             TEXT,
    agent_version        TEXT,
    agent_version_key    TEXT COLLATE "C",
    ram_mb               BIGINT,
    protection_status    TEXT,
    ipv4                 INET[],
    product_names        TEXT[],
    product_versions     TEXT[],
    product_version_keys TEXT[] COLLATE "C",
    tags                 TEXT[]
);
CREATE INDEX device_static_group_idx ON device (static_group_id);
CREATE INDEX device_tenant_path_idx ON device (tenant_path);
CREATE INDEX device_customer_idx ON device (customer_id);
CREATE INDEX device_os_platform_idx ON device (os_platform);
CREATE INDEX device_product_names_idx ON device USING GIN (product_names);
CREATE INDEX device_tags_idx ON device USING GIN (tags);
CREATE INDEX device_inventory_idx ON device USING GIN (inventory jsonb_path_ops);

-- Dynamic group templates: a rule owned by a tenant, usable in its subtree.
CREATE TABLE dynamic_template (
    id          UUID PRIMARY KEY,
    name        TEXT        NOT NULL,
    tenant_id   UUID,
    tenant_path TEXT COLLATE "C" NOT NULL,
    rule        JSONB       NOT NULL,
    version     BIGINT      NOT NULL DEFAULT 0,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX dynamic_template_tenant_path_idx ON dynamic_template (tenant_path);

-- Current members of every dynamic group.
CREATE TABLE dynamic_membership (
    group_id  UUID NOT NULL REFERENCES group_node (id) ON DELETE CASCADE,
    device_id UUID NOT NULL REFERENCES device (id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, device_id)
);
CREATE INDEX dynamic_membership_device_idx ON dynamic_membership (device_id);

-- Tasks assigned to a group; the members are fixed when the task is created.
CREATE TABLE task (
    id          UUID PRIMARY KEY,
    type        TEXT        NOT NULL,
    group_id    UUID        NOT NULL,
    tenant_path TEXT COLLATE "C" NOT NULL,
    parameters  JSONB       NOT NULL,
    created_by  UUID,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX task_tenant_path_idx ON task (tenant_path);

CREATE TABLE task_device (
    task_id    UUID NOT NULL REFERENCES task (id) ON DELETE CASCADE,
    device_id  UUID NOT NULL,
    status     TEXT NOT NULL,
    output     TEXT,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (task_id, device_id)
);
CREATE INDEX task_device_status_idx ON task_device (task_id, status);

-- The root of the static group tree and its Lost & Found, one per installation.
INSERT INTO group_node (id, name, kind, parent_id, tenant_id, tenant_path, group_path, managed, system_role)
VALUES ('00000000-0000-0000-0000-000000000001', 'All', 'STATIC', NULL, NULL, '/',
        '/00000000-0000-0000-0000-000000000001/', TRUE, 'ALL'),
       ('00000000-0000-0000-0000-000000000002', 'Lost & Found', 'STATIC', '00000000-0000-0000-0000-000000000001', NULL, '/',
        '/00000000-0000-0000-0000-000000000001/00000000-0000-0000-0000-000000000002/', TRUE, 'LOST_AND_FOUND');
