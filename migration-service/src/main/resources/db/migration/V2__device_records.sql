-- The device record group-service registered for each staged device (null until then, or when the device has no
-- owner to be imported for). Apply walks the staged devices in seq order and resumes after the last one recorded.
alter table staged_device add column device_id uuid;
