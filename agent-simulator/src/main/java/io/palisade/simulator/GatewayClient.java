package io.palisade.simulator;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;

/**
 * One agent's connection to the gateway: a Vert.x {@link HttpClient} over TLS 1.3/1.2 that trusts only the pinned
 * CA (never the JDK trust store) with host name verification on, presents the agent's client certificate when it has
 * one, goes through an HTTP CONNECT proxy when one is set, and keeps its connection open between calls (HTTP/1.1
 * keep-alive, one connection by default).
 *
 * <p>The client certificate belongs to the connection, so use one client per agent identity: an anonymous client to
 * enrol, then one built with {@link Builder#clientCertificate(String, String)} to check in.
 *
 * <p>Every future fails only with {@link AgentError}. {@link #enroll} and {@link #checkin} also fail on an unexpected
 * status; {@link #post} hands back any answer as it came, for tests that send bodies of any shape.
 */
public final class GatewayClient implements AutoCloseable {

    /** {@code agent/v1/enroll}, relative to the gateway URL. */
    public static final String ENROLL_PATH = "/agent/v1/enroll";
    /** {@code agent/v1/checkin}, relative to the gateway URL. */
    public static final String CHECKIN_PATH = "/agent/v1/checkin";
    /** The User-Agent this client sends. */
    public static final String USER_AGENT = "palisade-agent-simulator/" + Versions.SIMULATOR;

    private final Vertx vertx;
    private final HttpClient http;
    private final URI gateway;
    private final String host;
    private final int port;
    private final String basePath;
    private final boolean tls;
    private final String trustedCaPem;
    private final ProxySpec proxy;
    private final long requestTimeoutMillis;
    private final ErrorClassifier.Target target;

