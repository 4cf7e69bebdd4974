package io.palisade.simulator;

import java.time.Duration;
import java.util.Optional;

/**
 * Every failure of a call to the gateway, already classified: a {@link Kind} to count and branch on, and a one-line
 * message for a person (what failed, where, and what to check) that never holds a class name or a stack trace.
 * {@link GatewayClient} fails its futures only with this type; {@link ErrorClassifier} makes them.
 */
public final class AgentError extends RuntimeException {

    /** What went wrong. */
    public enum Kind {
        /** The gateway's certificate does not chain to the pinned CA. */
        TLS_UNTRUSTED,
        /** The gateway's certificate chains to the pinned CA but does not name the host in the gateway URL. */
        TLS_HOSTNAME,
        /** The gateway ended the TLS handshake with an alert (typically: it did not accept the client certificate). */
        TLS_REFUSED,
        /** Another TLS failure. */
        TLS_FAILED,
        /** The proxy answered the CONNECT with 407: credentials missing or wrong. */
        PROXY_AUTH,
        /** The proxy answered the CONNECT with another error status, or closed the connection. */
        PROXY_REFUSED,
        /** The proxy could not be reached (connection refused, unknown host, no route). */
        PROXY_UNREACHABLE,
        /** The gateway could not be reached. */
        CONNECT_FAILED,
        /** Connecting, or waiting for an answer, took too long. */
        TIMEOUT,
        /** The connection was closed before an answer arrived. */
        CONNECTION_CLOSED,
        /** The gateway answered 429 or 503 (see {@link #retryAfter()}). */
        RATE_LIMITED,
        /** The gateway answered another unexpected status (see {@link #status()}). */
        HTTP_STATUS,
        /** The gateway answered with the expected status but a body that does not read as the protocol says. */
        BAD_RESPONSE,
        /** Local configuration: unreadable key, certificate or CA file, bad URL. */
        CONFIG,
        /** Any other I/O failure. */
        IO
    }

    private final Kind kind;
    private final int status;
    private final Duration retryAfter;

    public AgentError(Kind kind, String message) {
        this(kind, message, 0, null, null);
    }

    public AgentError(Kind kind, String message, Throwable cause) {
        this(kind, message, 0, null, cause);
    }

    public AgentError(Kind kind, String message, int status, Duration retryAfter, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.status = status;
        this.retryAfter = retryAfter;
    }

    public Kind kind() {
        return kind;
    }

    /** The HTTP status the gateway (or, for proxy kinds, the proxy) answered, or 0 when there was none. */
    public int status() {
        return status;
    }

    /** The wait the gateway asked for with {@code Retry-After}, if it did. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    /**
     * Whether trying again later may succeed without changing anything here: the network, a busy or restarting
     * gateway. Trust, credential and request errors are not transient.
     */
    public boolean isTransient() {
        return switch (kind) {
            case CONNECT_FAILED, PROXY_UNREACHABLE, TIMEOUT, CONNECTION_CLOSED, RATE_LIMITED, IO -> true;
            case HTTP_STATUS -> status >= 500;
            case PROXY_REFUSED -> status >= 500;
            default -> false;
        };
    }
}
