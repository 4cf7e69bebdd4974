package io.palisade.events;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/** Events of the device aggregate, on {@link Topics#DEVICES}, keyed by device id. Published by agent-gateway. */
public final class DeviceEvents {

    private DeviceEvents() {
    }

    /** A device enrolled (or re-enrolled with the same hardware id, keeping its id). */
    public record Enrolled(String deviceId, String customerId, String hardwareId, String hostname, String staticGroupId,
                           String installerId) implements PalisadeEvent {
        public static final String TYPE = "io.palisade.device.enrolled.v1";

        @Override public String eventType() { return TYPE; }
        @Override public String topic() { return Topics.DEVICES; }
        @Override public String aggregateId() { return deviceId; }
    }

    public record CheckedIn(String deviceId, String customerId, Instant at, long sequence) implements PalisadeEvent {
        public static final String TYPE = "io.palisade.device.checked-in.v1";

        @Override public String eventType() { return TYPE; }
        @Override public String topic() { return Topics.DEVICES; }
        @Override public String aggregateId() { return deviceId; }
    }

    /** The full inventory document, sent when it changed since the last acknowledged check-in. */
    public record InventoryChanged(String deviceId, String customerId, JsonNode inventory) implements PalisadeEvent {
        public static final String TYPE = "io.palisade.device.inventory-changed.v1";

        @Override public String eventType() { return TYPE; }
        @Override public String topic() { return Topics.DEVICES; }
        @Override public String aggregateId() { return deviceId; }
    }

    /** @param status {@code SUCCEEDED} or {@code FAILED} */
    public record TaskResult(String deviceId, String taskId, String status, String output) implements PalisadeEvent {
        public static final String TYPE = "io.palisade.device.task-result.v1";

        @Override public String eventType() { return TYPE; }
        @Override public String topic() { return Topics.DEVICES; }
        @Override public String aggregateId() { return deviceId; }
    }

    /** The agent picked the task up at a check-in. */
    public record TaskDelivered(String deviceId, String taskId, Instant at) implements PalisadeEvent {
        public static final String TYPE = "io.palisade.device.task-delivered.v1";

        @Override public String eventType() { return TYPE; }
        @Override public String topic() { return Topics.DEVICES; }
        @Override public String aggregateId() { return deviceId; }
    }

    public record Revoked(String deviceId, String customerId) implements PalisadeEvent {
        public static final String TYPE = "io.palisade.device.revoked.v1";

        @Override public String eventType() { return TYPE; }
        @Override public String topic() { return Topics.DEVICES; }
        @Override public String aggregateId() { return deviceId; }
    }
}
