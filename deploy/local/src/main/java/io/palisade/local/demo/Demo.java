package io.palisade.local.demo;

import static io.palisade.local.demo.DemoApi.object;
import static io.palisade.local.demo.DemoApi.url;

import com.fasterxml.jackson.databind.JsonNode;
import io.palisade.simulator.ProxySpec;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Comparator;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * {@code ./palisade up --demo}, once the services are ready: seeds the {@link DemoPlan} through the public APIs,
 * starts a local tinyproxy when there is one, starts the simulated agents, waits until the dynamic group has filled and
 * a scan of it has completed, and prints what to try next. Its state lives in {@code .palisade/demo/}.
 */
public final class Demo implements AutoCloseable {

    /** Seconds between the demo agents' check-ins: short, so groups fill and tasks complete within a minute. */
    static final double INTERVAL_SECONDS = 5;
    private static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(60);

    private final Path dir;
    private final DemoApi api;
    private final String adminPassword;
    private final Optional<Path> tinyproxyExecutable;
    private final PrintStream out;
    private final DemoPlan plan = DemoPlan.standard();
    private volatile boolean closed;
    private DemoState state;
    private Tinyproxy proxy;
    private DemoFleet fleet;

    /**
     * @param dir                 {@code .palisade/demo}
     * @param tinyproxyExecutable tinyproxy, when it is on the PATH
     */
    public Demo(Path dir, DemoApi.Urls urls, String adminPassword, Optional<Path> tinyproxyExecutable, PrintStream out) {
        this.dir = dir;
        this.api = new DemoApi(urls);
        this.adminPassword = adminPassword;
        this.tinyproxyExecutable = tinyproxyExecutable;
        this.out = out;
    }

    /** Runs the demo; returns once it has settled (the agents keep running until {@link #close()}). */
    public void run(int gatewayAgentPort) throws IOException {
        Path stateFile = dir.resolve("state.json");
        state = DemoState.load(stateFile);
        DemoSeeder seeder = new DemoSeeder(api, plan, state);
        seeder.signInAsAdmin(adminPassword);
        if (state.tenantId(plan.tenants().get(0).name()) != null && !seeder.stateMatchesServer()) {
            out.println("Demo: the saved demo (.palisade/demo) belongs to an earlier database; starting it afresh.");
            state.clearServerState();
            deleteTree(dir.resolve("agents"));
        }
        out.println("Demo: seeding the tree, operators, installers and the dynamic group through the APIs ...");
        try {
            seeder.seed();
        } finally {
            state.save(stateFile);
        }

        String proxyText = startProxy(gatewayAgentPort);
        state.save(stateFile);
        long started = System.nanoTime();
        fleet = DemoFleet.start(dir.resolve("agents"), plan, state, api.urls().agents(),
                proxy == null ? null : proxy.spec(), INTERVAL_SECONDS);
        out.printf(Locale.ROOT, "Demo: %d agents running (%d enrolled now, %d from the last run; %d through the proxy)%n",
                fleet.size(), fleet.enrolled(), fleet.restored(), fleet.proxiedCount());

        String admin = seeder.adminToken();
        long expected = fleet.unprotectedWindows(customer -> plan.isWithin(customer, plan.dynamicGroupHome()));
        long members = awaitMembers(admin, expected, started);
        String scanTask = null;
        String scanOutcome = null;
        if (members > 0 && !closed) {
            JsonNode task = api.post(url(api.urls().groups(), "/api/v1/tasks"), admin,
                            object("type", "RUN_SCAN", "groupId", state.dynamicGroupId()))
                    .expect(201, "sending a scan to the dynamic group");
            scanTask = task.path("id").asText();
            scanOutcome = awaitTask(admin, scanTask);
            out.println("Demo: RUN_SCAN to the dynamic group: " + scanOutcome);
        }
        out.println(DemoGuide.render(plan, state, new DemoGuide.Facts(api.urls(), fleet.size(), fleet.proxiedCount(),
                proxyText, members, scanTask, scanOutcome)));
    }

