-- The number of device records an apply has registered so far, kept beside the job: progress is read on every GET
-- (clients poll it), and counting the imported rows each time cost more database time than recording them.
alter table migration add column devices_done int not null default 0;
update migration m set devices_done = (select count(*) from imported_device i where i.migration_id = m.id);
