package io.palisade.e2e.support;

import io.palisade.simulator.Agent;
import io.palisade.simulator.AgentError;
import io.palisade.simulator.AgentIdentity;
import io.palisade.simulator.AgentKeys;
import io.palisade.simulator.GatewayClient;
import io.palisade.simulator.ProxySpec;
import io.palisade.simulator.SimulatedDevice;
import io.palisade.simulator.Task;
import io.palisade.simulator.TaskResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;

/**
 * The customer's computers: reference agents (agent-simulator) on simulated machines, some connecting directly and
 * some through an HTTP proxy, each with its own key, certificate and kept-open connection, checking in at the
 * interval the gateway gives them. Records what each agent saw, so the journey can check that none was lost.
 */
public final class Fleet implements AutoCloseable {

    private static final Duration WAIT = Duration.ofSeconds(60);

    /** One agent and what happened to it. */
    public static final class Member {
        private final SimulatedDevice device;
        private final boolean proxied;
        private AgentIdentity identity;
        private Agent agent;
        private final AtomicLong acknowledged = new AtomicLong();
        private final AtomicReference<Instant> lastAcknowledged = new AtomicReference<>(Instant.EPOCH);
        private final AtomicLong failures = new AtomicLong();
        private final Map<String, TaskResult> tasks = new ConcurrentHashMap<>();

        Member(SimulatedDevice device, boolean proxied) {
            this.device = device;
            this.proxied = proxied;
        }

        public SimulatedDevice device() {
            return device;
        }

        public String deviceId() {
            return identity.deviceId();
        }

        public boolean proxied() {
            return proxied;
        }

        /** Acknowledged (200) check-ins. */
        public long acknowledged() {
            return acknowledged.get();
        }

        public Instant lastAcknowledged() {
            return lastAcknowledged.get();
        }

        /** Failed check-ins (a gateway away, a broken tunnel). */
        public long failures() {
            return failures.get();
        }

        /** Tasks this agent ran, by task id. */
        public Map<String, TaskResult> tasks() {
            return Map.copyOf(tasks);
        }

        /** Windows without the security product: who belongs in the journey's dynamic group. */
        public boolean isUnprotectedWindows() {
            return "WINDOWS".equals(device.os().platform())
                    && !device.products().containsKey(SimulatedDevice.SECURITY_PRODUCT);
        }
    }

    private final Vertx vertx = Vertx.vertx();
    private final List<Member> members = new ArrayList<>();
    private final LongAdder enrolmentFailures = new LongAdder();

    /**
     * Enrols {@code count} agents with one installer token: machine i simulates {@code SimulatedDevice.random(seed +
     * i)}; every second one goes through {@code proxy} (all of them direct when it is null).
     */
    public static Fleet enrol(String gatewayUrl, String token, String caPem, int count, long seed, ProxySpec proxy) {
        Fleet fleet = new Fleet();
        try {
            fleet.enrolAll(gatewayUrl, token, caPem, count, seed, proxy);
            return fleet;
        } catch (RuntimeException e) {
            fleet.close();
            throw e;
        }
    }

    /**
     * Tries to enrol one simulated machine through {@code proxy} and returns the agent's error; fails when the
     * enrolment succeeds.
     */
    public static AgentError enrolmentError(String gatewayUrl, String token, String caPem, ProxySpec proxy) {
        Vertx vertx = Vertx.vertx();
        try (GatewayClient client = GatewayClient.builder(vertx, gatewayUrl).trustedCaPem(caPem).proxy(proxy).build()) {
            AgentIdentity identity = GatewayClient.await(Agent.enroll(client, token, SimulatedDevice.random(-1),
                    AgentKeys.KeyType.EC), WAIT);
            throw new AssertionError("enrolled as " + identity.deviceId() + " through " + proxy);
        } catch (AgentError expected) {
            return expected;
        } finally {
            GatewayClient.await(vertx.close(), Duration.ofSeconds(10));
        }
    }

