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
}
