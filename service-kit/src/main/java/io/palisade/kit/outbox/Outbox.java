package io.palisade.kit.outbox;

import io.palisade.events.CloudEvent;
import io.palisade.events.EventCodec;
import io.palisade.events.PalisadeEvent;
import io.palisade.kit.config.PalisadeConfig;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.UUID;

/**
 * Writes an event into the outbox table inside the caller's current transaction, so the event is
 * published if and only if the state change commits: either the Hibernate Reactive transaction
 * ({@code @WithTransaction}) or, for services that work with the reactive SQL client, the
 * connection of {@code pool.withTransaction(...)} passed in.
 */
@ApplicationScoped
public class Outbox {

    private static final String INSERT =
            "insert into outbox (id, topic, message_key, payload) values (:id, :topic, :key, :payload)";

    private final EventCodec codec = new EventCodec();
    private final String source;

    public Outbox(PalisadeConfig config) {
        this.source = "/" + config.service();
    }

    public Uni<CloudEvent> publish(PalisadeEvent data, String tenantPath) {
        return publish(UUID.randomUUID(), data, tenantPath);
    }

    /** Writes the event with {@code connection}, which must be inside the business transaction. */
    public Uni<CloudEvent> publish(SqlClient connection, PalisadeEvent data, String tenantPath) {
        UUID id = UUID.randomUUID();
        CloudEvent event = codec.envelope(id, data, source, tenantPath, Instant.now());
        return connection.preparedQuery("insert into outbox (id, topic, message_key, payload) values ($1, $2, $3, $4)")
                .execute(Tuple.of(id, data.topic(), data.aggregateId(), codec.encode(event)))
                .replaceWith(event);
    }

    /** An event and the tenant path it belongs to, for {@link #publishAll}. */
    public record Pending(PalisadeEvent data, String tenantPath) {
    }

    /**
     * Writes many events with one statement with {@code connection} (inside the business transaction), in order: a
     * bulk import writes thousands at once, where a row per statement cost as much as the business rows themselves.
     */
    public Uni<Void> publishAll(SqlClient connection, java.util.List<Pending> events) {
        if (events.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return connection.preparedQuery(insertSql(1)).execute(Tuple.from(rows(events).parameters())).replaceWithVoid();
    }

    /**
     * Many events as four parallel arrays, for a hot path that writes them inside a larger single
     * statement (a CTE) instead of a statement of their own: {@link #insertSql} names the parameters.
     */
    public record Rows(UUID[] ids, String[] topics, String[] keys, String[] payloads) {
        public int size() {
            return ids.length;
        }

        /** Their parameters in the order {@link #insertSql} numbers them. */
        public Object[] parameters() {
            return new Object[] {ids, topics, keys, payloads};
        }
    }

    public Rows rows(java.util.List<Pending> events) {
        Instant now = Instant.now();
        int n = events.size();
        Rows rows = new Rows(new UUID[n], new String[n], new String[n], new String[n]);
        for (int i = 0; i < n; i++) {
            Pending p = events.get(i);
            UUID id = UUID.randomUUID();
            rows.ids()[i] = id;
            rows.topics()[i] = p.data().topic();
            rows.keys()[i] = p.data().aggregateId();
            rows.payloads()[i] = codec.encode(codec.envelope(id, p.data(), source, p.tenantPath(), now));
        }
        return rows;
    }

    /** The statement that writes {@link Rows} whose four arrays are parameters {@code $first..$first+3}, in order. */
    public static String insertSql(int first) {
        return "insert into outbox (id, topic, message_key, payload) select * from unnest($" + first + "::uuid[], $"
                + (first + 1) + "::text[], $" + (first + 2) + "::text[], $" + (first + 3) + "::text[])";
    }

    public Uni<CloudEvent> publish(UUID id, PalisadeEvent data, String tenantPath) {
        CloudEvent event = codec.envelope(id, data, source, tenantPath, Instant.now());
        return Panache.currentTransaction()
                .onItem().ifNull().failWith(() -> new IllegalStateException("Outbox.publish needs an open transaction"))
                .chain(tx -> Panache.getSession())
                .chain(session -> session.createNativeQuery(INSERT)
                        .setParameter("id", id)
                        .setParameter("topic", data.topic())
                        .setParameter("key", data.aggregateId())
                        .setParameter("payload", codec.encode(event))
                        .executeUpdate())
                .replaceWith(event);
    }
}
