-- Device records awaiting their agents (imported from a legacy installation; from group-service through
-- io.palisade.command.device-expected.v1): the first agent that enrols with the hardware id for the tenant, or for
-- a customer under it, takes the record's device id, and the row goes.
CREATE TABLE expected_device (
    device_id   UUID PRIMARY KEY,
    tenant_id   UUID        NOT NULL,
    hardware_id TEXT        NOT NULL,
    hostname    TEXT,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX expected_device_hardware_idx ON expected_device (hardware_id);
