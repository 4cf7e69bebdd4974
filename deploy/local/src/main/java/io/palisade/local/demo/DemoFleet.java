package io.palisade.local.demo;

import io.palisade.simulator.Agent;
import io.palisade.simulator.AgentError;
import io.palisade.simulator.AgentIdentity;
import io.palisade.simulator.AgentKeys;
import io.palisade.simulator.GatewayClient;
import io.palisade.simulator.ProxySpec;
import io.palisade.simulator.SimulatedDevice;
import io.palisade.simulator.Task;
import io.palisade.simulator.TaskResult;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;

/**
 * The demo's computers: reference agents (agent-simulator) in the launcher's JVM, one set per customer, enrolled
 * with that customer's installer — through the local proxy for the customers the plan puts behind one, when a proxy
 * runs. Each agent's identity and machine state live in {@code .palisade/demo/agents/<customer>-<n>/}, so the next
 * {@code ./palisade up --demo} brings back the same devices instead of enrolling new ones.
 */
public final class DemoFleet implements AutoCloseable {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String INVENTORY_FILE = "inventory.json";

    /** One running agent. */
    public record Member(String customer, boolean proxied, SimulatedDevice device, Agent agent, Path dir) {
    }

    private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
    private final List<Member> members = new ArrayList<>();
    private final LongAdder checkins = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private final LongAdder tasks = new LongAdder();
    private int enrolled;
    private int restored;

    private DemoFleet() {
    }

    /**
     * Enrols the agents not enrolled yet, brings back the others, and starts every check-in loop.
     *
     * @param proxy           the proxy for the plan's proxied customers, or null for all direct
     * @param intervalSeconds seconds between check-ins (short, so the demo moves within a minute)
     */
    public static DemoFleet start(Path dir, DemoPlan plan, DemoState state, String agentEndpoint, ProxySpec proxy,
                                  double intervalSeconds) throws IOException {
        DemoFleet fleet = new DemoFleet();
        try {
            int customerIndex = 0;
            for (DemoPlan.Node customer : plan.customers()) {
                customerIndex++;
                boolean proxied = customer.proxied() && proxy != null;
                for (int i = 0; i < customer.agents(); i++) {
                    Path agentDir = dir.resolve(slug(customer.name()) + "-" + (i + 1));
                    long seed = 1000L * customerIndex + i;
                    fleet.add(customer.name(), proxied ? proxy : null, agentDir, seed, state, agentEndpoint, intervalSeconds);
                }
            }
            for (Member m : fleet.members) {
                m.agent().start(Duration.ofMillis(ThreadLocalRandom.current().nextLong(Math.round(intervalSeconds * 1000))));
            }
            return fleet;
        } catch (IOException | RuntimeException e) {
            fleet.close();
            throw e;
        }
    }

    private void add(String customer, ProxySpec proxy, Path agentDir, long seed, DemoState state, String endpoint,
                     double intervalSeconds) throws IOException {
        AgentIdentity identity;
        SimulatedDevice device;
        if (Files.isRegularFile(agentDir.resolve(AgentIdentity.IDENTITY_FILE))) {
            AgentIdentity saved = AgentIdentity.load(agentDir);
            // the gateway may listen on another port this time
            identity = new AgentIdentity(endpoint, saved.deviceId(), saved.hardwareId(), saved.hostname(),
                    saved.privateKeyPem(), saved.certificatePem(), saved.caChainPem(), saved.trustedCaPem(),
                    saved.checkInIntervalSeconds());
            Path inventory = agentDir.resolve(INVENTORY_FILE);
            device = Files.isRegularFile(inventory)
                    ? SimulatedDevice.fromInventory(saved.hardwareId(), new JsonObject(Files.readString(inventory)))
                    : SimulatedDevice.random(seed);
            restored++;
        } else {
            device = SimulatedDevice.random(seed);
            DemoState.Installer installer = state.installer(customer);
            try (GatewayClient client = GatewayClient.builder(vertx, endpoint).trustedCaPem(state.caPem()).proxy(proxy)
                    .build()) {
                identity = GatewayClient.await(Agent.enroll(client, installer.token(), device, AgentKeys.KeyType.EC), WAIT);
            }
            identity.save(agentDir);
            saveInventory(agentDir, device);
            enrolled++;
        }
        Agent.Listener listener = new Agent.Listener() {
            @Override
            public void checkedIn(Agent.CheckinEvent event) {
                checkins.increment();
            }

            @Override
            public void checkinFailed(long sequence, AgentError error, Duration retryIn) {
                failures.increment();
            }

            @Override
            public void taskExecuted(Task task, TaskResult result) {
                tasks.increment();
                vertx.executeBlocking(() -> {
                    saveInventory(agentDir, device);
                    return null;
                }, false);
            }
        };
        Agent agent = new Agent(vertx, identity, device, Agent.Options.defaults().withProxy(proxy)
                .withIntervalSeconds(intervalSeconds).withListener(listener));
        members.add(new Member(customer, proxy != null, device, agent, agentDir));
    }

    private static void saveInventory(Path agentDir, SimulatedDevice device) throws IOException {
        Files.writeString(agentDir.resolve(INVENTORY_FILE), device.inventory().encodePrettily() + "\n", StandardCharsets.UTF_8);
    }

    /** {@code "Granite Construction Co."} → {@code granite-construction-co} */
    static String slug(String name) {
        return name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
    }

    public List<Member> members() {
        return List.copyOf(members);
    }

    public int size() {
        return members.size();
    }

    public long proxiedCount() {
        return members.stream().filter(Member::proxied).count();
    }

    /** Agents enrolled by this run. */
    public int enrolled() {
        return enrolled;
    }

    /** Agents brought back from an earlier run. */
    public int restored() {
        return restored;
    }

    public long checkins() {
        return checkins.sum();
    }

    public long failures() {
        return failures.sum();
    }

    public long tasksExecuted() {
        return tasks.sum();
    }

    /** How many of the given customers' machines are Windows without the security product right now. */
    public long unprotectedWindows(java.util.function.Predicate<String> customers) {
        return members.stream().filter(m -> customers.test(m.customer()))
                .filter(m -> "WINDOWS".equals(m.device().os().platform())
                        && !m.device().products().containsKey(DemoPlan.SECURITY_PRODUCT))
                .count();
    }

    /** Stops the agents and keeps every machine's state for the next run. */
    @Override
    public void close() {
        for (Member m : members) {
            m.agent().close();
            try {
                saveInventory(m.dir(), m.device());
            } catch (IOException ignored) {
                // the next run starts that machine from its seed
            }
        }
        try {
            GatewayClient.await(vertx.close(), Duration.ofSeconds(10));
        } catch (RuntimeException ignored) {
            // stopping anyway
        }
    }

    @Override
    public String toString() {
        return "demo agents";
    }
}
