-- Device records imported from a legacy installation (status AWAITING_AGENT until an agent binds to them).
-- An import key is unique per tenant the record was imported for: the same key for the same tenant never creates
-- a second device, and a key says nothing about another tenant's devices.
ALTER TABLE device ADD COLUMN import_tenant_id UUID;
ALTER TABLE device ADD COLUMN import_key TEXT;
CREATE UNIQUE INDEX device_import_key ON device (import_tenant_id, import_key) WHERE import_key IS NOT NULL;
CREATE INDEX device_hardware_idx ON device (customer_id, hardware_id) WHERE hardware_id IS NOT NULL;
