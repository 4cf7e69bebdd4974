package io.palisade.bench.membership;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.palisade.bench.support.BenchServices;
import io.palisade.events.CloudEvent;
import io.palisade.events.DeviceEvents;
import io.palisade.events.EventCodec;
import io.palisade.events.GroupEvents;
import io.palisade.events.PalisadeEvent;
import io.palisade.events.TenantEvents;
import io.palisade.events.Topics;
import io.palisade.local.LocalKafka;
import io.palisade.local.LocalPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Issue 3, Performance (b): inventory-change → membership-event latency through the real pipeline — Kafka
 * ({@code palisade.devices}) → group-service's packaged app (devices consumer, incremental evaluation, outbox relay)
 * → Kafka ({@code palisade.groups}) — at a steady rate of inventory changes, each of which flips one device into or
 * out of a dynamic group. A low-rate baseline runs first in the same run.
 */
public final class MembershipLatencyBench {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final EventCodec CODEC = new EventCodec();
    private static final String RULE = """
            {"op":"AND","rules":[
              {"attribute":"os.platform","operator":"EQ","value":"WINDOWS"},
              {"op":"NOR","rules":[{"attribute":"products.name","operator":"CONTAINS","value":"security"}]}]}""";

    private final int customers = Integer.getInteger("customers", 100);
    private final int deviceCount = Integer.getInteger("devices", 10_000);
    private final int rate = Integer.getInteger("rate", 5_000);
    private final int seconds = Integer.getInteger("seconds", 30);
    private final int baselineRate = Integer.getInteger("baselineRate", 100);
    private final int baselineSeconds = Integer.getInteger("baselineSeconds", 10);
    private final int drainSeconds = Integer.getInteger("drain", 30);
    /** Seconds at the load rate before the measured load phase (not counted): "a steady 5,000 changes/s". 0: none. */
    private final int warmupSeconds = Integer.getInteger("warmup", 15);
    /** Check-ins per second sent alongside the load phase's changes (the gateway publishes one per agent check-in). */
    private final int checkInRate = Integer.getInteger("checkIns", 0);
    private final String serviceJar = System.getProperty("serviceJar", "group-service/target/quarkus-app/quarkus-run.jar");
    private final String serviceHeap = System.getProperty("serviceHeap", "1g");
    /** More JVM options for group-service, separated by spaces (e.g. a flight recording). */
    private final String serviceOpts = System.getProperty("serviceOpts", "");

    private String base;

    private String[] deviceIds;
    private String[] deviceCustomer;
    private String[] deviceCustomerPath;
    private boolean[] withProduct;
    private ConcurrentLinkedQueue<Expected>[] pending;
    private String groupId;

    record Expected(long sentNanos, String change, int phase) {
    }

    public static void main(String[] args) throws Exception {
        new MembershipLatencyBench().run();
        System.exit(0);
    }

