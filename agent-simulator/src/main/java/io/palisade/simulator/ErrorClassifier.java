package io.palisade.simulator;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.proxy.ProxyConnectException;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/**
 * The one place that turns what Vert.x, Netty and the JDK throw, and the gateway's error answers, into an
 * {@link AgentError} with a one-line message that says what failed and what to check.
 */
public final class ErrorClassifier {

    private static final Pattern PROXY_STATUS = Pattern.compile("status: (\\d{3})\\s*(.*)$");
    private static final Pattern QUOTED = Pattern.compile("'([^']+)'");
    private static final Pattern TLS_ALERT = Pattern.compile("(?i)fatal alert: ([a-z_]+)");

    /**
     * Where a call went, for the messages.
     *
     * @param gateway           the gateway's {@code host:port}
     * @param proxy             the proxy, or null for a direct connection
     * @param caLabel           how the pinned CA was given (e.g. the file name), for messages
     * @param clientCertificate whether the call presented a client certificate
     */
    public record Target(String gateway, ProxySpec proxy, String caLabel, boolean clientCertificate) {
    }

    private ErrorClassifier() {
    }

    /** Classifies a failure of a call (a connection, a TLS handshake, a proxy tunnel, a timeout). */
    public static AgentError classify(Throwable failure, Target target) {
        if (failure instanceof AgentError error) {
            return error;
        }
        List<Throwable> chain = causes(failure);
        String gateway = "gateway " + target.gateway();
        String proxy = target.proxy() == null ? null : "proxy " + target.proxy().address();

        for (Throwable cause : chain) {
            if (cause instanceof ProxyConnectException proxyFailure) {
                return proxyFailure(proxyFailure, target, failure);
            }
        }
        for (Throwable cause : chain) {
            if (cause instanceof ConnectTimeoutException) {
                return new AgentError(AgentError.Kind.TIMEOUT, "connecting to " + (proxy != null ? proxy : gateway)
                        + " timed out" + (proxy != null ? " — check the host and port in --proxy" : ""), failure);
            }
            if (cause instanceof UnknownHostException) {
                // the JDK says "name: ...", Netty's resolver "Failed to resolve 'name' [A(1), AAAA(28)] after 2 queries"
                String text = String.valueOf(cause.getMessage());
                Matcher quoted = QUOTED.matcher(text);
                String host = quoted.find() ? quoted.group(1) : text.split(":")[0].trim();
                return proxy != null && target.proxy().host().equalsIgnoreCase(host)
                        ? new AgentError(AgentError.Kind.PROXY_UNREACHABLE, "cannot reach " + proxy
                                + ": unknown host '" + host + "' — check the host in --proxy", failure)
                        : new AgentError(AgentError.Kind.CONNECT_FAILED, "cannot reach " + gateway
                                + ": unknown host '" + host + "'", failure);
            }
            if (cause instanceof ConnectException || cause instanceof NoRouteToHostException) {
                String reason = reason(cause);
                return proxy != null
                        ? new AgentError(AgentError.Kind.PROXY_UNREACHABLE, "cannot reach " + proxy + ": " + reason
                                + " — check the host and port in --proxy", failure)
                        : new AgentError(AgentError.Kind.CONNECT_FAILED, "cannot reach " + gateway + ": " + reason,
                                failure);
            }
        }
        for (Throwable cause : chain) {
            if (cause instanceof CertPathBuilderException || cause instanceof CertPathValidatorException) {
                return untrusted(target, failure);
            }
            if (cause instanceof CertificateException certificateFailure) {
                String message = String.valueOf(certificateFailure.getMessage());
                if (message.contains("No subject alternative") || message.contains("No name matching")) {
                    return new AgentError(AgentError.Kind.TLS_HOSTNAME, gateway + " presented a certificate "
                            + "that does not name '" + host(target.gateway()) + "' — use the host name or address "
                            + "the gateway's certificate was issued for", failure);
                }
                return untrusted(target, failure);
            }
        }
        for (Throwable cause : chain) {
            if (cause instanceof SSLException sslFailure) {
                String message = String.valueOf(sslFailure.getMessage());
                Matcher alert = TLS_ALERT.matcher(message);
                if (alert.find()) {
                    String name = alert.group(1).toLowerCase(Locale.ROOT);
                    boolean certificateAlert = name.contains("certificate") || name.equals("unknown_ca")
                            || name.equals("access_denied");
                    return new AgentError(AgentError.Kind.TLS_REFUSED, gateway + " refused the TLS handshake ("
                            + name + ")" + (certificateAlert
                                    ? target.clientCertificate()
                                            ? " — it did not accept this agent's client certificate (revoked, expired or issued by another CA?)"
                                            : " — it wants a client certificate"
                                    : ""), failure);
                }
                if (message.contains("PKIX") || message.contains("certification path")
                        || message.contains("No trusted certificate")) {
                    return untrusted(target, failure);
                }
                return new AgentError(AgentError.Kind.TLS_FAILED, "TLS handshake with " + gateway + " failed: "
                        + oneLine(message), failure);
            }
        }
        for (Throwable cause : chain) {
            if (cause instanceof TimeoutException) {
                return new AgentError(AgentError.Kind.TIMEOUT, "no answer from " + gateway + " in time"
                        + (proxy != null ? " (through " + proxy + ")" : ""), failure);
            }
            if (cause instanceof HttpClosedException || cause instanceof ClosedChannelException
                    || String.valueOf(cause.getMessage()).contains("Connection reset")) {
                return new AgentError(AgentError.Kind.CONNECTION_CLOSED, gateway + " closed the connection before "
                        + "answering" + (proxy != null ? " (through " + proxy + ")" : ""), failure);
            }
        }
        Throwable root = chain.get(chain.size() - 1);
        return new AgentError(AgentError.Kind.IO, "call to " + gateway + " failed: " + reason(root), failure);
    }

