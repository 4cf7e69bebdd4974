package io.palisade.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.palisade.events.CommandEvents;
import io.palisade.events.DeviceEvents;
import io.palisade.events.Topics;
import io.palisade.gateway.agent.AgentServer;
import io.palisade.gateway.support.World;
import io.palisade.gateway.support.World.Installer;
import io.palisade.gateway.support.World.Tenant;
import io.palisade.kit.testing.TestEvents;
import io.palisade.kit.testing.TopicProbe;
import io.palisade.simulator.Agent;
import io.palisade.simulator.AgentError;
import io.palisade.simulator.AgentIdentity;
import io.palisade.simulator.AgentKeys;
import io.palisade.simulator.CheckinResponse;
import io.palisade.simulator.GatewayClient;
import io.palisade.simulator.ProxySpec;
import io.palisade.simulator.SimulatedDevice;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.littleshoot.proxy.ActivityTrackerAdapter;
import org.littleshoot.proxy.FlowContext;
import org.littleshoot.proxy.HttpProxyServer;
import org.littleshoot.proxy.ProxyAuthenticator;
import org.littleshoot.proxy.impl.DefaultHttpProxyServer;

/**
 * The reference agent (agent-simulator) against the real gateway, directly and through a real HTTP proxy
 * (an in-process LittleProxy: CONNECT, with and without Basic authentication).
 */