    /** Enrols one machine (no check-ins follow) and returns its identity. */
    public static AgentIdentity enrolOne(String gatewayUrl, String token, String caPem, SimulatedDevice device) {
        Vertx vertx = Vertx.vertx();
        try (GatewayClient client = GatewayClient.builder(vertx, gatewayUrl).trustedCaPem(caPem).build()) {
            return GatewayClient.await(Agent.enroll(client, token, device, AgentKeys.KeyType.EC), WAIT);
        } finally {
            GatewayClient.await(vertx.close(), Duration.ofSeconds(10));
        }
    }

    private void enrolAll(String gatewayUrl, String token, String caPem, int count, long seed, ProxySpec proxy) {
        try (GatewayClient direct = GatewayClient.builder(vertx, gatewayUrl).trustedCaPem(caPem).poolSize(8).build();
             GatewayClient proxied = GatewayClient.builder(vertx, gatewayUrl).trustedCaPem(caPem).poolSize(8)
                     .proxy(proxy).build()) {
            List<Future<AgentIdentity>> enrolments = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                boolean viaProxy = proxy != null && i % 2 == 1;
                Member member = new Member(SimulatedDevice.random(seed + i), viaProxy);
                members.add(member);
                enrolments.add(Agent.enroll(viaProxy ? proxied : direct, token, member.device, AgentKeys.KeyType.EC)
                        .onSuccess(identity -> member.identity = identity)
                        .onFailure(failure -> enrolmentFailures.increment()));
            }
            GatewayClient.await(Future.join(enrolments), WAIT);
        }
        for (Member member : members) {
            Agent.Listener listener = new Agent.Listener() {
                @Override
                public void checkedIn(Agent.CheckinEvent event) {
                    member.acknowledged.incrementAndGet();
                    member.lastAcknowledged.set(Instant.now());
                }

                @Override
                public void checkinFailed(long sequence, AgentError error, Duration retryIn) {
                    member.failures.incrementAndGet();
                }

                @Override
                public void taskExecuted(Task task, TaskResult result) {
                    member.tasks.put(task.taskId(), result);
                }
            };
            member.agent = new Agent(vertx, member.identity, member.device, Agent.Options.defaults()
                    .withProxy(member.proxied ? proxy : null)
                    .withRequestTimeout(Duration.ofSeconds(10))
                    .withListener(listener));
        }
    }

    /** Starts every agent's check-in loop, the first check-ins spread over one second. */
    public void start() {
        for (Member member : members) {
            member.agent.start(Duration.ofMillis(ThreadLocalRandom.current().nextLong(1000)));
        }
    }

    public List<Member> members() {
        return List.copyOf(members);
    }

    public List<String> deviceIds() {
        return members.stream().map(Member::deviceId).toList();
    }

    /** The device ids of the members that satisfy a condition, sorted. */
    public List<String> deviceIds(java.util.function.Predicate<Member> which) {
        return members.stream().filter(which).map(Member::deviceId).sorted().collect(Collectors.toList());
    }

    public long proxiedCount() {
        return members.stream().filter(Member::proxied).count();
    }

    /** Whether every agent had a check-in acknowledged after {@code since}. */
    public boolean everyAgentCheckedInAfter(Instant since) {
        return members.stream().allMatch(m -> m.lastAcknowledged().isAfter(since));
    }

    /** Agents without a check-in acknowledged after {@code since}, for messages. */
    public List<String> silentSince(Instant since) {
        return members.stream().filter(m -> !m.lastAcknowledged().isAfter(since))
                .map(m -> m.device.hostname() + (m.proxied ? " (proxied)" : "")).toList();
    }

    public long totalFailures() {
        return members.stream().mapToLong(Member::failures).sum();
    }

    @Override
    public void close() {
        for (Member member : members) {
            if (member.agent != null) {
                member.agent.close();
            }
        }
        GatewayClient.await(vertx.close(), Duration.ofSeconds(10));
    }
}
