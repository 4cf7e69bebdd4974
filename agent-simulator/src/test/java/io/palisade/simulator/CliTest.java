package io.palisade.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.littleshoot.proxy.HttpProxyServer;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The command line: in this JVM for the happy paths, in a child JVM where what matters is exactly what reaches
 * stderr and the exit code (so stray logging or a stack trace would show).
 */
class CliTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private static Vertx vertx;
    private static TestCa ca;
    private static FakeGateway gateway;
    private static HttpProxyServer proxy;
    @TempDir
    static Path files;
    private static Path caFile;

    @BeforeAll
    static void start() throws IOException {
        vertx = Vertx.vertx();
        ca = TestCa.create("Palisade Test Device CA");
        gateway = FakeGateway.start(vertx, ca);
        proxy = ProxyTest.startAuthenticatingProxy(new AtomicInteger());
        caFile = files.resolve("ca.pem");
        Files.writeString(caFile, ca.certificatePem());
    }

    @AfterAll
    static void stop() {
        proxy.abort();
        gateway.close();
        GatewayClient.await(vertx.close(), WAIT);
    }

    record Result(int exitCode, String out, String err) {
        List<String> errLines() {
            return err.lines().filter(line -> !line.isBlank()).toList();
        }
    }

    private static Result inProcess(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Result(code, out.toString(), err.toString());
    }

    private static Result childJvm(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).start();
        process.getOutputStream().close();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the CLI ended");
        return new Result(process.exitValue(),
                new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    private static void assertOneCleanErrorLine(Result result, String expected) {
        assertEquals(1, result.exitCode(), result.toString());
        assertEquals(List.of(expected), result.errLines(), result.err());
        assertFalse(result.err().contains("Exception"), result.err());
        assertFalse(result.err().contains("at io."), result.err());
    }

    @Test
    void helpWorksEverywhere() {
        for (String[] args : new String[][] {{"--help"}, {"enroll", "--help"}, {"run", "--help"}, {"swarm", "--help"}, {"help", "swarm"}}) {
            Result result = inProcess(args);
            assertEquals(0, result.exitCode(), String.join(" ", args));
            assertTrue(result.out().contains("Usage: agent-simulator"), result.out());
        }
        assertTrue(inProcess("swarm", "--help").out().contains("--interval"));
    }

    @Test
    void aWrongCommandLineIsOneLineAndExitCode2() {
        Result missing = inProcess("enroll", "--gateway", gateway.url());
        assertEquals(2, missing.exitCode());
        assertEquals(1, missing.errLines().size(), missing.err());
        assertTrue(missing.err().contains("Missing required options"), missing.err());

        Result badProxy = inProcess("run", "--dir", "x", "--proxy", "socks5://p:1080");
        assertEquals(2, badProxy.exitCode());
        assertEquals(1, badProxy.errLines().size(), badProxy.err());
        assertTrue(badProxy.err().contains("only http:// proxies"), badProxy.err());

        assertEquals(2, inProcess().exitCode());
    }

    @Test
    void enrollThenRunChecksInAndReportsTasks() throws Exception {
        Path dir = files.resolve("agent-cli");
        Result enrolled = inProcess("enroll", "--gateway", gateway.url(), "--token", FakeGateway.TOKEN,
                "--ca", caFile.toString(), "--dir", dir.toString(), "--hostname", "cli-host", "--hardware-id", "hw-cli");
        assertEquals(0, enrolled.exitCode(), enrolled.toString());
        AgentIdentity identity = AgentIdentity.load(dir);
        assertEquals("cli-host", identity.hostname());
        assertEquals("hw-cli", identity.hardwareId());
        assertTrue(enrolled.out().contains("as device " + identity.deviceId()), enrolled.out());

        gateway.handOut("SET_TAGS", new JsonObject().put("tags", new JsonArray().add("from-cli")));
        Result run = inProcess("run", "--dir", dir.toString(), "--interval", "0.05", "--count", "3");
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.out().contains("SET_TAGS: SUCCEEDED"), run.out());
        List<FakeGateway.Checkin> checkins = gateway.checkinsOf(identity.deviceId());
        assertTrue(checkins.size() >= 3, "check-ins: " + checkins.size());
        assertEquals("cli-host", checkins.get(0).inventory().getString("hostname"));
        assertTrue(checkins.stream().anyMatch(c -> c.inventory() != null
                && c.inventory().getJsonArray("tags").contains("from-cli")), "the changed inventory was sent");

        // a second run continues the sequence and keeps the task's effect
        Result again = inProcess("run", "--dir", dir.toString(), "--interval", "0.05", "--count", "1");
        assertEquals(0, again.exitCode(), again.toString());
        List<FakeGateway.Checkin> all = gateway.checkinsOf(identity.deviceId());
        FakeGateway.Checkin last = all.get(all.size() - 1);
        assertEquals(all.get(all.size() - 2).sequence() + 1, last.sequence());
        assertTrue(last.inventory().getJsonArray("tags").contains("from-cli"));
    }

    @Test
    void wrongProxyCredentialsExitNonZeroWithOneLineAndNoStackTrace() throws Exception {
        int port = proxy.getListenAddress().getPort();
        Result result = childJvm("enroll", "--gateway", gateway.url(), "--token", FakeGateway.TOKEN,
                "--ca", caFile.toString(), "--dir", files.resolve("never").toString(),
                "--proxy", "http://agent:wrong@127.0.0.1:" + port);
        assertOneCleanErrorLine(result, "proxy 127.0.0.1:" + port + " refused the tunnel: 407 Proxy Authentication "
                + "Required — check the user and password in --proxy");
        assertFalse(Files.exists(files.resolve("never/key.pem")));
    }

    @Test
    void anUntrustedGatewayExitsNonZeroWithOneLineAndNoStackTrace() throws Exception {
        Path otherCa = files.resolve("other-ca.pem");
        Files.writeString(otherCa, TestCa.create("Another CA").certificatePem());
        Result result = childJvm("swarm", "--gateway", gateway.url(), "--token", FakeGateway.TOKEN,
                "--ca", otherCa.toString(), "--agents", "2", "--duration", "1s");
        assertOneCleanErrorLine(result, "gateway 127.0.0.1:" + gateway.port() + " presented a certificate that does "
                + "not chain to the pinned CA (" + otherCa + ") — refusing to connect; check --ca and the gateway URL");
    }
}
