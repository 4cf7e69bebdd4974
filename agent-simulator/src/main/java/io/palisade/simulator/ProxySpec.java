package io.palisade.simulator;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

import io.vertx.core.net.ProxyOptions;
import io.vertx.core.net.ProxyType;

/**
 * An HTTP forward proxy the agent reaches the gateway through, with an HTTP {@code CONNECT} tunnel (TLS stays end to
 * end between agent and gateway, so the gateway sees the agent's client certificate as without the proxy).
 *
 * @param host     the proxy's host name or address
 * @param port     the proxy's port
 * @param username the user for Basic {@code Proxy-Authorization}, or null for none
 * @param password the password, or null
 */
public record ProxySpec(String host, int port, String username, String password) {

    /**
     * Parses {@code http://[user:pass@]host:port}; the user and password may be percent-encoded (for {@code @}, {@code :}).
     *
     * @throws IllegalArgumentException with a one-line message naming what is wrong
     */
    public static ProxySpec parse(String url) {
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("invalid proxy URL '" + redact(url) + "': expected http://[user:pass@]host:port");
        }
        if (!"http".equalsIgnoreCase(uri.getScheme())) {
            throw new IllegalArgumentException("invalid proxy URL '" + redact(url)
                    + "': only http:// proxies (HTTP CONNECT) are supported, e.g. http://user:pass@proxy:3128");
        }
        if (uri.getHost() == null || uri.getPort() <= 0) {
            throw new IllegalArgumentException("invalid proxy URL '" + redact(url) + "': expected http://[user:pass@]host:port with a port");
        }
        String user = null;
        String pass = null;
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null && !userInfo.isEmpty()) {
            int colon = userInfo.indexOf(':');
            user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
            pass = colon < 0 ? "" : decode(userInfo.substring(colon + 1));
        }
        return new ProxySpec(uri.getHost(), uri.getPort(), user, pass);
    }

    /** {@code host:port}. */
    public String address() {
        return host + ":" + port;
    }

    /** Whether a user (and password) is sent to the proxy. */
    public boolean hasCredentials() {
        return username != null;
    }

    /** The Vert.x options: type HTTP (a CONNECT tunnel for TLS), Basic credentials when given. */
    public ProxyOptions toProxyOptions() {
        ProxyOptions options = new ProxyOptions().setType(ProxyType.HTTP).setHost(host).setPort(port);
        if (username != null) {
            options.setUsername(username).setPassword(password == null ? "" : password);
        }
        return options;
    }

    /** The URL with the password masked. */
    @Override
    public String toString() {
        return "http://" + (username == null ? "" : username + ":***@") + address();
    }

    private static String decode(String text) {
        return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static String redact(String url) {
        return url == null ? "" : url.replaceAll("//([^:@/]*):[^@/]*@", "//$1:***@");
    }
}