@QuarkusTest
class ProxiedAgentTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String USER = "agent";
    private static final String PASSWORD = "pr0xy:secret";
    private static Vertx vertx;
    private static HttpProxyServer open;
    private static HttpProxyServer authenticating;
    private static final AtomicInteger connects = new AtomicInteger();

    @Inject
    AgentServer server;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        ActivityTrackerAdapter counter = new ActivityTrackerAdapter() {
            @Override
            public void requestReceivedFromClient(FlowContext flowContext, HttpRequest request) {
                if (HttpMethod.CONNECT.equals(request.method())) {
                    connects.incrementAndGet();
                }
            }
        };
        open = DefaultHttpProxyServer.bootstrap().withPort(0).withName("open").plusActivityTracker(counter).start();
        authenticating = DefaultHttpProxyServer.bootstrap().withPort(0).withName("authenticating")
                .withProxyAuthenticator(new ProxyAuthenticator() {
                    @Override
                    public boolean authenticate(String userName, String password) {
                        return USER.equals(userName) && PASSWORD.equals(password);
                    }

                    @Override
                    public String getRealm() {
                        return "palisade";
                    }
                })
                .plusActivityTracker(counter).start();
    }

    @AfterAll
    static void stop() {
        open.abort();
        authenticating.abort();
        GatewayClient.await(vertx.close(), WAIT);
    }

    private String gateway() {
        return "https://localhost:" + server.port();
    }

    private static ProxySpec proxy(HttpProxyServer proxy, String userInfo) {
        return ProxySpec.parse("http://" + (userInfo == null ? "" : userInfo + "@") + "127.0.0.1:" + proxy.getListenAddress().getPort());
    }

    private AgentIdentity enrol(Installer installer, SimulatedDevice device, ProxySpec proxy) {
        try (GatewayClient client = GatewayClient.builder(vertx, gateway()).trustedCaPem(installer.caPem()).proxy(proxy).build()) {
            return GatewayClient.await(Agent.enroll(client, installer.token(), device, AgentKeys.KeyType.EC), WAIT);
        }
    }

    @Test
    void enrolmentAndCheckInsWorkThroughAProxyWithAndWithoutBasicAuth() {
        Tenant customer = World.customer();
        Installer installer = World.installer(customer, 10);
        for (ProxySpec proxy : new ProxySpec[] {proxy(open, null), proxy(authenticating, "agent:pr0xy%3Asecret")}) {
            SimulatedDevice device = SimulatedDevice.random(UUID.randomUUID().getMostSignificantBits());
            int before = connects.get();
            AgentIdentity identity = enrol(installer, device, proxy);
            try (TopicProbe devices = new TopicProbe(Topics.DEVICES);
                 Agent agent = new Agent(vertx, identity, device, Agent.Options.defaults().withProxy(proxy))) {
                for (int i = 0; i < 3; i++) {
                    assertThat(GatewayClient.await(agent.checkinOnce(), WAIT).checkInIntervalSeconds()).isBetween(54, 66);
                }
                assertThat(connects.get() - before).as("one tunnel to enrol, one kept open for the check-ins").isEqualTo(2);
                var inventory = devices.await(r -> DeviceEvents.InventoryChanged.TYPE.equals(r.event().type())
                        && r.key().equals(identity.deviceId()), WAIT);
                assertThat(inventory.event().data().get("inventory").get("hostname").asText()).isEqualTo(device.hostname());
            }
        }
    }

    @Test
    void theGatewayKnowsTheSameDeviceWithAndWithoutTheProxy() {
        Tenant customer = World.customer();
        Installer installer = World.installer(customer, 10);
        SimulatedDevice device = SimulatedDevice.random(7);
        AgentIdentity identity = enrol(installer, device, null);
        try (TopicProbe devices = new TopicProbe(Topics.DEVICES);
             Agent direct = new Agent(vertx, identity, device, Agent.Options.defaults());
             Agent proxied = new Agent(vertx, identity, device, Agent.Options.defaults().withFirstSequence(100)
                     .withProxy(proxy(authenticating, "agent:pr0xy%3Asecret")))) {
            GatewayClient.await(direct.checkinOnce(), WAIT);
            GatewayClient.await(proxied.checkinOnce(), WAIT);
            for (long sequence : new long[] {1, 100}) {
                var checkedIn = devices.await(r -> DeviceEvents.CheckedIn.TYPE.equals(r.event().type())
                        && r.event().data().get("sequence").asLong() == sequence
                        && r.event().data().get("customerId").asText().equals(customer.id().toString()), WAIT);
                assertThat(checkedIn.key()).isEqualTo(identity.deviceId());
            }
        }
    }

    @Test
    void aMissingOrWrongProxyCredentialIsAClearErrorForTheAgent() {
        Tenant customer = World.customer();
        Installer installer = World.installer(customer, 10);
        int port = authenticating.getListenAddress().getPort();
        for (String userInfo : new String[] {null, "agent:wrong"}) {
            assertThatThrownBy(() -> enrol(installer, SimulatedDevice.random(3), proxy(authenticating, userInfo)))
                    .isInstanceOf(AgentError.class)
                    .hasMessageStartingWith("proxy 127.0.0.1:" + port + " refused the tunnel: 407 Proxy Authentication Required")
                    .satisfies(e -> assertThat(((AgentError) e).kind()).isEqualTo(AgentError.Kind.PROXY_AUTH));
        }
    }

    @Test
    void anAgentRunsItsTaskAndReportsIt() {
        Tenant customer = World.customer();
        Installer installer = World.installer(customer, 10);
        SimulatedDevice device = SimulatedDevice.random(11);
        AgentIdentity identity = enrol(installer, device, proxy(open, null));
        UUID taskId = UUID.randomUUID();
        try (TopicProbe devices = new TopicProbe(Topics.DEVICES);
             Agent agent = new Agent(vertx, identity, device, Agent.Options.defaults().withProxy(proxy(open, null)))) {
            GatewayClient.await(agent.checkinOnce(), WAIT);
            var parameters = TestAgentJson.object("name", "Palisade Endpoint Security", "version", "12.0.1");
            TestEvents.publish(new CommandEvents.TaskAssigned(taskId.toString(), identity.deviceId(), "INSTALL_PRODUCT", parameters),
                    customer.path(), "/group-service");
            org.awaitility.Awaitility.await().atMost(WAIT).until(() -> {
                CheckinResponse answer = GatewayClient.await(agent.checkinOnce(), WAIT);
                return !answer.tasks().isEmpty();
            });
            // the agent ran it; the next check-in reports the result and the changed inventory
            GatewayClient.await(agent.checkinOnce(), WAIT);
            var result = devices.await(r -> DeviceEvents.TaskResult.TYPE.equals(r.event().type())
                    && r.key().equals(identity.deviceId()), WAIT);
            assertThat(result.event().data().get("status").asText()).isEqualTo("SUCCEEDED");
            devices.await(r -> DeviceEvents.InventoryChanged.TYPE.equals(r.event().type()) && r.key().equals(identity.deviceId())
                    && r.event().data().get("inventory").get("products").toString().contains("12.0.1"), WAIT);
            assertThat(GatewayClient.await(agent.checkinOnce(), WAIT).tasks()).isEmpty();
        }
    }

    /** Small JSON helper for event parameters. */
    static final class TestAgentJson {
        static com.fasterxml.jackson.databind.node.ObjectNode object(String... pairs) {
            var node = io.palisade.gateway.support.TestAgent.JSON.createObjectNode();
            for (int i = 0; i < pairs.length; i += 2) {
                node.put(pairs[i], pairs[i + 1]);
            }
            return node;
        }
    }
}
