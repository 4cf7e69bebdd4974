package io.palisade.kit.consumer;

import io.palisade.events.CloudEvent;
import io.palisade.events.EventCodec;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * The idempotent-consumer log: an event's effect and the record that it was applied commit in one
 * transaction, so a redelivered event is skipped and a crash between the two loses nothing.
 */
@ApplicationScoped
public class ConsumerLog {

    private static final Logger LOG = Logger.getLogger(ConsumerLog.class);
    private static final String INSERT =
            "insert into consumed_event (consumer, event_id) values (:consumer, :id) on conflict do nothing";

    private static final Duration RETRY_MIN = Duration.ofMillis(200);
    private static final Duration RETRY_MAX = Duration.ofSeconds(10);

    private final EventCodec codec = new EventCodec();

    /**
     * Decodes {@code payload} and applies {@code effect} once per event id for {@code consumer}, in one
     * transaction. A record that is not a Palisade event is logged and skipped so it cannot block
     * the partition; any other failure (PostgreSQL away, say) is retried with back-off until it
     * succeeds, so the offset is committed only after the effect is: nothing is lost.
     */
    public Uni<Void> applyOnce(String consumer, String payload, Function<CloudEvent, Uni<Void>> effect) {
        CloudEvent event;
        try {
            event = codec.decode(payload);
        } catch (EventCodec.MalformedEventException e) {
            LOG.warnf("%s skipped a record that is not a Palisade event: %s", consumer, e.getMessage());
            return Uni.createFrom().voidItem();
        }
        return Panache.withTransaction(() -> firstDelivery(consumer, event.id())
                        .chain(first -> first ? effect.apply(event) : Uni.createFrom().voidItem()))
                .onFailure().invoke(e -> LOG.warnf("%s could not apply event %s yet (%s); retrying",
                        consumer, event.id(), e.getClass().getSimpleName()))
                .onFailure().retry().withBackOff(RETRY_MIN, RETRY_MAX).indefinitely();
    }

    /**
     * The same for services that work with the reactive SQL client: the effect runs with the
     * connection of the transaction that also records the event id.
     */
    public Uni<Void> applyOnce(String consumer, String payload, Pool pool,
                               BiFunction<SqlConnection, CloudEvent, Uni<Void>> effect) {
        CloudEvent event;
        try {
            event = codec.decode(payload);
        } catch (EventCodec.MalformedEventException e) {
            LOG.warnf("%s skipped a record that is not a Palisade event: %s", consumer, e.getMessage());
            return Uni.createFrom().voidItem();
        }
        return pool.withTransaction(connection -> connection
                        .preparedQuery("insert into consumed_event (consumer, event_id) values ($1, $2) on conflict do nothing")
                        .execute(Tuple.of(consumer, event.id()))
                        .chain(rows -> rows.rowCount() == 1 ? effect.apply(connection, event) : Uni.createFrom().voidItem()))
                .onFailure().invoke(e -> LOG.warnf("%s could not apply event %s yet (%s: %s); retrying",
                        consumer, event.id(), e.getClass().getSimpleName(), e.getMessage()))
                .onFailure(ConsumerLog::mayPass).retry().withBackOff(RETRY_MIN, RETRY_MAX).indefinitely()
                .onFailure().recoverWithUni(e -> quarantine(consumer, event, pool, e));
    }

    /**
     * Applies a batch of records (one poll of a channel in batch mode) in one transaction: every event id
     * is recorded at once, and {@code batchEffect} gets the events seen for the first time, in the order
     * of {@code payloads}, each id once (a duplicate within the batch counts as a redelivery). Records that
     * are not Palisade events are logged and skipped. A failure that may pass (see {@link #mayPass}) retries
     * the whole batch with back-off until it succeeds, so the offsets are committed only after the effect;
     * any other failure rolls the batch back and applies its records one at a time with
     * {@link #applyOnce(String, String, Pool, BiFunction) applyOnce} and {@code eachEffect}, so that only
     * the record that fails every time is set aside.
     */
    public Uni<Void> applyAllOnce(String consumer, List<String> payloads, Pool pool,
                                  BiFunction<SqlConnection, List<CloudEvent>, Uni<Void>> batchEffect,
                                  BiFunction<SqlConnection, CloudEvent, Uni<Void>> eachEffect) {
        return applyAll(consumer, payloads, pool, (connection, events) -> {
            String[] ids = events.stream().map(CloudEvent::id).distinct().toArray(String[]::new);
            return connection.preparedQuery("""
                            insert into consumed_event (consumer, event_id) select $1::text, unnest($2::text[])
                            on conflict do nothing returning event_id""")
                    .execute(Tuple.of(consumer, ids))
                    .chain(rows -> {
                        Set<String> fresh = new HashSet<>();
                        rows.forEach(row -> fresh.add(row.getString("event_id")));
                        List<CloudEvent> first = new ArrayList<>(fresh.size());
                        for (CloudEvent event : events) {
                            if (fresh.remove(event.id())) {
                                first.add(event);
                            }
                        }
                        return first.isEmpty() ? Uni.createFrom().voidItem() : batchEffect.apply(connection, first);
                    });
        }, payload -> applyOnce(consumer, payload, pool, eachEffect));
    }

