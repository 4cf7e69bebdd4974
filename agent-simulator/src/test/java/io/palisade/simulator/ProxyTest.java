package io.palisade.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.littleshoot.proxy.ActivityTrackerAdapter;
import org.littleshoot.proxy.FlowContext;
import org.littleshoot.proxy.HttpProxyServer;
import org.littleshoot.proxy.ProxyAuthenticator;
import org.littleshoot.proxy.impl.DefaultHttpProxyServer;

import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.vertx.core.Vertx;

/**
 * Agents behind an HTTP proxy (an in-process LittleProxy): CONNECT tunnels with and without Basic authentication,
 * and the one-line errors for wrong or missing credentials and an unreachable proxy.
 */
class ProxyTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    static final String USER = "agent";
    static final String PASSWORD = "s3cret:p@ss";

    private static Vertx vertx;
    private static TestCa ca;
    private static FakeGateway gateway;
    private static HttpProxyServer openProxy;
    private static HttpProxyServer authenticatingProxy;
    private static final AtomicInteger openConnects = new AtomicInteger();
    private static final AtomicInteger authenticatedConnects = new AtomicInteger();

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        ca = TestCa.create("Palisade Test Device CA");
        gateway = FakeGateway.start(vertx, ca);
        openProxy = DefaultHttpProxyServer.bootstrap().withPort(0).withName("open")
                .plusActivityTracker(connectCounter(openConnects)).start();
        authenticatingProxy = startAuthenticatingProxy(authenticatedConnects);
    }

    /** A LittleProxy that wants Basic credentials {@link #USER} / {@link #PASSWORD}. */
    static HttpProxyServer startAuthenticatingProxy(AtomicInteger connects) {
        return DefaultHttpProxyServer.bootstrap().withPort(0).withName("authenticating")
                .withProxyAuthenticator(new ProxyAuthenticator() {
                    @Override
                    public boolean authenticate(String userName, String password) {
                        return USER.equals(userName) && PASSWORD.equals(password);
                    }

                    @Override
                    public String getRealm() {
                        return "palisade-test";
                    }
                })
                .plusActivityTracker(connectCounter(connects)).start();
    }

    @AfterAll
    static void stop() {
        openProxy.abort();
        authenticatingProxy.abort();
        gateway.close();
        GatewayClient.await(vertx.close(), WAIT);
    }

    private static ActivityTrackerAdapter connectCounter(AtomicInteger counter) {
        return new ActivityTrackerAdapter() {
            @Override
            public void requestReceivedFromClient(FlowContext flowContext, HttpRequest request) {
                if (HttpMethod.CONNECT.equals(request.method())) {
                    counter.incrementAndGet();
                }
            }
        };
    }

    static String proxyUrl(HttpProxyServer proxy, String userInfo) {
        return "http://" + (userInfo == null ? "" : userInfo + "@") + "127.0.0.1:" + proxy.getListenAddress().getPort();
    }

    private GatewayClient anonymousClient(ProxySpec proxy) {
        return GatewayClient.builder(vertx, gateway.url()).trustedCaPem(ca.certificatePem()).proxy(proxy).build();
    }

    /** Enrols and checks in three times through {@code proxy}; returns the identity. */
    private AgentIdentity enrolAndCheckInThrough(ProxySpec proxy, AtomicInteger connects, long seed) {
        SimulatedDevice device = SimulatedDevice.random(seed);
        AgentIdentity identity;
        int before = connects.get();
        try (GatewayClient client = anonymousClient(proxy)) {
            identity = GatewayClient.await(Agent.enroll(client, FakeGateway.TOKEN, device, AgentKeys.KeyType.EC), WAIT);
        }
        assertEquals(before + 1, connects.get(), "the enrolment went through the proxy");
        try (Agent agent = new Agent(vertx, identity, device, Agent.Options.defaults().withProxy(proxy))) {
            for (int i = 0; i < 3; i++) {
                GatewayClient.await(agent.checkinOnce(), WAIT);
            }
        }
        assertEquals(before + 2, connects.get(), "the check-ins went through the proxy, on one kept-open tunnel");
        return identity;
    }

    @Test
    void enrolsAndChecksInThroughAProxyThatWantsNoCredentials() {
        AgentIdentity identity = enrolAndCheckInThrough(ProxySpec.parse(proxyUrl(openProxy, null)), openConnects, 21);
        assertEquals(3, gateway.checkinsOf(identity.deviceId()).size());
        gateway.checkinsOf(identity.deviceId()).forEach(checkin -> assertEquals(identity.certificateSubject(), checkin.peerSubject()));
    }

    @Test
    void enrolsAndChecksInThroughAProxyWithBasicAuthentication() {
        ProxySpec proxy = ProxySpec.parse(proxyUrl(authenticatingProxy, "agent:s3cret%3Ap%40ss"));
        assertEquals(PASSWORD, proxy.password());
        AgentIdentity identity = enrolAndCheckInThrough(proxy, authenticatedConnects, 22);
        assertEquals(3, gateway.checkinsOf(identity.deviceId()).size());
    }

    @Test
    void theGatewaySeesTheSameClientCertificateWithAndWithoutTheProxy() {
        SimulatedDevice device = SimulatedDevice.random(23);
        AgentIdentity identity;
        try (GatewayClient client = anonymousClient(null)) {
            identity = GatewayClient.await(Agent.enroll(client, FakeGateway.TOKEN, device, AgentKeys.KeyType.EC), WAIT);
        }
        try (Agent direct = new Agent(vertx, identity, device, Agent.Options.defaults());
             Agent proxied = new Agent(vertx, identity, device, Agent.Options.defaults().withFirstSequence(2)
                     .withProxy(ProxySpec.parse(proxyUrl(authenticatingProxy, "agent:s3cret%3Ap%40ss"))))) {
            GatewayClient.await(direct.checkinOnce(), WAIT);
            GatewayClient.await(proxied.checkinOnce(), WAIT);
        }
        var checkins = gateway.checkinsOf(identity.deviceId());
        assertEquals(2, checkins.size());
        assertEquals(identity.certificateSubject(), checkins.get(0).peerSubject());
        assertEquals(checkins.get(0).peerSubject(), checkins.get(1).peerSubject());
    }

    @Test
    void aWrongProxyPasswordIsAClearError() {
        int port = authenticatingProxy.getListenAddress().getPort();
        try (GatewayClient client = anonymousClient(ProxySpec.parse(proxyUrl(authenticatingProxy, "agent:wrong")))) {
            AgentError error = assertThrows(AgentError.class, () -> GatewayClient.await(
                    Agent.enroll(client, FakeGateway.TOKEN, SimulatedDevice.random(24), AgentKeys.KeyType.EC), WAIT));
            assertEquals(AgentError.Kind.PROXY_AUTH, error.kind());
            assertEquals(407, error.status());
            assertEquals("proxy 127.0.0.1:" + port + " refused the tunnel: 407 Proxy Authentication Required — check the "
                    + "user and password in --proxy", error.getMessage());
        }
    }

    @Test
    void missingProxyCredentialsAreAClearError() {
        int port = authenticatingProxy.getListenAddress().getPort();
        try (GatewayClient client = anonymousClient(ProxySpec.parse(proxyUrl(authenticatingProxy, null)))) {
            AgentError error = assertThrows(AgentError.class, () -> GatewayClient.await(
                    Agent.enroll(client, FakeGateway.TOKEN, SimulatedDevice.random(25), AgentKeys.KeyType.EC), WAIT));
            assertEquals(AgentError.Kind.PROXY_AUTH, error.kind());
            assertEquals("proxy 127.0.0.1:" + port + " refused the tunnel: 407 Proxy Authentication Required — it wants "
                    + "a user and password: --proxy http://user:password@host:port", error.getMessage());
        }
    }

    @Test
    void anUnreachableProxyIsAClearError() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        try (GatewayClient client = anonymousClient(ProxySpec.parse("http://127.0.0.1:" + closedPort))) {
            AgentError error = assertThrows(AgentError.class, () -> GatewayClient.await(
                    Agent.enroll(client, FakeGateway.TOKEN, SimulatedDevice.random(26), AgentKeys.KeyType.EC), WAIT));
            assertEquals(AgentError.Kind.PROXY_UNREACHABLE, error.kind());
            assertEquals("cannot reach proxy 127.0.0.1:" + closedPort + ": connection refused — check the host and port "
                    + "in --proxy", error.getMessage());
        }
    }

    @Test
    void proxyUrlsAreParsedAndNeverShowThePassword() {
        ProxySpec proxy = ProxySpec.parse("http://user:pa%40ss@proxy.corp:3128");
        assertEquals("proxy.corp", proxy.host());
        assertEquals(3128, proxy.port());
        assertEquals("pa@ss", proxy.password());
        assertEquals("http://user:***@proxy.corp:3128", proxy.toString());
        assertNull(ProxySpec.parse("http://proxy.corp:8080").username());
        IllegalArgumentException socks = assertThrows(IllegalArgumentException.class,
                () -> ProxySpec.parse("socks5://user:secret@proxy.corp:1080"));
        assertTrue(socks.getMessage().contains("only http:// proxies"), socks.getMessage());
        assertTrue(!socks.getMessage().contains("secret"), socks.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ProxySpec.parse("http://proxy.corp"));
    }
}
