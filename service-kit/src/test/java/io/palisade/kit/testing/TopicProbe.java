package io.palisade.kit.testing;

import org.awaitility.Awaitility;

import io.palisade.events.CloudEvent;
import io.palisade.events.EventCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads a topic from the beginning and waits for events that match, for tests. */
public final class TopicProbe implements AutoCloseable {

    private final KafkaConsumer<String, String> consumer;
    private final EventCodec codec = new EventCodec();
    private final List<Received> received = new ArrayList<>();

    /** A record as it arrived: its Kafka key and decoded envelope. */
    public record Received(String key, CloudEvent event) {
    }

    public TopicProbe(String topic) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, PalisadeTestResources.kafka().bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "probe-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        consumer = new KafkaConsumer<>(props);
        consumer.subscribe(List.of(topic));
    }

    /** Waits until an event matching {@code match} has arrived, and returns it. */
    public Received await(Predicate<Received> match, Duration timeout) {
        List<Received> found = new ArrayList<>();
        Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(50)).until(() -> {
            poll();
            received.stream().filter(match).findFirst().ifPresent(found::add);
            return !found.isEmpty();
        });
        return found.get(0);
    }

    /** Every event received so far that matches. */
    public List<Received> matching(Predicate<Received> match) {
        poll();
        return received.stream().filter(match).toList();
    }

    private void poll() {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
            received.add(new Received(record.key(), codec.decode(record.value())));
        }
    }

    @Override
    public void close() {
        consumer.close();
    }
}
