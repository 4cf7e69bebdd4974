package io.palisade.events;

/**
 * The data of one event type. Each implementation is a record with a {@code TYPE} constant and is
 * shared by producers and consumers; never copy one into a service.
 */
public interface PalisadeEvent {

    /** The CloudEvents {@code type}, {@code io.palisade.<aggregate>.<event>.v1}. */
    String eventType();

    /** The topic the event is published to. */
    String topic();

    /** The aggregate id: the Kafka key and the CloudEvents {@code subject}. */
    String aggregateId();
}