    void run() throws Exception {
        long t0 = System.nanoTime();
        System.out.printf("MembershipLatencyBench: %d devices of %d customers; baseline %d/s for %d s, warm-up %d s and load %d/s"
                        + " for %d s (with %d check-ins/s), drain %d s%n",
                deviceCount, customers, baselineRate, baselineSeconds, warmupSeconds, rate, seconds, checkInRate, drainSeconds);
        BenchServices services = new BenchServices();
        Process service = null;
        Path serviceLog = Files.createTempFile("group-service-bench", ".log");
        try (LocalPostgres pg = LocalPostgres.start(null, 0)) {
            pg.createDatabaseIfMissing("palisade_group");
            try (LocalKafka kafka = LocalKafka.start(null, 0, System.getProperty("java.class.path"))) {
                int port = BenchServices.freePort();
                base = "http://127.0.0.1:" + port;
                Map<String, String> env = new java.util.LinkedHashMap<>();
                env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
                env.put("QUARKUS_DATASOURCE_USERNAME", pg.username());
                env.put("QUARKUS_DATASOURCE_PASSWORD", pg.password() == null ? "" : pg.password());
                env.put("QUARKUS_DATASOURCE_REACTIVE_URL", pg.reactiveUrl("palisade_group"));
                env.put("QUARKUS_DATASOURCE_JDBC_URL", pg.jdbcUrl("palisade_group"));
                env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
                env.put("PALISADE_TOKENS_JWKS_URL", services.jwksUrl());
                service = BenchServices.start(serviceJar, serviceHeap,
                        Arrays.stream(serviceOpts.trim().split("\\s+")).filter(o -> !o.isEmpty()).toList(), env, serviceLog);
                System.out.printf("group-service on %s (log %s)%n", base, serviceLog);
                services.awaitReady(service, base, serviceLog);
                System.out.printf("ready after %.1f s%n", (System.nanoTime() - t0) / 1e9);

                Properties pp = new Properties();
                pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
                pp.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
                pp.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
                pp.put(ProducerConfig.ACKS_CONFIG, "all");
                pp.put(ProducerConfig.LINGER_MS_CONFIG, "1");
                try (KafkaProducer<String, String> producer = new KafkaProducer<>(pp);
                     Connection db = DriverManager.getConnection(pg.jdbcUrl("palisade_group"), pg.username(), pg.password())) {
                    String mspId = setUpFleet(producer, db);
                    String root = services.rootToken();
                    String mspGroup = query(db, "select id from group_node where managed and tenant_id = '" + mspId + "'");
                    String template = post(services, root, "/api/v1/dynamic-templates", Map.of("name", "Windows without security",
                            "tenantId", mspId, "rule", JSON.readTree(RULE)));
                    groupId = post(services, root, "/api/v1/groups", Map.of("name", "Unprotected", "parentId", mspGroup,
                            "kind", "DYNAMIC", "templateId", template));
                    System.out.printf("template %s, dynamic group %s under the MSP's group; members now: %s%n", template, groupId,
                            query(db, "select count(*) from dynamic_membership where group_id = '" + groupId + "'"));

                    Receiver receiver = new Receiver(kafka.bootstrapServers());
                    Thread receiverThread = new Thread(receiver, "groups-receiver");
                    receiverThread.setDaemon(true);
                    receiverThread.start();
                    receiver.awaitAssigned();

                    Result baseline = phase(1, "baseline", producer, receiver, baselineRate, baselineSeconds, 0);
                    if (warmupSeconds > 0) {
                        phase(3, "warm-up at the load rate (not counted)", producer, receiver, rate, warmupSeconds, checkInRate);
                    }
                    Instant loadStart = Instant.now();
                    Result load = phase(2, "load", producer, receiver, rate, seconds, checkInRate);
                    if (checkInRate > 0) {
                        System.out.printf("check-ins: %s devices have a last_seen_at from the load phase%n",
                                query(db, "select count(*) from device where last_seen_at >= '" + loadStart + "'"));
                    }
                    receiver.stop.set(true);

                    System.out.println();
                    System.out.println("| phase | target/s | achieved/s | sent | matched | missing | p50 ms | p95 ms | p99 ms | max ms | p99 of all sent ms | applied/s |");
                    System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
                    baseline.print();
                    load.print();
                    System.out.printf("%np99 load / p99 baseline = %.1f; p99 at %d/s %s the 1 s target%n",
                            load.p(0.99) / Math.max(1e-9, baseline.p(0.99)), rate, !"∞".equals(load.pAll(0.99)) && Double.parseDouble(load.pAll(0.99)) <= 1000 ? "meets" : "misses");
                    System.out.println("(p50-max: over the events that arrived; p99 of all sent: a change whose event never arrived in the drain window counts as infinitely late;"
                            + " applied/s: matched events / (last arrival - phase start))");
                    System.out.printf("unexpected membership events: %d; total %.1f s%n", receiver.unexpected.get(), (System.nanoTime() - t0) / 1e9);
                }
            } finally {
                BenchServices.stop(service);
            }
        } finally {
            services.close();
        }
    }

    // ---------------------------------------------------------------- the fleet

