package io.palisade.events;

/** Group events, on {@link Topics#GROUPS}. Published by group-service. */
public final class GroupEvents {

    public static final String JOINED = "JOINED";
    public static final String LEFT = "LEFT";

    private GroupEvents() {
    }

    /** A device joined or left a dynamic group; keyed by device id. */
    public record MembershipChanged(String deviceId, String groupId, String change) implements PalisadeEvent {
        public static final String TYPE = "io.palisade.group.membership-changed.v1";

        @Override public String eventType() { return TYPE; }
        @Override public String topic() { return Topics.GROUPS; }
        @Override public String aggregateId() { return deviceId; }
    }
}
