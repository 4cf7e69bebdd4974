package io.palisade.group.device;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.validation.constraints.NotNull;
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
}
