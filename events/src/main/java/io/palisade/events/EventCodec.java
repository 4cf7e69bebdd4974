package io.palisade.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Encodes and decodes the CloudEvents envelope and the typed data of every Palisade event. */
public final class EventCodec {

    /** Every known event type, by its CloudEvents type. */
    private static final Map<String, Class<? extends PalisadeEvent>> TYPES = Stream.of(
                    TenantEvents.Created.class, TenantEvents.Renamed.class, TenantEvents.Moved.class,
                    TenantEvents.Deleted.class, AuditRecorded.class,
                    DeviceEvents.Enrolled.class, DeviceEvents.CheckedIn.class, DeviceEvents.InventoryChanged.class,
                    DeviceEvents.TaskResult.class, DeviceEvents.TaskDelivered.class, DeviceEvents.Revoked.class,
                    CommandEvents.TaskAssigned.class, GroupEvents.MembershipChanged.class)
            .collect(Collectors.toUnmodifiableMap(EventCodec::typeOf, Function.identity()));

    private final ObjectMapper mapper;

    public EventCodec() {
        this.mapper = new ObjectMapper()
                .registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }

    /** Wraps event data in a new envelope with a fresh id. */
    public CloudEvent envelope(PalisadeEvent data, String source, String tenantPath, Instant time) {
        return envelope(UUID.randomUUID(), data, source, tenantPath, time);
    }

    /** Wraps event data in an envelope with the given id (used when the id is also stored elsewhere). */
    public CloudEvent envelope(UUID id, PalisadeEvent data, String source, String tenantPath, Instant time) {
        Objects.requireNonNull(data, "data");
        return new CloudEvent(CloudEvent.SPEC_VERSION, id.toString(), source, data.eventType(),
                data.aggregateId(), time, CloudEvent.JSON, tenantPath, mapper.valueToTree(data));
    }

    public String encode(CloudEvent event) {
        try {
            return mapper.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("event cannot be encoded", e);
        }
    }

    /** Decodes an envelope; throws {@link MalformedEventException} for anything that is not one. */
    public CloudEvent decode(String json) {
        try {
            CloudEvent event = mapper.readValue(json, CloudEvent.class);
            if (!CloudEvent.SPEC_VERSION.equals(event.specversion()) || event.id() == null || event.type() == null) {
                throw new MalformedEventException("not a CloudEvents 1.0 envelope");
            }
            return event;
        } catch (JsonProcessingException e) {
            throw new MalformedEventException("not JSON: " + e.getOriginalMessage());
        }
    }

    /** The typed data of an envelope, or {@code null} if its type is not a known Palisade event. */
    public PalisadeEvent data(CloudEvent event) {
        Class<? extends PalisadeEvent> type = TYPES.get(event.type());
        return type == null ? null : data(event, type);
    }

    public <T extends PalisadeEvent> T data(CloudEvent event, Class<T> type) {
        try {
            return mapper.treeToValue(event.data(), type);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new MalformedEventException("data does not match " + event.type());
        }
    }

    public static String typeOf(Class<? extends PalisadeEvent> type) {
        try {
            return (String) type.getField("TYPE").get(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(type + " has no TYPE constant", e);
        }
    }

    /** Thrown for a record that is not a decodable Palisade event. */
    public static final class MalformedEventException extends RuntimeException {
        public MalformedEventException(String message) {
            super(message);
        }
    }
}
