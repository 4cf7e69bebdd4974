-- The device record group-service registered for each staged device, by its seq (none until then, or when the
-- device has no owner to be imported for). Apply walks the staged devices in seq order and resumes after the last
-- one recorded. A narrow table of its own: recording a batch inserts small rows instead of rewriting staged ones.
create table imported_device (
    migration_id uuid not null references migration (id) on delete cascade,
    seq          int  not null,
    device_id    uuid not null,
    primary key (migration_id, seq)
);