    @SuppressWarnings("unchecked")
    private String setUpFleet(KafkaProducer<String, String> producer, Connection db) throws Exception {
        long t = System.nanoTime();
        String mspId = UUID.randomUUID().toString();
        String mspPath = "/" + mspId + "/";
        send(producer, new TenantEvents.Created(mspId, "MSP bench", "MSP", null, mspPath, 0, null), mspPath, "/tenant-service");
        String[] customerIds = new String[customers];
        String[] customerPaths = new String[customers];
        for (int c = 0; c < customers; c++) {
            customerIds[c] = UUID.randomUUID().toString();
            customerPaths[c] = mspPath + customerIds[c] + "/";
            send(producer, new TenantEvents.Created(customerIds[c], "Customer " + c, "CUSTOMER", mspId, customerPaths[c], 0, null),
                    customerPaths[c], "/tenant-service");
        }
        producer.flush();
        awaitCount(db, "select count(*) from group_node where managed", customers + 1, "managed groups");
        deviceIds = new String[deviceCount];
        deviceCustomer = new String[deviceCount];
        deviceCustomerPath = new String[deviceCount];
        withProduct = new boolean[deviceCount];
        pending = new ConcurrentLinkedQueue[deviceCount];
        for (int d = 0; d < deviceCount; d++) {
            deviceIds[d] = UUID.randomUUID().toString();
            deviceCustomer[d] = customerIds[d % customers];
            deviceCustomerPath[d] = customerPaths[d % customers];
            pending[d] = new ConcurrentLinkedQueue<>();
            send(producer, new DeviceEvents.Enrolled(deviceIds[d], deviceCustomer[d], "hw-" + deviceIds[d], "pc-" + d, null,
                    UUID.randomUUID().toString()), deviceCustomerPath[d], "/agent-gateway");
        }
        for (int d = 0; d < deviceCount; d++) {
            withProduct[d] = true; // nobody is a member at the start: the group's fill is empty
            send(producer, new DeviceEvents.InventoryChanged(deviceIds[d], deviceCustomer[d], inventory(d, true)),
                    deviceCustomerPath[d], "/agent-gateway");
        }
        producer.flush();
        long sent = System.nanoTime();
        awaitCount(db, "select count(*) from device where inventory is not null", deviceCount, "devices with inventory");
        double s = (System.nanoTime() - sent) / 1e9;
        System.out.printf("fleet: %d tenants, %d devices enrolled and inventoried in %.1f s (the service applied the %d device events in %.1f s after the last was sent: %.0f/s at most)%n",
                customers + 1, deviceCount, (System.nanoTime() - t) / 1e9, 2 * deviceCount, s, 2 * deviceCount / Math.max(s, 1e-3));
        return mspId;
    }

