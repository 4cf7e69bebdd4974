package io.palisade.gateway.checkin;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.palisade.gateway.common.GatewaySettings;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Which certificate is current for each device, and whether the device is revoked: the question every
 * check-in asks, answered from memory in the common case. Each replica re-reads every few seconds the
 * devices whose identity changed recently (with an overlap, so a change whose transaction committed late
 * is still seen), so a revocation or re-enrolment made by any replica is honoured everywhere within
 * {@code revocation-poll} plus the overlap. If the re-reads fail for longer than {@link #STALE_AFTER}, the
 * cache is no longer trusted and every check-in asks the database (which, if down, refuses with 503).
 */
@ApplicationScoped
public class Identities {

    /** What the gateway knows of a device. {@code serial}: the serial (hex) of its current certificate. */
    public record Identity(UUID deviceId, UUID customerId, String customerPath, String serial, boolean revoked) {
    }

    static final Duration OVERLAP = Duration.ofSeconds(20);
    static final Duration STALE_AFTER = Duration.ofSeconds(45);
    private static final Logger LOG = Logger.getLogger(Identities.class);
    private static final String SELECT = """
            select d.id, d.customer_id, t.path, d.cert_serial, d.revoked_at is not null as revoked
            from device d join tenant t on t.id = d.customer_id""";

    private final Pool pool;
    private final Vertx vertx;
    private final GatewaySettings settings;
    private final Cache<UUID, Identity> cache;
    private final Counter loads;
    private volatile OffsetDateTime since;
    /** {@link System#nanoTime()} until which the cache is trusted (compared by difference: nanoTime may be negative). */
    private volatile long freshUntil = System.nanoTime();
    private long timer = -1;

    public Identities(Pool pool, Vertx vertx, GatewaySettings settings, MeterRegistry metrics) {
        this.loads = Counter.builder("palisade.gateway.identity.loads")
                .description("Device identities read from the database on a check-in (cache misses)").register(metrics);
        this.pool = pool;
        this.vertx = vertx;
        this.settings = settings;
        this.cache = Caffeine.newBuilder().maximumSize(settings.agent().identityCacheSize())
                .expireAfterWrite(Duration.ofMinutes(30)).build();
    }

    void start(@Observes StartupEvent event) {
        refresh();
        long every = settings.agent().revocationPoll().toMillis();
        timer = vertx.setPeriodic(every, every, id -> refresh());
    }

    void stop(@Observes ShutdownEvent event) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    /** The device's identity, from memory when the cache is fresh, else from the database; null when unknown. */
    public Uni<Identity> find(UUID deviceId) {
        Identity cached = fresh() ? cache.getIfPresent(deviceId) : null;
        if (cached != null) {
            return Uni.createFrom().item(cached);
        }
        loads.increment();
        return pool.preparedQuery(SELECT + " where d.id = $1").execute(Tuple.of(deviceId)).map(rows -> {
            var it = rows.iterator();
            if (!it.hasNext()) {
                return null;
            }
            Identity identity = identity(it.next());
            cache.put(deviceId, identity);
            return identity;
        });
    }

    /** What this replica just changed itself: known here at once, elsewhere at the next re-read. */
    public void changed(Identity identity) {
        cache.put(identity.deviceId(), identity);
    }

    void refresh() {
        OffsetDateTime from = since;
        // one row per change since `from` (none at the first look), each with the database's clock; one row of
        // nulls but the clock when nothing changed
        pool.preparedQuery("""
                        with clock as (select now() as db_now)
                        select clock.db_now, c.* from clock left join (
                            select d.id, d.customer_id, t.path, d.cert_serial, d.revoked_at is not null as revoked
                            from device d join tenant t on t.id = d.customer_id
                            where $1::timestamptz is not null and d.changed_at >= $1) c on true""")
                .execute(Tuple.of(from))
                .subscribe().with(rows -> {
                    OffsetDateTime now = null;
                    for (Row row : rows) {
                        now = row.getOffsetDateTime("db_now");
                        if (row.getUUID("id") != null) {
                            Identity identity = identity(row);
                            if (cache.getIfPresent(identity.deviceId()) != null) {
                                cache.put(identity.deviceId(), identity);
                            }
                        }
                    }
                    since = now.minus(OVERLAP);
                    freshUntil = System.nanoTime() + STALE_AFTER.toNanos();
                }, failure -> LOG.warnf("Cannot re-read device identities (%s); the cache stays trusted until it is %s old",
                        failure.getMessage(), STALE_AFTER));
    }

    private boolean fresh() {
        return System.nanoTime() - freshUntil < 0;
    }

    private static Identity identity(Row row) {
        return new Identity(row.getUUID("id"), row.getUUID("customer_id"), row.getString("path"), row.getString("cert_serial"),
                row.getBoolean("revoked"));
    }
}
