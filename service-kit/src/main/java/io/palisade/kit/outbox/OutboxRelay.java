package io.palisade.kit.outbox;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.palisade.kit.config.PalisadeConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Transaction;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Publishes the outbox to Kafka. One relay at a time holds a PostgreSQL advisory lock for its
 * round, so events leave in commit order per key even with many replicas; it sends a batch with an
 * idempotent producer, waits for every acknowledgement, then deletes the batch in the same
 * transaction. If Kafka is down nothing is deleted and the next round tries again: delivery is at
 * least once, and consumers deduplicate by event id.
 */
@ApplicationScoped
public class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    private static final Duration DB_TIMEOUT = Duration.ofSeconds(10);
    private static final String LOCK = "select pg_try_advisory_xact_lock(7413170001) as locked";
    private static final String BATCH = "select seq, topic, message_key, payload from outbox order by seq limit $1";
    private static final String DELETE = "delete from outbox where seq = any($1)";

    private final Pool pool;
    private final PalisadeConfig config;
    private final String bootstrapServers;
    private final Counter published;
    private final Counter failures;
    private volatile KafkaProducer<String, String> producer;
    private volatile boolean failing;
    private volatile boolean stopped;
    private volatile ScheduledExecutorService executor;
    /** A round asked for by {@link #nudge()} is waiting to run. */
    private final AtomicBoolean nudged = new AtomicBoolean();

    public OutboxRelay(Pool pool, PalisadeConfig config, MeterRegistry registry,
                       @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers) {
        this.pool = pool;
        this.config = config;
        this.bootstrapServers = bootstrapServers;
        this.published = registry.counter("palisade.outbox.published");
        this.failures = registry.counter("palisade.outbox.failures");
    }

    void start(@Observes StartupEvent event) {
        if (!config.outbox().relayEnabled()) {
            return;
        }
        long millis = config.outbox().pollInterval().toMillis();
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "outbox-relay");
            t.setDaemon(true);
            return t;
        });
        executor.scheduleWithFixedDelay(this::poll, millis, millis, TimeUnit.MILLISECONDS);
    }

    /**
     * Runs a round now instead of at the next poll, because events were just committed: the relay's
     * thread runs it (never two rounds at once here; the advisory lock still keeps replicas apart), at
     * most one such round waits at a time, and none is asked for while the relay is failing (the poll
     * interval paces retries then). Cheap enough to call after every commit that wrote events.
     */
    public void nudge() {
        ScheduledExecutorService current = executor;
        if (current == null || stopped || failing || !nudged.compareAndSet(false, true)) {
            return;
        }
        try {
            current.execute(() -> {
                nudged.set(false);
                poll();
            });
        } catch (RejectedExecutionException e) {
            nudged.set(false); // shutting down
        }
    }

    /**
     * {@link #nudge()} once the transaction {@code client} works in has committed (not if it rolls back);
     * right away when {@code client} is not inside a transaction (its statements commit as they run).
     */
    public void nudgeAfterCommit(SqlClient client) {
        Transaction tx = client instanceof SqlConnection connection ? connection.transaction() : null;
        if (tx == null) {
            nudge();
            return;
        }
        tx.completion().subscribe().with(committed -> nudge(), rolledBack -> { });
    }

    void poll() {
        if (!config.outbox().relayEnabled() || stopped) {
            return;
        }
        try {
            int sent;
            do {
                sent = relayOnce();
            } while (sent == config.outbox().batchSize() && !stopped);
            if (failing) {
                LOG.info("Outbox relay publishes again");
                failing = false;
            }
        } catch (RuntimeException | Error e) {
            failures.increment();
            if (!failing) {
                LOG.warnf("Outbox relay cannot publish yet (%s); events wait in the outbox", e.getMessage());
                failing = true;
            }
        }
    }

    /** Publishes one batch; answers how many events left the outbox. */
    int relayOnce() {
        SqlConnection connection = pool.getConnection().await().atMost(DB_TIMEOUT);
        try {
            var tx = connection.begin().await().atMost(DB_TIMEOUT);
            try {
                boolean locked = connection.query(LOCK).execute().await().atMost(DB_TIMEOUT)
                        .iterator().next().getBoolean("locked");
                if (!locked) {
                    tx.rollback().await().atMost(DB_TIMEOUT);
                    return 0;
                }
                List<Long> seqs = new ArrayList<>();
                List<Future<RecordMetadata>> acks = new ArrayList<>();
                for (Row row : connection.preparedQuery(BATCH).execute(Tuple.of(config.outbox().batchSize()))
                        .await().atMost(DB_TIMEOUT)) {
                    seqs.add(row.getLong("seq"));
                    acks.add(producer().send(new ProducerRecord<>(row.getString("topic"),
                            row.getString("message_key"), row.getString("payload"))));
                }
                for (Future<RecordMetadata> ack : acks) {
                    ack.get(60, TimeUnit.SECONDS);
                }
                if (!seqs.isEmpty()) {
                    connection.preparedQuery(DELETE).execute(Tuple.of(seqs.toArray(new Long[0]))).await().atMost(DB_TIMEOUT);
                }
                tx.commit().await().atMost(DB_TIMEOUT);
                published.increment(seqs.size());
                return seqs.size();
            } catch (Exception e) {
                try {
                    tx.rollback().await().atMost(DB_TIMEOUT);
                } catch (RuntimeException ignored) {
                    // the connection is closed below; PostgreSQL rolls back with it
                }
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                throw new IllegalStateException(e.getClass().getSimpleName() + ": " + e.getMessage(), e);
            }
        } finally {
            connection.close().await().atMost(DB_TIMEOUT);
        }
    }

    private KafkaProducer<String, String> producer() {
        KafkaProducer<String, String> current = producer;
        if (current == null) {
            synchronized (this) {
                if (producer == null) {
                    Properties props = new Properties();
                    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
                    props.put(ProducerConfig.CLIENT_ID_CONFIG, config.service() + "-outbox");
                    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
                    props.put(ProducerConfig.ACKS_CONFIG, "all");
                    props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
                    props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
                    // a round sends up to batch-size events: in few large, compressed requests (a bulk import's
                    // 200,000 events cost the broker and the relay a fifth of the import's time in 16 KB batches)
                    props.put(ProducerConfig.BATCH_SIZE_CONFIG, 262144);
                    props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
                    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5000);
                    props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10000);
                    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30000);
                    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
                    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
                    producer = new KafkaProducer<>(props);
                }
                current = producer;
            }
        }
        return current;
    }

    void stop(@Observes ShutdownEvent event) {
        stopped = true;
        if (executor != null) {
            executor.shutdown();
            try {
                executor.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        KafkaProducer<String, String> current = producer;
        if (current != null) {
            current.close(Duration.ofSeconds(5));
        }
    }
}
