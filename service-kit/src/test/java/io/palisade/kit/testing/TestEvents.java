package io.palisade.kit.testing;

import io.palisade.events.CloudEvent;
import io.palisade.events.EventCodec;
import io.palisade.events.PalisadeEvent;
import java.time.Instant;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/** Publishes events to the harness's Kafka as another service would, for tests. */
public final class TestEvents {

    private static final EventCodec CODEC = new EventCodec();
    private static KafkaProducer<String, String> producer;

    private TestEvents() {
    }

    /** Publishes {@code data} in a new envelope and answers the envelope (its id, to publish it again). */
    public static CloudEvent publish(PalisadeEvent data, String tenantPath, String source) {
        CloudEvent event = CODEC.envelope(UUID.randomUUID(), data, source, tenantPath, Instant.now());
        publish(data.topic(), data.aggregateId(), event);
        return event;
    }

    /** Publishes an existing envelope again: a duplicate delivery. */
    public static void publish(String topic, String key, CloudEvent event) {
        try {
            producer().send(new ProducerRecord<>(topic, key, CODEC.encode(event))).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    private static synchronized KafkaProducer<String, String> producer() {
        if (producer == null) {
            Properties props = new Properties();
            props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, PalisadeTestResources.kafka().bootstrapServers());
            props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            props.put(ProducerConfig.ACKS_CONFIG, "all");
            producer = new KafkaProducer<>(props);
        }
        return producer;
    }
}
