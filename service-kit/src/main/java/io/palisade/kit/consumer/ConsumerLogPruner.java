package io.palisade.kit.consumer;

import io.palisade.kit.config.PalisadeConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Forgets applied event ids older than {@code palisade.consumer.retention} (7 days), every
 * {@code palisade.consumer.prune-every}, in slices of {@link #SLICE} rows so no statement holds locks for
 * long. Without it {@code consumed_event} grows with every event ever consumed (hundreds of millions a day
 * at fleet scale). Every replica may prune; deleting what another deleted is harmless.
 */
@ApplicationScoped
public class ConsumerLogPruner {

    static final int SLICE = 10_000;
    private static final Logger LOG = Logger.getLogger(ConsumerLogPruner.class);

    private final Pool pool;
    private final Vertx vertx;
    private final PalisadeConfig config;
    private final AtomicBoolean running = new AtomicBoolean();
    private long timer = -1;

    public ConsumerLogPruner(Pool pool, Vertx vertx, PalisadeConfig config) {
        this.pool = pool;
        this.vertx = vertx;
        this.config = config;
    }

    void start(@Observes StartupEvent event) {
        long every = config.consumer().pruneEvery().toMillis();
        timer = vertx.setPeriodic(every, every, id -> prune().subscribe().with(
                deleted -> LOG.debugf("Forgot %d applied event ids", deleted),
                failure -> LOG.warnf("Pruning the consumer log failed (next time again): %s", failure.getMessage())));
    }

    void stop(@Observes ShutdownEvent event) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    /** Deletes every id older than the retention; answers how many. */
    public Uni<Long> prune() {
        if (!running.compareAndSet(false, true)) {
            return Uni.createFrom().item(0L);
        }
        OffsetDateTime before = OffsetDateTime.now(ZoneOffset.UTC).minus(config.consumer().retention());
        return slice(before, 0L).eventually(() -> running.set(false));
    }

    private Uni<Long> slice(OffsetDateTime before, long so) {
        return pool.preparedQuery("""
                        with old as (select consumer, event_id from consumed_event where consumed_at < $1 limit $2)
                        delete from consumed_event c using old where c.consumer = old.consumer and c.event_id = old.event_id""")
                .execute(Tuple.of(before, SLICE))
                .chain(rows -> rows.rowCount() < SLICE ? Uni.createFrom().item(so + rows.rowCount())
                        : slice(before, so + rows.rowCount()));
    }
}