    /**
     * The same without the log, for an effect that is idempotent by itself (an insert keyed by the event id that
     * ignores one it has): the batch's events, duplicates included, in one transaction, and the same handling of
     * failures; a record that fails the same way every time is logged as an error with its id and skipped.
     */
    public Uni<Void> applyAllIdempotent(String consumer, List<String> payloads, Pool pool,
                                        BiFunction<SqlConnection, List<CloudEvent>, Uni<Void>> effect) {
        return applyAll(consumer, payloads, pool, effect, payload -> {
            CloudEvent event;
            try {
                event = codec.decode(payload);
            } catch (EventCodec.MalformedEventException e) {
                return Uni.createFrom().voidItem();
            }
            return pool.withTransaction(connection -> effect.apply(connection, List.of(event)))
                    .onFailure(ConsumerLog::mayPass).retry().withBackOff(RETRY_MIN, RETRY_MAX).indefinitely()
                    .onFailure().recoverWithItem(e -> {
                        LOG.errorf(e, "%s set event %s (%s) aside: applying it fails the same way every time", consumer, event.id(),
                                event.type());
                        return null;
                    });
        });
    }

    private Uni<Void> applyAll(String consumer, List<String> payloads, Pool pool,
                               BiFunction<SqlConnection, List<CloudEvent>, Uni<Void>> batchEffect,
                               Function<String, Uni<Void>> eachAlone) {
        List<CloudEvent> events = new ArrayList<>(payloads.size());
        for (String payload : payloads) {
            try {
                events.add(codec.decode(payload));
            } catch (EventCodec.MalformedEventException e) {
                LOG.warnf("%s skipped a record that is not a Palisade event: %s", consumer, e.getMessage());
            }
        }
        if (events.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return pool.withTransaction(connection -> batchEffect.apply(connection, events))
                .onFailure(ConsumerLog::mayPass).invoke(e -> LOG.warnf("%s could not apply a batch of %d events yet (%s: %s); retrying",
                        consumer, events.size(), e.getClass().getSimpleName(), e.getMessage()))
                .onFailure(ConsumerLog::mayPass).retry().withBackOff(RETRY_MIN, RETRY_MAX).indefinitely()
                .onFailure().recoverWithUni(e -> {
                    LOG.warnf("%s applies a batch of %d records one at a time: it fails the same way every time (%s: %s)",
                            consumer, payloads.size(), e.getClass().getSimpleName(), e.getMessage());
                    return Multi.createFrom().iterable(payloads)
                            .onItem().transformToUniAndConcatenate(payload -> eachAlone.apply(payload))
                            .collect().last()
                            .replaceWithVoid();
                });
    }

    /**
     * Whether a failure may go away by itself (a database or broker away, something referenced not
     * arrived yet): those are retried for as long as it takes. A failure that the same input will
     * always cause (bad SQL, a value the schema refuses) is a defect: the event is set aside, logged
     * as an error with its id, and recorded as consumed, so one bad record cannot stop the stream.
     */
    static boolean mayPass(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof io.vertx.pgclient.PgException pg) {
                String state = pg.getSqlState() == null ? "" : pg.getSqlState();
                return !(state.startsWith("22") || state.startsWith("23") || state.startsWith("42"));
            }
            // the same text decodes the same way every time; NulGuard refuses U+0000 wherever JSON is decoded
            if (c instanceof IllegalArgumentException || c instanceof ClassCastException || c instanceof NullPointerException
                    || c instanceof EventCodec.MalformedEventException || c instanceof io.vertx.core.json.DecodeException
                    || c instanceof io.palisade.kit.problem.ProblemException
                    || (c.getMessage() != null && c.getMessage().startsWith("Parameter at position"))) {
                return false;
            }
        }
        return true;
    }

    private Uni<Void> quarantine(String consumer, CloudEvent event, Pool pool, Throwable e) {
        LOG.errorf(e, "%s set event %s (%s) aside: applying it fails the same way every time", consumer, event.id(), event.type());
        return pool.preparedQuery("insert into consumed_event (consumer, event_id) values ($1, $2) on conflict do nothing")
                .execute(Tuple.of(consumer, event.id())).replaceWithVoid();
    }

    /** Records the event as applied; true the first time. Call it inside the effect's transaction. */
    public Uni<Boolean> firstDelivery(String consumer, String eventId) {
        return Panache.getSession().chain(session -> session.createNativeQuery(INSERT)
                        .setParameter("consumer", consumer)
                        .setParameter("id", eventId)
                        .executeUpdate())
                .map(rows -> rows == 1);
    }

    public EventCodec codec() {
        return codec;
    }
}
