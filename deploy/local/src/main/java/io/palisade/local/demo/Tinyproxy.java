package io.palisade.local.demo;

import io.palisade.simulator.ProxySpec;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A local tinyproxy (Debian's {@code tinyproxy} package) that the demo's proxied customers' agents reach the gateway
 * through: HTTP CONNECT to the agent port only, Basic authentication, listening on 127.0.0.1 on a free port, in the
 * foreground as the launcher's child, with a configuration generated into {@code .palisade/demo/tinyproxy/}.
 */
public final class Tinyproxy implements AutoCloseable {

    public static final String USER = "demo";

    private final Process process;
    private final int port;
    private final String password;
    private final Path log;

    private Tinyproxy(Process process, int port, String password, Path log) {
        this.process = process;
        this.port = port;
        this.password = password;
        this.log = log;
    }

    /** The tinyproxy executable on the PATH, if there is one. */
    public static Optional<Path> find(String pathVariable) {
        if (pathVariable == null) {
            return Optional.empty();
        }
        for (String dir : pathVariable.split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, "tinyproxy");
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** Starts tinyproxy and returns once it accepts connections (at most 10 s). */
    public static Tinyproxy start(Path executable, Path dir, String password, int gatewayAgentPort) throws IOException {
        Files.createDirectories(dir);
        int port = freePort();
        Path log = dir.resolve("tinyproxy.log");
        Path config = dir.resolve("tinyproxy.conf");
        Files.deleteIfExists(config);
        Files.createFile(config, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(config, config(port, password, gatewayAgentPort, log), StandardCharsets.UTF_8);
        Process process = new ProcessBuilder(List.of(executable.toString(), "-d", "-c", config.toString()))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("tinyproxy.out").toFile()))
                .start();
        Tinyproxy proxy = new Tinyproxy(process, port, password, log);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!accepts(port)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                proxy.close();
                throw new IOException("tinyproxy did not start (see " + dir.resolve("tinyproxy.out") + " and " + log + ")");
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                proxy.close();
                throw new IOException("interrupted while starting tinyproxy", e);
            }
        }
        return proxy;
    }

    /** The configuration: loopback only, Basic authentication, CONNECT to the gateway's agent port only. */
    static String config(int port, String password, int gatewayAgentPort, Path log) {
        return String.join("\n",
                "# written by ./palisade up --demo on every start",
                "Port " + port,
                "Listen 127.0.0.1",
                "Timeout 600",
                "MaxClients 200",
                "Allow 127.0.0.1",
                "BasicAuth " + USER + " " + password,
                "ConnectPort " + gatewayAgentPort,
                "LogFile \"" + log + "\"",
                "LogLevel Notice",
                "DisableViaHeader Yes",
                "");
    }

    public int port() {
        return port;
    }

    /** {@code http://demo:<password>@127.0.0.1:<port>} */
    public String url() {
        return "http://" + USER + ":" + URLEncoder.encode(password, StandardCharsets.UTF_8) + "@127.0.0.1:" + port;
    }

    public ProxySpec spec() {
        return ProxySpec.parse(url());
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "tinyproxy on 127.0.0.1:" + port;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