    private String startProxy(int gatewayAgentPort) {
        if (tinyproxyExecutable.isEmpty()) {
            out.println("Demo: tinyproxy is not on the PATH (Debian: apt-get install tinyproxy), so every agent connects"
                    + " directly.");
            return "none (tinyproxy is not installed): all agents connect directly";
        }
        if (state.proxyPassword() == null) {
            state.proxyPassword(newPassword());
        }
        try {
            proxy = Tinyproxy.start(tinyproxyExecutable.get(), dir.resolve("tinyproxy"), state.proxyPassword(),
                    gatewayAgentPort);
        } catch (IOException e) {
            out.println("Demo: " + e.getMessage() + "; every agent connects directly.");
            return "none (tinyproxy did not start): all agents connect directly";
        }
        return "tinyproxy on 127.0.0.1:" + proxy.port() + ", Basic authentication user " + Tinyproxy.USER + " password "
                + state.proxyPassword() + " (config and log in .palisade/demo/tinyproxy/)";
    }

    /** Waits until the dynamic group has the expected members (or a minute); returns how many it has. */
    private long awaitMembers(String admin, long expected, long started) {
        long deadline = System.nanoTime() + SETTLE_TIMEOUT.toNanos();
        long members = -1;
        while (!closed) {
            members = api.get(url(api.urls().groups(), "/api/v1/groups/" + state.dynamicGroupId() + "/devices",
                    "limit", 500), admin).expect(200, "reading the dynamic group").path("items").size();
            if (members == expected || System.nanoTime() > deadline) {
                break;
            }
            pause();
        }
        out.printf(Locale.ROOT, "Demo: \"%s\" has %d member(s)%s, %.0f s after the agents started%n", DemoPlan.DYNAMIC_GROUP,
                members, members == expected ? "" : " (expected " + expected + ")", (System.nanoTime() - started) / 1e9);
        return members;
    }

    /** Waits until no target of the task is PENDING or DELIVERED (or a minute); says how it went. */
    private String awaitTask(String admin, String taskId) {
        long started = System.nanoTime();
        long deadline = started + SETTLE_TIMEOUT.toNanos();
        JsonNode counts = null;
        while (!closed) {
            counts = api.get(url(api.urls().groups(), "/api/v1/tasks/" + taskId), admin).expect(200, "reading the task")
                    .path("counts");
            if (counts.path("PENDING").asLong() + counts.path("DELIVERED").asLong() == 0 || System.nanoTime() > deadline) {
                break;
            }
            pause();
        }
        if (counts == null) {
            return "stopped";
        }
        long total = counts.path("PENDING").asLong() + counts.path("DELIVERED").asLong() + counts.path("SUCCEEDED").asLong()
                + counts.path("FAILED").asLong();
        return String.format(Locale.ROOT, "%d/%d succeeded%s after %.0f s", counts.path("SUCCEEDED").asLong(), total,
                counts.path("FAILED").asLong() > 0 ? ", " + counts.path("FAILED").asLong() + " failed" : "",
                (System.nanoTime() - started) / 1e9);
    }

    private void pause() {
        try {
            Thread.sleep(500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
        }
    }

    private static String newPassword() {
        SecureRandom random = new SecureRandom();
        String alphabet = "abcdefghijkmnopqrstuvwxyz23456789";
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 16; i++) {
            sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** Whether {@link #close()} has begun. */
    public boolean stopped() {
        return closed;
    }

    /** Stops the agents (keeping their state) and the proxy. */
    @Override
    public void close() {
        closed = true;
        if (fleet != null || proxy != null) {
            out.println("Stopping the demo's agents" + (proxy == null ? "" : " and tinyproxy") + " ...");
        }
        if (fleet != null) {
            fleet.close();
        }
        if (proxy != null) {
            proxy.close();
        }
    }

    @Override
    public String toString() {
        return "the demo";
    }
}
