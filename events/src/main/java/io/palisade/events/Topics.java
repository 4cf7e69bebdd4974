package io.palisade.events;

/** Kafka topic names. Every record is keyed by its aggregate id so order holds per aggregate. */
public final class Topics {
    public static final String TENANTS = "palisade.tenants";
    public static final String AUDIT = "palisade.audit";
    public static final String DEVICES = "palisade.devices";
    public static final String GROUPS = "palisade.groups";
    public static final String COMMANDS = "palisade.commands";

    private Topics() {
    }
}
