-- A migration job: one uploaded ESMC export, its plan, and the state of its apply.
create table migration (
    id              uuid primary key,
    status          text not null,          -- STAGING (upload in progress), PLANNED, RUNNING, COMPLETED, FAILED
    source_version  text,
    rules           text,                   -- V7_0 or V7_1_2: which version rules the plan follows
    imported        boolean not null default false,
    export_digest   text,                   -- SHA-256 of the export as uploaded: part of every idempotency key
    target_tenant_id uuid,                  -- null: the root
    target_path     text collate "C" not null,
    target_type     text,                   -- the target node's type; null for the root
    initiated_by    uuid not null,
    plan            jsonb,
    report          jsonb,
    runner          uuid,                   -- while RUNNING: the run that holds the job (a new claim replaces it)
    lease_until     timestamptz,            -- while RUNNING: the runner renews it; an expired lease means it died
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now()
);
create index migration_scope on migration (target_path collate "C", created_at, id);

-- Staging: the export's rows as uploaded, for set-oriented validation. seq is the position in its array.
create table staged_company (
    migration_id     uuid not null references migration (id) on delete cascade,
    seq              int not null,
    legacy_id        text,
    name             text,
    type             text,
    parent_legacy_id text,
    primary key (migration_id, seq)
);

create table staged_group (
    migration_id      uuid not null references migration (id) on delete cascade,
    kind              text not null,        -- STATIC or DYNAMIC
    seq               int not null,
    legacy_id         text,
    name              text,
    parent_legacy_id  text,
    company_legacy_id text,
    rule              jsonb,
    primary key (migration_id, kind, seq)
);

create table staged_device (
    migration_id      uuid not null references migration (id) on delete cascade,
    seq               int not null,
    legacy_id         text,
    name              text,
    static_group_legacy_id text,
    company_legacy_id text,
    hardware_id       text,
    inventory         jsonb,
    primary key (migration_id, seq)
);
create index staged_device_id on staged_device (migration_id, legacy_id);
create index staged_device_group on staged_device (migration_id, static_group_legacy_id);

-- The apply plan, one row per object to create, in the order it is created (parents first).
-- parent_ref: TARGET (the target node / its group), T:<legacy company id> (that company's tenant / MSP-tree group)
-- or G:<legacy group id> (a group this job creates or maps).
-- state: PENDING -> ATTEMPTED (recorded before the remote call) -> DONE (with created_id), or FAILED (with error);
-- for dynamic groups the template goes first: TEMPLATE_ATTEMPTED -> (template_id set) -> ATTEMPTED -> DONE.
create table job_item (
    migration_id    uuid not null references migration (id) on delete cascade,
    kind            text not null,          -- TENANT, STATIC_GROUP, MAPPED_GROUP, DYNAMIC_GROUP
    legacy_id       text not null,
    ord             int not null,
    name            text not null,
    tenant_type     text,
    parent_ref      text not null,
    rule            jsonb,
    idempotency_key text not null,
    state           text not null default 'PENDING',
    created_id      uuid,
    template_id     uuid,
    tenant_id       uuid,                   -- the tenant the created group belongs to (for dynamic children)
    error           text,
    updated_at      timestamptz not null default now(),
    primary key (migration_id, kind, legacy_id)
);
create index job_item_order on job_item (migration_id, ord);

-- Moves into the MSP tree that the 7.0 rules recommend (performed by /moves, not by apply).
create table recommended_move (
    migration_id      uuid not null references migration (id) on delete cascade,
    id                uuid not null,
    kind              text not null,        -- DEVICE or GROUP
    legacy_id         text not null,
    name              text,
    company_legacy_id text not null,
    reason            text not null,
    status            text not null default 'RECOMMENDED',
    primary key (migration_id, id)
);
create unique index recommended_move_object on recommended_move (migration_id, kind, legacy_id);
create index staged_group_id on staged_group (migration_id, kind, legacy_id);
create index staged_company_id on staged_company (migration_id, legacy_id);
