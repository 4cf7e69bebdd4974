package io.palisade.group.device;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** The API shapes of devices. */
public final class DeviceDtos {

    private DeviceDtos() {
    }

    public record MoveDevice(@NotNull UUID groupId) {
    }

    /** @param tenantId the customer the device belongs to */
    public record DeviceView(UUID id, String name, UUID tenantId, UUID staticGroupId, List<UUID> dynamicGroupIds,
                             JsonNode inventory, Instant lastSeenAt, String status) {
    }

    /** Up to 1,000 device records to register, awaiting their agents (bulk imports). */
    public record ImportDevices(@NotNull @Size(min = 1, max = DeviceImport.MAX_BATCH) List<@Valid @NotNull ImportDevice> devices) {
    }

    /**
     * One device record: {@code key} makes the import idempotent (the same key never creates a second device);
     * {@code tenantId} owns it; {@code staticGroupId} is a static group of that tenant, of one of its ancestors or
     * of its subtree; an agent that enrols later with {@code hardwareId} for that tenant (or a customer under it)
     * takes this record's id; {@code inventory} (at most 64 KiB) is its last known inventory.
     */
    public record ImportDevice(@NotBlank @Size(max = 200) String key, @NotBlank @Size(max = 200) String name,
                               @NotNull UUID tenantId, @NotNull UUID staticGroupId, @Size(max = 200) String hardwareId,
                               JsonNode inventory) {
    }

    /** The device a key stands for; {@code created} false when it existed already (imported before, or enrolled). */
    public record ImportedDevice(String key, UUID id, boolean created) {
    }

    public record ImportedDevices(List<ImportedDevice> devices) {
    }
}
