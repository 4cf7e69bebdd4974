package io.palisade.local;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Uuid;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A real Kafka broker: one combined KRaft broker+controller node running in its own child JVM
 * ({@code java -cp <classpath> kafka.Kafka server.properties}).
 *
 * <p>Files in the data dir: {@code server.properties}, {@code cluster.id}, {@code kraft/} (the log dirs),
 * {@code server.log} (the broker's log4j2 log), {@code broker.out} (its stdout/stderr), {@code broker.pid}.
 */
public final class LocalKafka implements AutoCloseable {
    private static final String HOST = "127.0.0.1";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration FORMAT_TIMEOUT = Duration.ofSeconds(90);
    private static final long GRACEFUL_STOP_MILLIS = 30_000;

    private final Path dataDir;
    private final boolean temporary;
    private final int port;
    private final int controllerPort;
    private final String classpath;
    private final String marker;
    private volatile Process process;
    private volatile boolean closed;
    private final AtomicBoolean closing = new AtomicBoolean();

    private LocalKafka(Path dataDir, boolean temporary, int port, int controllerPort, String classpath) {
        this.dataDir = dataDir;
        this.temporary = temporary;
        this.port = port;
        this.controllerPort = controllerPort;
        this.classpath = classpath;
        this.marker = "-Dpalisade.kafka.dir=" + dataDir;
    }

    /**
     * Starts a broker and returns when it is ready. dataDir null = a temp dir deleted on close. port 0 = pick free
     * ports (broker and controller); otherwise the controller listens on port + 1. The ports stay fixed across
     * {@link #stop()}/{@link #start()}. classpath null = this JVM's own classpath.
     */
    public static LocalKafka start(Path dataDir, int port, String classpath) throws IOException {
        return start(dataDir, port, 0, classpath);
    }

    /** Like {@link #start(Path, int, String)} with an explicit controller port (0 = port + 1, or free if port is 0). */
    public static LocalKafka start(Path dataDir, int port, int controllerPort, String classpath) throws IOException {
        boolean temporary = dataDir == null;
        Path dir = temporary ? Files.createTempDirectory("palisade-kafka") : dataDir.toAbsolutePath();
        Files.createDirectories(dir);
        String cp = absoluteClasspath(classpath != null ? classpath : System.getProperty("java.class.path"));
        LocalKafka kafka = null;
        try {
            if (!temporary) {
                killStaleBroker(dir);
            }
            int brokerPort = port == 0 ? Ports.free() : port;
            int ctrlPort = controllerPort != 0 ? controllerPort : port == 0 ? freeOtherThan(brokerPort) : port + 1;
            if (port != 0) {
                Ports.requireFree(brokerPort, "Kafka broker");
            }
            if (controllerPort != 0 || port != 0) {
                Ports.requireFree(ctrlPort, "Kafka controller");
            }
            kafka = new LocalKafka(dir, temporary, brokerPort, ctrlPort, cp);
            kafka.writeConfig();
            kafka.formatIfNeeded();
            Cleanup.register(kafka);
            kafka.start();
            return kafka;
        } catch (IOException | RuntimeException e) {
            if (kafka != null) {
                kafka.close();
            } else if (temporary) {
                Processes.deleteTree(dir);
            }
            throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
        }
    }

    /** The child runs in the data dir, so relative classpath entries are made absolute (against our working dir). */
    static String absoluteClasspath(String classpath) {
        StringBuilder sb = new StringBuilder();
        for (String entry : classpath.split(File.pathSeparator)) {
            if (entry.isBlank()) {
                continue;
            }
            if (sb.length() > 0) {
                sb.append(File.pathSeparatorChar);
            }
            if (entry.equals("*") || entry.endsWith(File.separator + "*")) {
                String dir = entry.substring(0, entry.length() - 1);
                sb.append(Path.of(dir.isEmpty() ? "." : dir).toAbsolutePath().normalize()).append(File.separator).append('*');
            } else {
                sb.append(Path.of(entry).toAbsolutePath().normalize());
            }
        }
        return sb.toString();
    }

    private static int freeOtherThan(int taken) throws IOException {
        int p;
        do {
            p = Ports.free();
        } while (p == taken);
        return p;
    }

    /** After a kill -9 of the JVM that started it, the broker may still run on this data dir: kill it. */
    static void killStaleBroker(Path dir) {
        Optional<ProcessHandle> stale = Processes.livePid(dir.resolve("broker.pid"), "-Dpalisade.kafka.dir=" + dir);
        stale.ifPresent(Processes::kill);
    }

    public String bootstrapServers() {
        return HOST + ":" + port;
    }

    public int port() {
        return port;
    }

    public int controllerPort() {
        return controllerPort;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** The broker's log file. */
    public Path logFile() {
        return dataDir.resolve("server.log");
    }

    public boolean isRunning() {
        Process p = process;
        return p != null && p.isAlive();
    }

    /** Kills the broker process (SIGKILL, like a crash); the data dir is kept. */
    public synchronized void stop() {
        Process p = process;
        if (p != null) {
            Processes.kill(p.toHandle());
        }
    }

    /**
     * Starts the broker (again) on the same ports and data dir and returns when it is ready (at most 60 s). Does
     * nothing if it is running.
     */
    public synchronized void start() {
        if (closed) {
            throw new IllegalStateException("closed");
        }
        if (isRunning()) {
            return;
        }
        try {
            writeConfig();
            List<String> cmd = new ArrayList<>(List.of(Processes.javaExecutable(),
                    "-Xmx512m", "-Xms128m", "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20",
                    "-Djava.awt.headless=true",
                    "-Dlog4j2.configurationFile=" + dataDir.resolve("log4j2.xml"),
                    "-Dkafka.logs.dir=" + dataDir,
                    marker,
                    "-cp", classpath,
                    "kafka.Kafka", dataDir.resolve("server.properties").toString()));
            ProcessBuilder pb = new ProcessBuilder(Processes.detached(cmd))
                    .directory(dataDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dataDir.resolve("broker.out").toFile()));
            pb.environment().remove("KAFKA_OPTS");
            pb.environment().remove("JAVA_TOOL_OPTIONS");
            Process p = pb.start();
            process = p;
            Processes.writePid(dataDir.resolve("broker.pid"), p.pid());
            if (closed) { // closed concurrently (e.g. by the shutdown hook) while we were launching
                Processes.kill(p.toHandle());
                throw new IllegalStateException("closed while starting");
            }
            awaitReady(p);
        } catch (IOException e) {
            stop();
            throw new UncheckedIOException("Kafka broker did not start: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            stop();
            throw e;
        }
    }

    /** Stops the broker (SIGTERM with a grace period for a persistent data dir, SIGKILL for a temp one) and deletes
     * temp data. */
    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            return; // already closed, or being closed by another thread (e.g. a second shutdown hook)
        }
        closed = true;
        Cleanup.unregister(this);
        Process p = process;
        if (p != null && p.isAlive()) {
            if (temporary) {
                Processes.kill(p.toHandle());
            } else {
                Processes.terminate(p.toHandle(), GRACEFUL_STOP_MILLIS);
            }
        }
        if (temporary) {
            Processes.deleteTree(dataDir);
        }
    }

    @Override
    public String toString() {
        return "Kafka broker on " + bootstrapServers();
    }

    private void awaitReady(Process p) throws IOException {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        Admin admin = null;
        // Kafka instantiates its plugins through the context class loader; under Quarkus tests this
        // class may be loaded parent-first, so make the context loader the one that loaded us.
        Thread thread = Thread.currentThread();
        ClassLoader previousLoader = thread.getContextClassLoader();
        thread.setContextClassLoader(LocalKafka.class.getClassLoader());
        try {
            while (System.nanoTime() < deadline) {
                if (closed) {
                    throw new IOException("closed while starting");
                }
                if (!p.isAlive()) {
                    throw new IOException("the broker process exited with code " + p.exitValue() + diagnostics());
                }
                if (Ports.accepts(HOST, port, 500)) {
                    if (admin == null) {
                        admin = Admin.create(Map.of(
                                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                                AdminClientConfig.CLIENT_ID_CONFIG, "palisade-local-readiness",
                                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000,
                                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000,
                                AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500));
                    }
                    try {
                        if (!admin.describeCluster(new DescribeClusterOptions().timeoutMs(3000))
                                .nodes().get(4, TimeUnit.SECONDS).isEmpty()) {
                            return;
                        }
                    } catch (Exception notYet) {
                        // not ready yet
                    }
                }
                sleep(200);
            }
            throw new IOException("not ready after " + READY_TIMEOUT.toSeconds() + " s" + diagnostics());
        } finally {
            if (admin != null) {
                admin.close(Duration.ofSeconds(2));
            }
            thread.setContextClassLoader(previousLoader);
        }
    }

    private String diagnostics() {
        String log = Processes.tail(logFile(), 30);
        String out = Processes.tail(dataDir.resolve("broker.out"), 30);
        return "; see " + logFile() + " and " + dataDir.resolve("broker.out")
                + (log.isEmpty() ? "" : System.lineSeparator() + "--- server.log (tail) ---" + System.lineSeparator() + log)
                + (out.isEmpty() ? "" : System.lineSeparator() + "--- broker.out (tail) ---" + System.lineSeparator() + out);
    }

    private void writeConfig() throws IOException {
        String props = String.join("\n",
                "# written by io.palisade.local.LocalKafka on every start",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@" + HOST + ":" + controllerPort,
                "listeners=PLAINTEXT://" + HOST + ":" + port + ",CONTROLLER://" + HOST + ":" + controllerPort,
                "advertised.listeners=PLAINTEXT://" + HOST + ":" + port,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
                "log.dirs=" + dataDir.resolve("kraft"),
                "auto.create.topics.enable=true",
                "num.partitions=3",
                "default.replication.factor=1",
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=10",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "transaction.state.log.num.partitions=10",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                // a restarted single node waits for its own previous registration to expire: keep that short
                "broker.session.timeout.ms=3000",
                "broker.heartbeat.interval.ms=1000",
                "") ;
        Files.writeString(dataDir.resolve("server.properties"), props, StandardCharsets.UTF_8);
        try (InputStream in = LocalKafka.class.getResourceAsStream("kafka-log4j2.xml")) {
            if (in != null) {
                Files.copy(in, dataDir.resolve("log4j2.xml"), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    /** Formats the storage once; the cluster id is kept in cluster.id in the data dir. */
    private void formatIfNeeded() throws IOException {
        if (Files.exists(dataDir.resolve("kraft").resolve("meta.properties"))) {
            return;
        }
        Path idFile = dataDir.resolve("cluster.id");
        String clusterId;
        if (Files.isRegularFile(idFile)) {
            clusterId = Files.readString(idFile, StandardCharsets.US_ASCII).trim();
        } else {
            clusterId = Uuid.randomUuid().toString();
            Files.writeString(idFile, clusterId + "\n", StandardCharsets.US_ASCII);
        }
        Path out = dataDir.resolve("broker.out");
        Process p = new ProcessBuilder(Processes.javaExecutable(), "-Xmx256m",
                "-Dlog4j2.configurationFile=" + dataDir.resolve("log4j2.xml"),
                "-Dkafka.logs.dir=" + dataDir,
                "-cp", classpath,
                "kafka.tools.StorageTool", "format", "--ignore-formatted",
                "-t", clusterId, "-c", dataDir.resolve("server.properties").toString())
                .directory(dataDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()))
                .start();
        try {
            if (!p.waitFor(FORMAT_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                Processes.kill(p.toHandle());
                throw new IOException("formatting the Kafka storage timed out; see " + out);
            }
        } catch (InterruptedException e) {
            Processes.kill(p.toHandle());
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while formatting the Kafka storage", e);
        }
        if (p.exitValue() != 0) {
            throw new IOException("formatting the Kafka storage failed (exit " + p.exitValue() + ")"
                    + System.lineSeparator() + Processes.tail(out, 30));
        }
    }

    private static void sleep(long millis) throws IOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
