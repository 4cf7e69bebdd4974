package io.palisade.group.device;

import io.palisade.kit.consumer.ConsumerLog;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** Applies {@code palisade.devices} to the registry, once per event. */
@ApplicationScoped
public class DeviceEventsConsumer {

    private static final String CONSUMER = "group-service.devices";

    private final ConsumerLog log;
    private final Pool pool;
    private final DeviceRegistry registry;

    public DeviceEventsConsumer(ConsumerLog log, Pool pool, DeviceRegistry registry) {
        this.log = log;
        this.pool = pool;
        this.registry = registry;
    }

    @Incoming("devices-in")
    public Uni<Void> consume(String payload) {
        return log.applyOnce(CONSUMER, payload, pool, registry::apply);
    }
}
