package io.palisade.gateway.tenant;

import io.palisade.kit.consumer.ConsumerLog;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** Applies {@code palisade.tenants} to the tenant projection, once per event. */
@ApplicationScoped
public class TenantEventsConsumer {

    private static final String CONSUMER = "agent-gateway.tenants";

    private final ConsumerLog log;
    private final Pool pool;
    private final TenantProjection projection;

    public TenantEventsConsumer(ConsumerLog log, Pool pool, TenantProjection projection) {
        this.log = log;
        this.pool = pool;
        this.projection = projection;
    }

    @Incoming("tenants-in")
    public Uni<Void> consume(String payload) {
        return log.applyOnce(CONSUMER, payload, pool, projection::apply);
    }
}
