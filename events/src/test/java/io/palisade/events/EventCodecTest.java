package io.palisade.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class EventCodecTest {

    private final EventCodec codec = new EventCodec();

    @Test
    void envelopeRoundTripsAsStructuredCloudEvent() {
        var created = new TenantEvents.Created("t1", "Acme", "MSP", null, "/t1/", 1, null);
        CloudEvent event = codec.envelope(created, "/tenant-service", "/t1/", Instant.parse("2026-01-01T00:00:00Z"));

        String json = codec.encode(event);
        CloudEvent back = codec.decode(json);

        assertEquals("1.0", back.specversion());
        assertEquals("io.palisade.tenant.created.v1", back.type());
        assertEquals("t1", back.subject());
        assertEquals("/t1/", back.tenantpath());
        assertEquals("application/json", back.datacontenttype());
        assertEquals(created, codec.data(back));
        assertEquals(true, json.contains("\"time\":\"2026-01-01T00:00:00Z\""));
    }

    @Test
    void everyTypeNameFollowsTheConvention() {
        for (var type : new Class[] {TenantEvents.Created.class, TenantEvents.Renamed.class,
                TenantEvents.Moved.class, TenantEvents.Deleted.class, AuditRecorded.class,
                DeviceEvents.Enrolled.class, DeviceEvents.CheckedIn.class, DeviceEvents.InventoryChanged.class,
                DeviceEvents.TaskResult.class, DeviceEvents.TaskDelivered.class, DeviceEvents.Revoked.class,
                CommandEvents.TaskAssigned.class, GroupEvents.MembershipChanged.class}) {
            @SuppressWarnings("unchecked")
            String name = EventCodec.typeOf(type);
            assertEquals(true, name.matches("io\\.palisade\\.[a-z]+\\.[a-z-]+\\.v1"), name);
        }
    }

    @Test
    void unknownTypeHasNoTypedData() {
        var event = codec.decode("{\"specversion\":\"1.0\",\"id\":\"x\",\"type\":\"com.other.thing\",\"data\":{}}");
        assertNull(codec.data(event));
    }

    @Test
    void garbageIsRejectedAsMalformed() {
        assertThrows(EventCodec.MalformedEventException.class, () -> codec.decode("not json"));
        assertThrows(EventCodec.MalformedEventException.class, () -> codec.decode("{\"specversion\":\"0.3\",\"id\":\"x\",\"type\":\"t\"}"));
        var wrongShape = codec.decode("{\"specversion\":\"1.0\",\"id\":\"x\",\"type\":\"io.palisade.tenant.created.v1\",\"data\":{\"version\":\"many\"}}");
        assertInstanceOf(EventCodec.MalformedEventException.class,
                assertThrows(RuntimeException.class, () -> codec.data(wrongShape)));
    }
}
