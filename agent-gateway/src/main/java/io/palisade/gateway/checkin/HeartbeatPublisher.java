package io.palisade.gateway.checkin;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.palisade.events.EventCodec;
import io.palisade.kit.config.PalisadeConfig;
import io.palisade.kit.outbox.Outbox;
import io.quarkus.runtime.ShutdownEvent;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Publishes {@code device.checked-in} straight to Kafka instead of through the outbox: one per check-in is
 * the gateway's whole event volume, and an outbox row costs PostgreSQL an insert, a read and a delete for a
 * heartbeat that the next check-in supersedes. The producer is idempotent with {@code acks=all}; the
 * answer to the agent waits for the acknowledgement, and when Kafka does not acknowledge within
 * {@link #DELIVERY_TIMEOUT} (or has no metadata yet — the producer never blocks the event loop) the caller
 * writes the same events to the outbox instead, and for {@link #BACK_OFF} after such a failure batches go to
 * the outbox without trying Kafka. So an acknowledged check-in's event is never lost either way.
 */
@ApplicationScoped
public class HeartbeatPublisher {

    static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(3);
    /** After Kafka failed to acknowledge, how long batches go to the outbox without trying Kafka first. */
    static final Duration BACK_OFF = Duration.ofSeconds(10);

    private final EventCodec codec = new EventCodec();
    private final String source;
    private final String bootstrapServers;
    private final Counter fallbacks;
    private volatile KafkaProducer<String, String> producer;
    /** {@link System#nanoTime()} until which Kafka is not tried (compared by difference). */
    private volatile long skipUntil = System.nanoTime();
    private volatile boolean skipping;

    public HeartbeatPublisher(PalisadeConfig config, MeterRegistry metrics,
                              @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers) {
        this.source = "/" + config.service();
        this.bootstrapServers = bootstrapServers;
        this.fallbacks = Counter.builder("palisade.gateway.heartbeats.fallback")
                .description("Check-in events written to the outbox because Kafka did not acknowledge them in time").register(metrics);
    }

    /** Sends every event; succeeds when Kafka acknowledged all of them, fails at the first that it did not. */
    public Future<Void> publish(List<Outbox.Pending> events) {
        if (events.isEmpty()) {
            return Future.succeededFuture();
        }
        if (skipping && System.nanoTime() - skipUntil < 0) {
            // Kafka just failed: the outbox takes these at once instead of every batch waiting out the timeout
            return Future.failedFuture(new IllegalStateException("Kafka did not acknowledge recently"));
        }
        skipping = false;
        Promise<Void> all = Promise.promise();
        AtomicInteger left = new AtomicInteger(events.size());
        Instant now = Instant.now();
        try {
            KafkaProducer<String, String> kafka = producer();
            for (Outbox.Pending p : events) {
                String payload = codec.encode(codec.envelope(p.data(), source, p.tenantPath(), now));
                kafka.send(new ProducerRecord<>(p.data().topic(), p.data().aggregateId(), payload), (metadata, failure) -> {
                    if (failure != null) {
                        skipUntil = System.nanoTime() + BACK_OFF.toNanos();
                        skipping = true;
                        all.tryFail(failure);
                    } else if (left.decrementAndGet() == 0) {
                        all.tryComplete();
                    }
                });
            }
        } catch (RuntimeException e) {
            all.tryFail(e);
        }
        return all.future();
    }

    /** Counts a batch whose events went to the outbox instead. */
    void fellBack() {
        fallbacks.increment();
    }

    private KafkaProducer<String, String> producer() {
        KafkaProducer<String, String> current = producer;
        if (current == null) {
            synchronized (this) {
                if (producer == null) {
                    Properties props = new Properties();
                    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
                    props.put(ProducerConfig.CLIENT_ID_CONFIG, "agent-gateway-heartbeats");
                    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
                    props.put(ProducerConfig.ACKS_CONFIG, "all");
                    props.put(ProducerConfig.LINGER_MS_CONFIG, 2);
                    // never block the event loop: no metadata or a full buffer fails the send at once
                    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 0);
                    props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000);
                    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) DELIVERY_TIMEOUT.toMillis());
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
        KafkaProducer<String, String> current = producer;
        if (current != null) {
            current.close(Duration.ofSeconds(5));
        }
    }
}
