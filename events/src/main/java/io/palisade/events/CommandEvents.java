package io.palisade.events;

import com.fasterxml.jackson.databind.JsonNode;

/** Commands to devices, on {@link Topics#COMMANDS}, keyed by device id. Published by group-service. */
public final class CommandEvents {

    private CommandEvents() {
    }

    public record TaskAssigned(String taskId, String deviceId, String type, JsonNode parameters) implements PalisadeEvent {
        public static final String TYPE = "io.palisade.command.task-assigned.v1";

        @Override public String eventType() { return TYPE; }
        @Override public String topic() { return Topics.COMMANDS; }
        @Override public String aggregateId() { return deviceId; }
    }

    /**
     * A device record awaiting its agent (imported from a legacy installation): an agent that enrols later with
     * this {@code hardwareId} for {@code tenantId} or a customer under it takes {@code deviceId}. Published by
     * group-service when it registers the record; the agent gateway keeps it until an agent binds to it.
     */
    public record DeviceExpected(String deviceId, String tenantId, String hardwareId, String hostname) implements PalisadeEvent {
        public static final String TYPE = "io.palisade.command.device-expected.v1";

        @Override public String eventType() { return TYPE; }
        @Override public String topic() { return Topics.COMMANDS; }
        @Override public String aggregateId() { return deviceId; }
    }
}