    /**
     * The error for an answer with an unexpected status: 429 and 503 become {@link AgentError.Kind#RATE_LIMITED}
     * with the {@code Retry-After} wait; the rest {@link AgentError.Kind#HTTP_STATUS} with the problem's detail.
     *
     * @param action what was asked, for the message, e.g. "enrolment"
     */
    public static AgentError fromResponse(String action, GatewayClient.Response response, Target target) {
        int status = response.status();
        String problem = problemText(response);
        Duration retryAfter = response.retryAfter().orElse(null);
        String statusText = status + " " + reasonPhrase(status);
        if (status == 429 || status == 503) {
            return new AgentError(AgentError.Kind.RATE_LIMITED, "gateway " + target.gateway() + " is busy: " + statusText
                    + " to the " + action + (retryAfter != null ? ", retry after " + retryAfter.toSeconds() + " s" : "")
                    + (problem.isEmpty() ? "" : " (" + problem + ")"), status, retryAfter, null);
        }
        String hint = switch (status) {
            case 401 -> action.equals("enrolment") ? " — check the installer token"
                    : " — the gateway did not accept this agent's certificate (revoked? enrol again)";
            case 403 -> " — not allowed";
            case 404 -> " — check the gateway URL";
            default -> "";
        };
        return new AgentError(AgentError.Kind.HTTP_STATUS, "gateway " + target.gateway() + " refused the " + action
                + ": " + statusText + (problem.isEmpty() ? "" : " (" + problem + ")") + hint, status, retryAfter, null);
    }

    private static AgentError proxyFailure(ProxyConnectException failure, Target target, Throwable original) {
        String proxy = target.proxy() == null ? "the proxy" : "proxy " + target.proxy().address();
        String message = String.valueOf(failure.getMessage());
        Matcher matcher = PROXY_STATUS.matcher(message);
        if (matcher.find()) {
            int status = Integer.parseInt(matcher.group(1));
            String statusText = status + " " + (matcher.group(2).isBlank() ? reasonPhrase(status) : matcher.group(2).trim());
            if (status == 407) {
                boolean withCredentials = target.proxy() != null && target.proxy().hasCredentials();
                return new AgentError(AgentError.Kind.PROXY_AUTH, proxy + " refused the tunnel: " + statusText
                        + (withCredentials ? " — check the user and password in --proxy"
                                : " — it wants a user and password: --proxy http://user:password@host:port"),
                        status, null, original);
            }
            String hint = status == 403 ? " — the proxy does not allow a tunnel to " + target.gateway()
                    : status >= 500 ? " — the proxy could not reach " + target.gateway() : "";
            return new AgentError(AgentError.Kind.PROXY_REFUSED, proxy + " refused the tunnel to " + target.gateway()
                    + ": " + statusText + hint, status, null, original);
        }
        if (message.contains("timeout")) {
            return new AgentError(AgentError.Kind.TIMEOUT, proxy + " did not open the tunnel to " + target.gateway()
                    + " in time", original);
        }
        return new AgentError(AgentError.Kind.PROXY_REFUSED, proxy + " closed the connection instead of opening a "
                + "tunnel to " + target.gateway() + " — is it an HTTP proxy that allows CONNECT?", original);
    }

    private static AgentError untrusted(Target target, Throwable failure) {
        return new AgentError(AgentError.Kind.TLS_UNTRUSTED, "gateway " + target.gateway() + " presented a certificate "
                + "that does not chain to the pinned CA" + (target.caLabel() == null ? "" : " (" + target.caLabel() + ")")
                + " — refusing to connect; check --ca and the gateway URL", failure);
    }

    private static String problemText(GatewayClient.Response response) {
        if (response.body() == null || response.body().length() == 0) {
            return "";
        }
        try {
            JsonObject problem = response.body().toJsonObject();
            String detail = problem.getValue("detail") instanceof String d ? d : null;
            String title = problem.getValue("title") instanceof String t ? t : null;
            return oneLine(detail != null && !detail.isBlank() ? detail : title != null ? title : "");
        } catch (DecodeException | ClassCastException e) {
            return "";
        }
    }

    private static List<Throwable> causes(Throwable failure) {
        List<Throwable> chain = new ArrayList<>();
        for (Throwable t = failure; t != null && !chain.contains(t); t = t.getCause()) {
            chain.add(t);
        }
        return chain;
    }

    private static String reason(Throwable cause) {
        String message = cause.getMessage();
        if (message == null || message.isBlank()) {
            return cause.getClass().getSimpleName().replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase(Locale.ROOT);
        }
        // Netty: "Connection refused: /127.0.0.1:3128" -> "connection refused"
        String text = oneLine(message);
        int colon = text.indexOf(": /");
        if (colon > 0) {
            text = text.substring(0, colon);
        }
        return text.isEmpty() ? text : Character.toLowerCase(text.charAt(0)) + text.substring(1);
    }

    private static String host(String hostAndPort) {
        int colon = hostAndPort.lastIndexOf(':');
        return colon > 0 ? hostAndPort.substring(0, colon) : hostAndPort;
    }

    static String oneLine(String text) {
        if (text == null) {
            return "";
        }
        String line = text.replaceAll("\\s+", " ").trim();
        return line.length() > 300 ? line.substring(0, 300) + "…" : line;
    }

    static String reasonPhrase(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 201 -> "Created";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 407 -> "Proxy Authentication Required";
            case 409 -> "Conflict";
            case 410 -> "Gone";
            case 413 -> "Content Too Large";
            case 415 -> "Unsupported Media Type";
            case 429 -> "Too Many Requests";
            case 500 -> "Internal Server Error";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            default -> "";
        };
    }
}
