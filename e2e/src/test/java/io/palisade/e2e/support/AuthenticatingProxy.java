package io.palisade.e2e.support;

import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.palisade.simulator.ProxySpec;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.littleshoot.proxy.ActivityTrackerAdapter;
import org.littleshoot.proxy.FlowContext;
import org.littleshoot.proxy.HttpProxyServer;
import org.littleshoot.proxy.ProxyAuthenticator;
import org.littleshoot.proxy.impl.DefaultHttpProxyServer;

/**
 * An HTTP forward proxy that wants Basic authentication and tunnels with CONNECT, in this JVM (LittleProxy): it stands
 * in for the tinyproxy or Squid an MSP's customer runs, since CI machines have neither. It counts the tunnels it
 * opened and the requests it refused for lack of credentials.
 */
public final class AuthenticatingProxy implements AutoCloseable {

    private final String user;
    private final String password;
    private final HttpProxyServer server;
    private final AtomicInteger tunnels = new AtomicInteger();

    public AuthenticatingProxy(String user, String password) {
        this.user = user;
        this.password = password;
        this.server = DefaultHttpProxyServer.bootstrap()
                .withAddress(new java.net.InetSocketAddress("127.0.0.1", 0))
                .withName("e2e-proxy")
                .withProxyAuthenticator(new ProxyAuthenticator() {
                    @Override
                    public boolean authenticate(String userName, String pass) {
                        return user.equals(userName) && password.equals(pass);
                    }

                    @Override
                    public String getRealm() {
                        return "palisade-e2e";
                    }
                })
                .plusActivityTracker(new ActivityTrackerAdapter() {
                    @Override
                    public void requestReceivedFromClient(FlowContext flowContext, HttpRequest request) {
                        if (HttpMethod.CONNECT.equals(request.method())) {
                            tunnels.incrementAndGet();
                        }
                    }
                })
                .start();
    }

    public int port() {
        return server.getListenAddress().getPort();
    }

    /** The proxy URL with the right credentials (percent-encoded). */
    public ProxySpec spec() {
        return ProxySpec.parse("http://" + enc(user) + ":" + enc(password) + "@127.0.0.1:" + port());
    }

    /** The proxy URL with other credentials, or none (userInfo null). */
    public ProxySpec spec(String userInfo) {
        return ProxySpec.parse("http://" + (userInfo == null ? "" : userInfo + "@") + "127.0.0.1:" + port());
    }

    /** CONNECT requests the proxy has seen. */
    public int tunnels() {
        return tunnels.get();
    }

    @Override
    public void close() {
        server.abort();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