    private static JsonNode inventory(int d, boolean withProduct) {
        try {
            return JSON.readTree("""
                    {"hostname":"pc-%d","os":{"platform":"WINDOWS","name":"Windows 11 Pro","version":"10.0.22631"},
                     "agent":{"version":"11.1.2"},"hardware":{"ramMb":16384,"cpu":"x64"},"network":{"ipv4":["10.1.2.3"]},
                     "products":[%s],"protection":{"status":"OK"},"tags":["office"]}"""
                    .formatted(d, withProduct ? "{\"name\":\"Palisade Endpoint Security\",\"version\":\"11.1.2\"}" : ""));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---------------------------------------------------------------- a measured phase

    private Result phase(int phase, String name, KafkaProducer<String, String> producer, Receiver receiver, int perSecond,
                         int durationSeconds, int checkInsPerSecond) throws InterruptedException {
        long total = (long) perSecond * durationSeconds;
        System.out.printf("%s: %d changes at %d/s%s ...%n", name, total, perSecond,
                checkInsPerSecond > 0 ? " and " + (long) checkInsPerSecond * durationSeconds + " check-ins at " + checkInsPerSecond + "/s" : "");
        long checkIns = 0;
        synchronized (receiver.latencies) {
            receiver.latencies.clear();
            receiver.sentTimes.clear();
        }
        receiver.matched.set(0);
        long periodNanos = 1_000_000_000L / perSecond;
        long start = System.nanoTime();
        int cursor = (int) (receiver.cursor.getAndAdd(total) % deviceCount);
        for (long i = 0; i < total; i++) {
            long due = start + i * periodNanos;
            long now;
            while ((now = System.nanoTime()) < due) {
                LockSupport.parkNanos(Math.min(due - now, 200_000));
            }
            int d = (int) ((cursor + i) % deviceCount);
            boolean next = !withProduct[d];
            withProduct[d] = next;
            String change = next ? GroupEvents.LEFT : GroupEvents.JOINED;
            CloudEvent event = CODEC.envelope(UUID.randomUUID(), new DeviceEvents.InventoryChanged(deviceIds[d], deviceCustomer[d],
                    inventory(d, next)), "/agent-gateway", deviceCustomerPath[d], Instant.now());
            String payload = CODEC.encode(event);
            pending[d].add(new Expected(System.nanoTime(), change, phase));
            producer.send(new ProducerRecord<>(Topics.DEVICES, deviceIds[d], payload));
            // check-ins interleaved at their own rate, to devices half the fleet away from the ones changing
            for (long checkInsDue = (i + 1) * checkInsPerSecond / perSecond; checkIns < checkInsDue; checkIns++) {
                int c = (int) ((cursor + i + deviceCount / 2 + checkIns) % deviceCount);
                CloudEvent checkIn = CODEC.envelope(UUID.randomUUID(), new DeviceEvents.CheckedIn(deviceIds[c], deviceCustomer[c],
                        Instant.now(), checkIns), "/agent-gateway", deviceCustomerPath[c], Instant.now());
                producer.send(new ProducerRecord<>(Topics.DEVICES, deviceIds[c], CODEC.encode(checkIn)));
            }
        }
        producer.flush();
        long end = System.nanoTime();
        double achieved = total / ((end - start) / 1e9);
        long deadline = end + drainSeconds * 1_000_000_000L;
        while (receiver.matched.get() < total && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        long lastArrival = receiver.lastArrival.get();
        int missing = 0;
        for (ConcurrentLinkedQueue<Expected> q : pending) {
            missing += q.size();
            q.clear();
        }
        long[] lat;
        synchronized (receiver.latencies) {
            lat = receiver.latencies.stream().mapToLong(Long::longValue).toArray();
            timeline(name, start, durationSeconds, receiver.sentTimes, receiver.latencies);
        }
        Arrays.sort(lat);
        double applied = lat.length / ((Math.max(lastArrival, end) - start) / 1e9);
        Result r = new Result(name, perSecond, achieved, total, lat, missing, applied);
        System.out.printf("%s: sent at %.0f/s, %d of %d membership events arrived, p99 %.0f ms%n", name, achieved, lat.length, total, r.p(0.99));
        return r;
    }

    /** Latency by the second a change was sent in: where in the phase the tail forms (max ms per second). */
    private static void timeline(String name, long start, int seconds, List<Long> sentTimes, List<Long> latencies) {
        long[] max = new long[seconds + 1];
        long[] count = new long[seconds + 1];
        for (int i = 0; i < sentTimes.size(); i++) {
            int second = (int) Math.min(seconds, Math.max(0, (sentTimes.get(i) - start) / 1_000_000_000L));
            max[second] = Math.max(max[second], latencies.get(i));
            count[second]++;
        }
        StringBuilder line = new StringBuilder(name + ": max latency (ms) of the changes sent in each second:");
        for (int second = 0; second < seconds; second++) {
            line.append(' ').append(count[second] == 0 ? "-" : String.valueOf(max[second] / 1_000_000));
        }
        System.out.println(line);
    }

    record Result(String name, int target, double achieved, long sent, long[] latNanos, int missing, double appliedPerSecond) {
        double p(double q) {
            if (latNanos.length == 0) {
                return Double.NaN;
            }
            int i = (int) Math.min(latNanos.length - 1, Math.ceil(q * latNanos.length) - 1);
            return latNanos[Math.max(0, i)] / 1e6;
        }

        /** The quantile over every change sent, a change whose event never arrived counting as infinitely late. */
        String pAll(double q) {
            long rank = (long) Math.ceil(q * sent);
            return rank > latNanos.length ? "∞" : String.format("%.0f", latNanos[(int) Math.max(0, rank - 1)] / 1e6);
        }

        void print() {
            System.out.printf("| %s | %d | %.0f | %d | %d | %d | %.0f | %.0f | %.0f | %.0f | %s | %.0f |%n", name, target, achieved, sent,
                    latNanos.length, missing, p(0.5), p(0.95), p(0.99), p(1.0), pAll(0.99), appliedPerSecond);
        }
    }

    /** Reads palisade.groups and matches each membership event of the group to the oldest pending change of its device. */
    final class Receiver implements Runnable {
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicLong matched = new AtomicLong();
        final AtomicLong unexpected = new AtomicLong();
        final AtomicLong lastArrival = new AtomicLong();
        final AtomicLong cursor = new AtomicLong();
        final List<Long> latencies = new ArrayList<>();
        /** The send time of each matched change, beside its latency in {@link #latencies} (same index). */
        final List<Long> sentTimes = new ArrayList<>();
        private final KafkaConsumer<String, String> consumer;
        private volatile boolean assigned;
        private final java.util.HashMap<String, Integer> index = new java.util.HashMap<>();

        Receiver(String bootstrap) {
            Properties p = new Properties();
            p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            p.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-" + UUID.randomUUID());
            p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
            p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
            p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "10");
            consumer = new KafkaConsumer<>(p);
            for (int d = 0; d < deviceIds.length; d++) {
                index.put(deviceIds[d], d);
            }
        }

        void awaitAssigned() throws InterruptedException {
            while (!assigned) {
                Thread.sleep(50);
            }
        }

        @Override
        public void run() {
            consumer.subscribe(List.of(Topics.GROUPS));
            while (!stop.get()) {
                var records = consumer.poll(Duration.ofMillis(50));
                long now = System.nanoTime();
                if (!consumer.assignment().isEmpty()) {
                    assigned = true;
                }
                for (ConsumerRecord<String, String> record : records) {
                    JsonNode data = CODEC.decode(record.value()).data();
                    if (!groupId.equals(data.path("groupId").asText())) {
                        continue;
                    }
                    Integer d = index.get(data.path("deviceId").asText());
                    Expected e = d == null ? null : pending[d].poll();
                    if (e == null || !e.change().equals(data.path("change").asText())) {
                        unexpected.incrementAndGet();
                        continue;
                    }
                    synchronized (latencies) {
                        latencies.add(now - e.sentNanos());
                        sentTimes.add(e.sentNanos());
                    }
                    lastArrival.set(now);
                    matched.incrementAndGet();
                }
            }
            consumer.close();
        }
    }

    // ---------------------------------------------------------------- plumbing

    private static void send(KafkaProducer<String, String> producer, PalisadeEvent data, String tenantPath, String source) {
        CloudEvent event = CODEC.envelope(UUID.randomUUID(), data, source, tenantPath, Instant.now());
        producer.send(new ProducerRecord<>(data.topic(), data.aggregateId(), CODEC.encode(event)));
    }

    private static void awaitCount(Connection db, String sql, long expected, String what) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        long n = 0;
        while (System.nanoTime() < deadline) {
            n = Long.parseLong(query(db, sql));
            if (n >= expected) {
                return;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException(what + ": " + n + " of " + expected + " after 3 minutes");
    }

    private static String query(Connection db, String sql) throws Exception {
        try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            if (!rs.next()) {
                throw new IllegalStateException("no row: " + sql);
            }
            return rs.getString(1);
        }
    }

    /** POSTs to the service and answers the created resource's id. */
    private String post(BenchServices services, String token, String path, Object body) throws Exception {
        BenchServices.Answer answer = services.post(base + path, token, body);
        if (answer.status() != 201) {
            throw new IllegalStateException("POST " + path + " answered " + answer.status() + ": " + answer.body());
        }
        return answer.body().path("id").asText();
    }
}
