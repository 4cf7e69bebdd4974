package io.palisade.local;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LocalStackTest {
    private static final String TOPIC = "local-stack-test";

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void postgresAndKafkaStartAndKafkaKeepsDataAcrossAKill() throws Exception {
        Path pgData;
        Path kafkaData;
        try (LocalPostgres pg = LocalPostgres.start(null, 0);
             LocalKafka kafka = LocalKafka.start(null, 0, null)) {
            pgData = pg.dataDir();
            kafkaData = kafka.dataDir();

            // PostgreSQL: create a database (twice: idempotent) and query it
            pg.createDatabaseIfMissing("palisade_test");
            pg.createDatabaseIfMissing("palisade_test");
            assertEquals("postgresql://127.0.0.1:" + pg.port() + "/palisade_test", pg.reactiveUrl("palisade_test"));
            try (Connection c = DriverManager.getConnection(pg.jdbcUrl("palisade_test"), pg.username(), pg.password());
                 Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("select 1, current_database()")) {
                assertTrue(rs.next());
                assertEquals(1, rs.getInt(1));
                assertEquals("palisade_test", rs.getString(2));
            }

            // Kafka: produce one record, consume it
            assertEquals("127.0.0.1:" + kafka.port(), kafka.bootstrapServers());
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                    ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer())) {
                producer.send(new ProducerRecord<>(TOPIC, "k1", "hello")).get(30, TimeUnit.SECONDS);
            }
            assertEquals(List.of("k1=hello"), consumeOne(kafka.bootstrapServers(), "group-before"));

            // kill -9 the broker, start it again: the record is still there
            kafka.stop();
            assertFalse(kafka.isRunning());
            kafka.start();
            assertTrue(kafka.isRunning());
            assertEquals(List.of("k1=hello"), consumeOne(kafka.bootstrapServers(), "group-after"));
        }
        assertFalse(Files.exists(pgData), "temp PostgreSQL data dir deleted");
        assertFalse(Files.exists(kafkaData), "temp Kafka data dir deleted");
    }

    private static List<String> consumeOne(String bootstrap, String group) {
        List<String> seen = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(TOPIC));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (seen.isEmpty() && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    seen.add(r.key() + "=" + r.value());
                }
            }
        }
        return seen;
    }
}
