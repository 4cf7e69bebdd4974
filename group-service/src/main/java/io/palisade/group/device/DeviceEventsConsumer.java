package io.palisade.group.device;

import io.palisade.kit.consumer.ConsumerLog;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Applies {@code palisade.devices} to the registry, once per event, a poll's batch of records per
 * transaction ({@link DeviceEventBatch}); a batch that fails the same way every time is applied again
 * one event at a time ({@link DeviceRegistry#apply}), so only the event at fault is set aside.
 */
@ApplicationScoped
public class DeviceEventsConsumer {

    private static final String CONSUMER = "group-service.devices";

    private final ConsumerLog log;
    private final Pool pool;
    private final DeviceEventBatch batch;
    private final DeviceRegistry registry;

    public DeviceEventsConsumer(ConsumerLog log, Pool pool, DeviceEventBatch batch, DeviceRegistry registry) {
        this.log = log;
        this.pool = pool;
        this.batch = batch;
        this.registry = registry;
    }

    @Incoming("devices-in")
    public Uni<Void> consume(List<String> payloads) {
        return log.applyAllOnce(CONSUMER, payloads, pool, batch::apply, registry::apply);
    }
}
