package io.palisade.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

import javax.net.ssl.SSLHandshakeException;

import org.junit.jupiter.api.Test;

import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.proxy.HttpProxyHandler;
import io.netty.handler.proxy.ProxyConnectException;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClosedException;

/** The failures the live tests cannot easily provoke, as Netty, Vert.x and the JDK report them. */
class ErrorClassifierTest {

    private static final ProxySpec PROXY = ProxySpec.parse("http://u:p@proxy.corp:3128");
    private static final ErrorClassifier.Target DIRECT = new ErrorClassifier.Target("gw.example.net:8443", null, "ca.pem", true);
    private static final ErrorClassifier.Target PROXIED = new ErrorClassifier.Target("gw.example.net:8443", PROXY, "ca.pem", true);

    private static HttpProxyHandler.HttpProxyConnectException proxyAnswered(String status) {
        return new HttpProxyHandler.HttpProxyConnectException(
                "http, basic, proxy.corp/10.0.0.1:3128 => gw.example.net:8443, status: " + status, null);
    }

    @Test
    void proxyRefusalsNameTheStatusAndWhatItMeans() {
        AgentError forbidden = ErrorClassifier.classify(proxyAnswered("403 Forbidden"), PROXIED);
        assertEquals(AgentError.Kind.PROXY_REFUSED, forbidden.kind());
        assertEquals("proxy proxy.corp:3128 refused the tunnel to gw.example.net:8443: 403 Forbidden — the proxy does "
                + "not allow a tunnel to gw.example.net:8443", forbidden.getMessage());
        assertFalse(forbidden.isTransient());

        AgentError badGateway = ErrorClassifier.classify(proxyAnswered("502 Bad Gateway"), PROXIED);
        assertEquals("proxy proxy.corp:3128 refused the tunnel to gw.example.net:8443: 502 Bad Gateway — the proxy "
                + "could not reach gw.example.net:8443", badGateway.getMessage());
        assertTrue(badGateway.isTransient());

        AgentError timeout = ErrorClassifier.classify(new ProxyConnectException("http, basic, proxy.corp:3128 => "
                + "gw.example.net:8443, timeout"), PROXIED);
        assertEquals(AgentError.Kind.TIMEOUT, timeout.kind());
        AgentError hungUp = ErrorClassifier.classify(new ProxyConnectException("http, basic, proxy.corp:3128 => "
                + "gw.example.net:8443, disconnected"), PROXIED);
        assertEquals(AgentError.Kind.PROXY_REFUSED, hungUp.kind());
        assertTrue(hungUp.getMessage().contains("is it an HTTP proxy that allows CONNECT?"), hungUp.getMessage());
    }

    @Test
    void unknownHostsNameTheProxyOrTheGateway() {
        UnknownHostException netty = new UnknownHostException("Failed to resolve 'proxy.corp' [A(1), AAAA(28)] after 2 queries");
        assertEquals("cannot reach proxy proxy.corp:3128: unknown host 'proxy.corp' — check the host in --proxy",
                ErrorClassifier.classify(netty, PROXIED).getMessage());
        UnknownHostException jdk = new UnknownHostException("gw.example.net: Name or service not known");
        AgentError gateway = ErrorClassifier.classify(jdk, DIRECT);
        assertEquals(AgentError.Kind.CONNECT_FAILED, gateway.kind());
        assertEquals("cannot reach gateway gw.example.net:8443: unknown host 'gw.example.net'", gateway.getMessage());
    }

    @Test
    void timeoutsAndClosedConnectionsAreTransient() {
        AgentError connect = ErrorClassifier.classify(new ConnectTimeoutException("connection timed out: gw.example.net/10.0.0.9:8443"), DIRECT);
        assertEquals(AgentError.Kind.TIMEOUT, connect.kind());
        assertEquals("connecting to gateway gw.example.net:8443 timed out", connect.getMessage());
        AgentError answer = ErrorClassifier.classify(new TimeoutException("The timeout period of 30000ms has been exceeded"), DIRECT);
        assertEquals("no answer from gateway gw.example.net:8443 in time", answer.getMessage());
        AgentError closed = ErrorClassifier.classify(new HttpClosedException("Connection was closed"), PROXIED);
        assertEquals(AgentError.Kind.CONNECTION_CLOSED, closed.kind());
        assertTrue(connect.isTransient() && answer.isTransient() && closed.isTransient());
    }

    @Test
    void tlsAlertsSayWhatTheGatewayRefused() {
        AgentError refused = ErrorClassifier.classify(new SSLHandshakeException("Received fatal alert: certificate_revoked"), DIRECT);
        assertEquals(AgentError.Kind.TLS_REFUSED, refused.kind());
        assertEquals("gateway gw.example.net:8443 refused the TLS handshake (certificate_revoked) — it did not accept "
                + "this agent's client certificate (revoked, expired or issued by another CA?)", refused.getMessage());
        AgentError other = ErrorClassifier.classify(new SSLHandshakeException("Received fatal alert: protocol_version"), DIRECT);
        assertEquals("gateway gw.example.net:8443 refused the TLS handshake (protocol_version)", other.getMessage());
    }

    @Test
    void busyAnswersCarryTheirRetryAfter() {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("Retry-After", "7").add("Content-Type", "application/problem+json");
        GatewayClient.Response busy = new GatewayClient.Response(429, headers,
                Buffer.buffer("{\"type\":\"about:blank\",\"title\":\"Too Many Requests\",\"status\":429,\"detail\":\"slow down\"}"));
        AgentError error = ErrorClassifier.fromResponse("check-in", busy, DIRECT);
        assertEquals(AgentError.Kind.RATE_LIMITED, error.kind());
        assertEquals(Optional.of(Duration.ofSeconds(7)), error.retryAfter());
        assertEquals("gateway gw.example.net:8443 is busy: 429 Too Many Requests to the check-in, retry after 7 s (slow down)",
                error.getMessage());

        GatewayClient.Response html = new GatewayClient.Response(500, MultiMap.caseInsensitiveMultiMap(),
                Buffer.buffer("<html>oops</html>"));
        AgentError failed = ErrorClassifier.fromResponse("check-in", html, DIRECT);
        assertEquals("gateway gw.example.net:8443 refused the check-in: 500 Internal Server Error", failed.getMessage());
        assertTrue(failed.isTransient());
        assertEquals(Optional.empty(), new GatewayClient.Response(503,
                MultiMap.caseInsensitiveMultiMap().add("Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT"), Buffer.buffer()).retryAfter());
    }
}