    private GatewayClient(Builder builder) {
        this.vertx = builder.vertx;
        this.gateway = builder.gateway;
        this.tls = "https".equalsIgnoreCase(gateway.getScheme());
        this.host = gateway.getHost();
        this.port = gateway.getPort() > 0 ? gateway.getPort() : tls ? 443 : 80;
        String path = gateway.getRawPath() == null ? "" : gateway.getRawPath();
        this.basePath = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        this.trustedCaPem = builder.trustedCaPem;
        this.proxy = builder.proxy;
        this.requestTimeoutMillis = builder.requestTimeout.toMillis();
        this.target = new ErrorClassifier.Target(host + ":" + port, proxy, builder.caLabel, builder.keyPem != null);

        HttpClientOptions options = new HttpClientOptions()
                .setProtocolVersion(HttpVersion.HTTP_1_1)
                .setDefaultHost(host)
                .setDefaultPort(port)
                .setKeepAlive(true)
                .setKeepAliveTimeout(builder.keepAliveTimeoutSeconds)
                .setPipelining(false)
                .setConnectTimeout((int) builder.connectTimeout.toMillis())
                .setTcpNoDelay(true)
                .setTcpKeepAlive(true);
        if (tls) {
            options.setSsl(true)
                    .setVerifyHost(true)
                    .setEnabledSecureTransportProtocols(Set.of("TLSv1.3", "TLSv1.2"))
                    .setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(trustedCaPem)));
            if (builder.keyPem != null) {
                options.setKeyCertOptions(new PemKeyCertOptions()
                        .addKeyValue(Buffer.buffer(builder.keyPem))
                        .addCertValue(Buffer.buffer(builder.certificatePem)));
            }
        }
        if (proxy != null) {
            options.setProxyOptions(proxy.toProxyOptions());
        }
        this.http = vertx.createHttpClient(options, new PoolOptions().setHttp1MaxSize(builder.poolSize));
    }

    /**
     * A builder for a client of the gateway at {@code gatewayUrl} ({@code https://host:port}, optionally with a
     * path prefix). {@code http://} URLs are accepted for experiments only: no TLS at all then.
     *
     * @throws AgentError of kind CONFIG for a URL that is not http(s)://host[:port][/path]
     */
    public static Builder builder(Vertx vertx, String gatewayUrl) {
        return new Builder(vertx, gatewayUrl);
    }

    /**
     * Enrols: {@code POST /agent/v1/enroll} without a client certificate. Succeeds on 201 (or 200) with the parsed
     * answer; any other status fails with {@link AgentError} (RATE_LIMITED for 429/503, HTTP_STATUS otherwise).
     */
    public Future<EnrollResponse> enroll(EnrollRequest request) {
        return post(ENROLL_PATH, request.toJson().toBuffer(), null).compose(response -> {
            if (response.status() != 201 && response.status() != 200) {
                return Future.failedFuture(ErrorClassifier.fromResponse("enrolment", response, target));
            }
            try {
                return Future.succeededFuture(EnrollResponse.fromJson(response.json()));
            } catch (IllegalArgumentException | DecodeException e) {
                return Future.failedFuture(new AgentError(AgentError.Kind.BAD_RESPONSE, "gateway " + target.gateway()
                        + " answered the enrolment with an unreadable body: " + ErrorClassifier.oneLine(e.getMessage()), e));
            }
        });
    }

    /**
     * Checks in: {@code POST /agent/v1/checkin} with the body as given (so tests can send any shape). Succeeds on
     * 200 with the parsed answer; any other status fails with {@link AgentError}.
     */
    public Future<CheckinResponse> checkin(JsonObject body) {
        return post(CHECKIN_PATH, body.toBuffer(), null).compose(response -> {
            if (response.status() != 200) {
                return Future.failedFuture(ErrorClassifier.fromResponse("check-in", response, target));
            }
            try {
                return Future.succeededFuture(CheckinResponse.fromJson(response.json()));
            } catch (IllegalArgumentException | DecodeException e) {
                return Future.failedFuture(new AgentError(AgentError.Kind.BAD_RESPONSE, "gateway " + target.gateway()
                        + " answered the check-in with an unreadable body: " + ErrorClassifier.oneLine(e.getMessage()), e));
            }
        });
    }

    /**
     * Sends {@code POST <gateway path><path>} with the body as given and hands back whatever the gateway answered.
     * {@code Content-Type: application/json} is set unless {@code headers} sets one. Fails only when no answer
     * arrived (connection, TLS, proxy, timeout), with {@link AgentError}.
     *
     * @param headers extra headers, or null
     */
    public Future<Response> post(String path, Buffer body, MultiMap headers) {
        return request(HttpMethod.POST, path, body, headers);
    }

    /** As {@link #post}, with any method; {@code body} may be null. */
    public Future<Response> request(HttpMethod method, String path, Buffer body, MultiMap headers) {
        RequestOptions options = new RequestOptions()
                .setMethod(method)
                .setHost(host)
                .setPort(port)
                .setURI(basePath + path)
                .setTimeout(requestTimeoutMillis)
                .putHeader(HttpHeaders.USER_AGENT, USER_AGENT)
                .putHeader(HttpHeaders.ACCEPT, "application/json, application/problem+json");
        if (body != null) {
            options.putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
        }
        if (headers != null) {
            headers.forEach(header -> options.getHeaders().remove(header.getKey()));
            headers.forEach(header -> options.addHeader(header.getKey(), header.getValue()));
        }
        Future<Response> answer = http.request(options)
                .compose(request -> body == null ? request.send() : request.send(body))
                .compose(response -> response.body()
                        .map(content -> new Response(response.statusCode(), response.headers(), content)));
        return answer.recover(failure -> Future.failedFuture(ErrorClassifier.classify(failure, target)));
    }

    /** The gateway URL. */
    public URI gateway() {
        return gateway;
    }

    /** The pinned CA (PEM) this client trusts. */
    public String trustedCaPem() {
        return trustedCaPem;
    }

    /** The proxy, if any. */
    public Optional<ProxySpec> proxy() {
        return Optional.ofNullable(proxy);
    }

    /** The Vert.x instance the client runs on. */
    public Vertx vertx() {
        return vertx;
    }

    /** Closes the connection(s). */
    @Override
    public void close() {
        http.close();
    }

    /**
     * Waits for a future from a thread that is not a Vert.x event loop (a test, the CLI). Rethrows an
     * {@link AgentError} as is; a wait longer than {@code timeout} throws one of kind TIMEOUT.
     *
     * @throws IllegalStateException on an event loop, where waiting would block the loop the answer needs
     */
    public static <T> T await(Future<T> future, Duration timeout) {
        if (Context.isOnEventLoopThread()) {
            throw new IllegalStateException("await must not be called on a Vert.x event loop thread");
        }
        try {
            return future.toCompletionStage().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new AgentError(AgentError.Kind.IO, ErrorClassifier.oneLine(String.valueOf(cause.getMessage())), cause);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AgentError(AgentError.Kind.TIMEOUT, "no result within " + timeout.toMillis() + " ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AgentError(AgentError.Kind.IO, "interrupted while waiting", e);
        }
    }

    /**
     * An answer as it came.
     *
     * @param status  the HTTP status
     * @param headers the response headers
     * @param body    the body, possibly empty
     */
    public record Response(int status, MultiMap headers, Buffer body) {

        /** The body as a JSON object. @throws DecodeException when it is not one */
        public JsonObject json() {
            return body.toJsonObject();
        }

        /** The {@code Content-Type} without parameters, or "". */
        public String contentType() {
            String value = headers.get(HttpHeaders.CONTENT_TYPE);
            return value == null ? "" : value.split(";")[0].trim();
        }

        /** {@code Retry-After} given in seconds (an HTTP date is not used by the gateway and reads as absent). */
        public Optional<Duration> retryAfter() {
            String value = headers.get(HttpHeaders.RETRY_AFTER);
            if (value == null) {
                return Optional.empty();
            }
            try {
                long seconds = Long.parseLong(value.trim());
                return seconds < 0 ? Optional.empty() : Optional.of(Duration.ofSeconds(seconds));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }

        @Override
        public String toString() {
            return status + " " + contentType() + " " + body.length() + " bytes";
        }
    }

    /** Builds a {@link GatewayClient}. */
    public static final class Builder {
        private final Vertx vertx;
        private final URI gateway;
        private String trustedCaPem;
        private String caLabel;
        private String keyPem;
        private String certificatePem;
        private ProxySpec proxy;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration requestTimeout = Duration.ofSeconds(30);
        private int poolSize = 1;
        private int keepAliveTimeoutSeconds;

        private Builder(Vertx vertx, String gatewayUrl) {
            this.vertx = vertx;
            this.gateway = parseGateway(gatewayUrl);
        }

        /**
         * The CA that the gateway's certificate must chain to (PEM, one or more certificates): the only trust anchor,
         * the JDK's trust store is not used. Required for https.
         */
        public Builder trustedCaPem(String pem) {
            try {
                AgentKeys.readCertificates(pem);
            } catch (IllegalArgumentException e) {
                throw new AgentError(AgentError.Kind.CONFIG, "the pinned CA is not a PEM certificate: " + e.getMessage(), e);
            }
            this.trustedCaPem = pem;
            return this;
        }

        /** How the CA was given (a file name), to name it in error messages. */
        public Builder caLabel(String label) {
            this.caLabel = label;
            return this;
        }

        /**
         * The client key (PEM: PKCS#8, or traditional EC/RSA) and certificate (PEM, the leaf first, then any
         * intermediates) presented in the TLS handshake.
         */
        public Builder clientCertificate(String privateKeyPem, String certificateChainPem) {
            try {
                AgentKeys.readPrivateKey(privateKeyPem);
                AgentKeys.readCertificates(certificateChainPem);
            } catch (IllegalArgumentException e) {
                throw new AgentError(AgentError.Kind.CONFIG, "unusable client key or certificate: " + e.getMessage(), e);
            }
            this.keyPem = privateKeyPem;
            this.certificatePem = certificateChainPem;
            return this;
        }

        /** Connect through this HTTP proxy (CONNECT tunnel); null for a direct connection. */
        public Builder proxy(ProxySpec proxy) {
            this.proxy = proxy;
            return this;
        }

        /** TCP connect timeout (to the gateway or the proxy); default 10 s. */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = timeout;
            return this;
        }

        /** How long a call may wait for the answer; default 30 s. */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = timeout;
            return this;
        }

        /** Connections to keep (and use in parallel); default 1, what an agent uses. */
        public Builder poolSize(int size) {
            this.poolSize = size;
            return this;
        }

        /**
         * Close a connection idle for this long; default 0 = never (the gateway closes idle agent connections after
         * twice the check-in interval plus 30 s).
         */
        public Builder keepAliveTimeoutSeconds(int seconds) {
            this.keepAliveTimeoutSeconds = seconds;
            return this;
        }

        public GatewayClient build() {
            if ("https".equalsIgnoreCase(gateway.getScheme()) && trustedCaPem == null) {
                throw new AgentError(AgentError.Kind.CONFIG, "no CA to pin for " + gateway + " (--ca)");
            }
            return new GatewayClient(this);
        }

        private static URI parseGateway(String url) {
            try {
                URI uri = new URI(url == null ? "" : url.trim());
                if (!("https".equalsIgnoreCase(uri.getScheme()) || "http".equalsIgnoreCase(uri.getScheme()))
                        || uri.getHost() == null) {
                    throw new URISyntaxException(String.valueOf(url), "expected https://host:port");
                }
                return uri;
            } catch (URISyntaxException e) {
                throw new AgentError(AgentError.Kind.CONFIG, "invalid gateway URL '" + url
                        + "': expected https://host:port", e);
            }
        }
    }
}
