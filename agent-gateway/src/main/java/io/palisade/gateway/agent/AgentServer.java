package io.palisade.gateway.agent;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.palisade.gateway.ca.DeviceCa;
import io.palisade.gateway.checkin.CheckinBatcher;
import io.palisade.gateway.checkin.CheckinBatcher.Checkin;
import io.palisade.gateway.checkin.CheckinRequests;
import io.palisade.gateway.checkin.Identities;
import io.palisade.gateway.common.GatewayProblems;
import io.palisade.gateway.common.GatewaySettings;
import io.palisade.gateway.enrol.EnrolmentService;
import io.palisade.gateway.installer.InstallerTokens;
import io.palisade.kit.problem.CommonProblems;
import io.palisade.kit.problem.Problem;
import io.palisade.kit.problem.ProblemException;
import io.palisade.kit.problem.ProblemMappers;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.jboss.logging.Logger;

/**
 * The agent endpoint: a TLS server of its own (not Quarkus's HTTP server), one instance per event loop on
 * the same port, serving exactly {@code POST /agent/v1/enroll} and {@code POST /agent/v1/checkin} — the
 * operator API, OpenAPI, Swagger UI and metrics do not exist here. Client certificates are requested,
 * not required, so enrolment works without one; they must chain to the device CA. HTTP/1.1 keep-alive,
 * idle connections kept for twice the check-in interval plus 30 s; TLS 1.3 with session resumption (the
 * JDK's session cache). Bodies over the limit end with 413 before they are read whole.
 */
@ApplicationScoped
public class AgentServer {

    /** The peers of open TLS 1.3 connections (see {@link #peerOf}); connections live on several event loops. */
    private final Map<HttpConnection, Peer> peers = new java.util.concurrent.ConcurrentHashMap<>();

    public static final String ENROLL = "/agent/v1/enroll";
    public static final String CHECKIN = "/agent/v1/checkin";
    private static final Logger LOG = Logger.getLogger(AgentServer.class);
    private static final String JSON = "application/json";
    private static final ObjectMapper MAPPER = JsonMapper.builder(com.fasterxml.jackson.core.JsonFactory.builder()
                    .inputDecorator(new io.palisade.kit.http.NulGuard()).build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private final Vertx vertx;
    private final DeviceCa ca;
    private final EnrolmentService enrolments;
    private final Identities identities;
    private final CheckinBatcher batcher;
    private final GatewaySettings settings;
    private final RateLimiter perDevice;
    private final RateLimiter perAddress;
    private final RateLimiter enrolPerToken;
    private final RateLimiter enrolPerAddress;
    private final Counter checkins;
    private final Counter refusals;
    private final List<HttpServer> servers = new ArrayList<>();
    private volatile int port = -1;

    public AgentServer(Vertx vertx, DeviceCa ca, EnrolmentService enrolments, Identities identities, CheckinBatcher batcher,
                       GatewaySettings settings, MeterRegistry metrics) {
        this.vertx = vertx;
        this.ca = ca;
        this.enrolments = enrolments;
        this.identities = identities;
        this.batcher = batcher;
        this.settings = settings;
        GatewaySettings.Limits limits = settings.limits();
        this.perDevice = new RateLimiter(limits.checkinsPerDevicePerMinute(), Duration.ofMinutes(1), 2_000_000);
        this.perAddress = new RateLimiter(limits.requestsPerAddressPerSecond(), Duration.ofSeconds(1), 1_000_000);
        this.enrolPerToken = new RateLimiter(limits.enrolmentsPerTokenPerMinute(), Duration.ofMinutes(1), 100_000);
        this.enrolPerAddress = new RateLimiter(limits.enrolmentsPerAddressPerMinute(), Duration.ofMinutes(1), 100_000);
        this.checkins = Counter.builder("palisade.gateway.checkins").description("Check-ins answered").register(metrics);
        this.refusals = Counter.builder("palisade.gateway.agent.refusals").description("Agent requests refused").register(metrics);
    }

    /** The port agents connect to (the actual one when configured as 0). */
    public int port() {
        return port;
    }

    public boolean isListening() {
        return port > 0;
    }

    void start(@Observes @Priority(20) StartupEvent event) throws Exception {
        DeviceCa.ServerIdentity identity = ca.serverIdentity();
        long idleSeconds = settings.agent().checkInInterval().toSeconds() * 2 + 30;
        int instances = Math.max(1, Runtime.getRuntime().availableProcessors());
        // every instance binds the same port (Vert.x shares it between event loops); 0 means any free one
        int wanted = settings.agent().port() == 0 ? freePort() : settings.agent().port();
        for (int i = 0; i < instances; i++) {
            HttpServerOptions options = new HttpServerOptions()
                    .setHost(settings.agent().host()).setPort(wanted)
                    .setSsl(true)
                    .setKeyCertOptions(new PemKeyCertOptions().addKeyValue(Buffer.buffer(identity.keyPem()))
                            .addCertValue(Buffer.buffer(identity.certificateChainPem())))
                    .setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(identity.caPem())))
                    .setClientAuth(ClientAuth.REQUEST)
                    .setEnabledSecureTransportProtocols(Set.of("TLSv1.2", "TLSv1.3"))
                    .setUseAlpn(false)
                    .setIdleTimeout((int) idleSeconds).setIdleTimeoutUnit(TimeUnit.SECONDS)
                    .setMaxInitialLineLength(1024).setMaxHeaderSize(8192).setMaxChunkSize(8192)
                    .setCompressionSupported(false)
                    .setHandle100ContinueAutomatically(false);
            HttpServer server = vertx.createHttpServer(options).requestHandler(this::handle);
            server.listen().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            if (i == 0) {
                port = server.actualPort();
            }
            servers.add(server);
        }
        LOG.infof("Agent endpoint listening on %s:%d (TLS, %d event loop(s))", settings.agent().host(), port, instances);
    }

    private static int freePort() throws java.io.IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    void stop(@Observes ShutdownEvent event) {
        for (HttpServer server : servers) {
            server.close();
        }
    }

    void handle(HttpServerRequest request) {
        String path = request.path();
        boolean enroll = ENROLL.equals(path);
        if (!enroll && !CHECKIN.equals(path)) {
            fail(request, new ProblemException(CommonProblems.NOT_FOUND, "No such resource"));
            return;
        }
        if (request.method() != HttpMethod.POST) {
            fail(request, new ProblemException(CommonProblems.METHOD_NOT_ALLOWED, "Use POST"));
            return;
        }
        String address = request.remoteAddress() == null ? "unknown" : request.remoteAddress().hostAddress();
        long wait = perAddress.acquire(address);
        if (wait > 0) {
            fail(request, rateLimited(wait, "Too many requests from this address"));
            return;
        }
        if (enroll) {
            wait = enrolPerAddress.acquire(address);
            if (wait > 0) {
                fail(request, rateLimited(wait, "Too many enrolment attempts from this address"));
                return;
            }
            body(request).onSuccess(body -> enroll(request, body)).onFailure(e -> fail(request, e));
        } else {
            checkin(request);
        }
    }

    private void enroll(HttpServerRequest request, JsonNode body) {
        EnrolmentService.Enrolment enrolment;
        try {
            enrolment = EnrolmentService.parse(body);
        } catch (RuntimeException e) {
            fail(request, e);
            return;
        }
        long wait = enrolPerToken.acquire(Base64.getEncoder().encodeToString(InstallerTokens.hash(enrolment.token())));
        if (wait > 0) {
            fail(request, rateLimited(wait, "Too many enrolment attempts with this token"));
            return;
        }
        enrolments.enrol(enrolment).subscribe().with(done -> {
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("deviceId", done.deviceId());
            answer.put("certificatePem", done.certificatePem());
            answer.put("caChainPem", done.caChainPem());
            answer.put("checkInIntervalSeconds", jittered());
            send(request, 201, answer);
        }, e -> fail(request, e));
    }

    private void checkin(HttpServerRequest request) {
        Peer peer = peerOf(request);
        DeviceName name = peer == null ? null : peer.name();
        if (name == null) {
            fail(request, new ProblemException(GatewayProblems.CLIENT_CERTIFICATE,
                    "Check-ins need the device certificate issued at enrolment"));
            return;
        }
        long wait = perDevice.acquire(name.deviceId().toString());
        if (wait > 0) {
            fail(request, rateLimited(wait, "Too many check-ins from this device"));
            return;
        }
        String serial = peer.serial();
        body(request)
                .compose(body -> {
                    CheckinRequests.Parsed parsed = CheckinRequests.parse(body);
                    return Future.fromCompletionStage(identities.find(name.deviceId()).subscribeAsCompletionStage())
                            .compose(identity -> {
                                if (identity == null || !identity.serial().equals(serial) || !identity.customerId().equals(name.customerId())) {
                                    throw new ProblemException(GatewayProblems.CLIENT_CERTIFICATE,
                                            "This certificate is no longer valid; enrol again");
                                }
                                if (identity.revoked()) {
                                    throw new ProblemException(GatewayProblems.DEVICE_REVOKED, "This device has been revoked");
                                }
                                return batcher.submit(new Checkin(identity, parsed.sequence(), parsed.inventory(), parsed.results()))
                                        .recover(e -> Future.failedFuture(unavailable(e)));
                            });
                })
                .onSuccess(tasks -> {
                    checkins.increment();
                    List<Map<String, Object>> out = new ArrayList<>(tasks.size());
                    for (CheckinBatcher.TaskOut t : tasks) {
                        Map<String, Object> task = new LinkedHashMap<>();
                        task.put("taskId", t.taskId());
                        task.put("type", t.type());
                        task.put("parameters", t.parameters().getMap());
                        out.add(task);
                    }
                    Map<String, Object> answer = new LinkedHashMap<>();
                    answer.put("checkInIntervalSeconds", jittered());
                    answer.put("tasks", out);
                    send(request, 200, answer);
                })
                .onFailure(e -> fail(request, e));
    }

    /** The device and customer a certificate issued by the device CA names. */
    record DeviceName(UUID deviceId, UUID customerId) {
        static DeviceName of(X509Certificate cert) {
            UUID device = null;
            UUID customer = null;
            for (String part : cert.getSubjectX500Principal().getName().split(",")) {
                try {
                    if (part.startsWith("CN=")) {
                        device = UUID.fromString(part.substring(3));
                    } else if (part.startsWith("OU=")) {
                        customer = UUID.fromString(part.substring(3));
                    }
                } catch (IllegalArgumentException e) {
                    return null;
                }
            }
            return device == null || customer == null ? null : new DeviceName(device, customer);
        }
    }

    /** The device a connection's client certificate names, and the certificate's serial (hex). */
    private record Peer(DeviceName name, String serial) {
    }

    /**
     * The peer of a request's connection. On a TLS 1.3 connection it is read once and kept until the connection
     * closes: TLS 1.3 has no renegotiation, so the client certificate of a connection never changes (reading it costs
     * a lock in the TLS engine on every request otherwise). On TLS 1.2 it is read on every request.
     */
    private Peer peerOf(HttpServerRequest request) {
        HttpConnection connection = request.connection();
        Peer known = peers.get(connection);
        if (known != null) {
            return known;
        }
        X509Certificate cert = peer(request);
        DeviceName name = cert == null ? null : DeviceName.of(cert);
        if (name == null) {
            return null;
        }
        Peer peer = new Peer(name, cert.getSerialNumber().toString(16));
        javax.net.ssl.SSLSession session = connection.sslSession();
        if (session != null && "TLSv1.3".equals(session.getProtocol()) && peers.putIfAbsent(connection, peer) == null) {
            connection.closeHandler(v -> peers.remove(connection));
        }
        return peer;
    }

    private static X509Certificate peer(HttpServerRequest request) {
        try {
            List<Certificate> chain = request.connection().peerCertificates();
            return chain != null && !chain.isEmpty() && chain.get(0) instanceof X509Certificate x ? x : null;
        } catch (SSLPeerUnverifiedException e) {
            return null;
        }
    }

    /** The whole body as JSON, refusing (413) as soon as it passes the limit, before it is read whole. */
    private Future<JsonNode> body(HttpServerRequest request) {
        int max = settings.agent().maxBodyBytes();
        String length = request.getHeader("Content-Length");
        if (length != null) {
            try {
                if (Long.parseLong(length) > max) {
                    return Future.failedFuture(tooLarge(max));
                }
            } catch (NumberFormatException e) {
                return Future.failedFuture(new ProblemException(CommonProblems.INVALID_REQUEST, "Content-Length is not a number"));
            }
        }
        io.vertx.core.Promise<JsonNode> promise = io.vertx.core.Promise.promise();
        Buffer body = Buffer.buffer();
        request.handler(chunk -> {
            if (body.length() + chunk.length() > max) {
                request.pause();
                promise.tryFail(tooLarge(max));
                return;
            }
            body.appendBuffer(chunk);
        });
        request.exceptionHandler(promise::tryFail);
        request.endHandler(v -> {
            if (body.length() == 0) {
                promise.tryFail(new ProblemException(CommonProblems.MALFORMED_BODY, "The body must be a JSON object"));
                return;
            }
            try {
                promise.tryComplete(MAPPER.readTree(body.getBytes()));
            } catch (ProblemException e) {
                promise.tryFail(e);
            } catch (Exception e) {
                promise.tryFail(new ProblemException(CommonProblems.MALFORMED_BODY, "The body is not well-formed JSON"));
            }
        });
        return promise.future();
    }

    private long jittered() {
        long base = settings.agent().checkInInterval().toSeconds();
        double jitter = settings.agent().jitter();
        double factor = 1 + (jitter <= 0 ? 0 : ThreadLocalRandom.current().nextDouble(-jitter, jitter));
        return Math.max(1, Math.round(base * factor));
    }

    private static ProblemException tooLarge(int max) {
        return new ProblemException(CommonProblems.PAYLOAD_TOO_LARGE, "The body is larger than " + max + " bytes");
    }

    private static ProblemException rateLimited(long seconds, String detail) {
        return new ProblemException(CommonProblems.RATE_LIMITED, detail, null, seconds);
    }

    private static Throwable unavailable(Throwable e) {
        if (e instanceof ProblemException) {
            return e;
        }
        return new ProblemException(CommonProblems.UNAVAILABLE, "The gateway cannot record check-ins right now; try again later",
                null, 30L);
    }

    private void send(HttpServerRequest request, int status, Object body) {
        try {
            request.response().setStatusCode(status).putHeader("Content-Type", JSON)
                    .putHeader("Cache-Control", "no-store").end(Buffer.buffer(MAPPER.writeValueAsBytes(body)));
        } catch (Exception e) {
            fail(request, e);
        }
    }

    private void fail(HttpServerRequest request, Throwable failure) {
        if (failure instanceof io.smallrye.mutiny.CompositeException || failure.getCause() instanceof ProblemException) {
            failure = failure.getCause();
        }
        ProblemException problem = ProblemMappers.classify(failure);
        if (problem.type().status() >= 500 && problem.type() != CommonProblems.UNAVAILABLE) {
            problem = (ProblemException) unavailable(failure);
        }
        refusals.increment();
        var response = request.response();
        if (response.ended() || response.closed()) {
            return;
        }
        Problem body = problem.toProblem();
        response.setStatusCode(problem.type().status()).putHeader("Content-Type", Problem.MEDIA_TYPE)
                .putHeader("Cache-Control", "no-store");
        if (problem.retryAfterSeconds() != null) {
            response.putHeader("Retry-After", Long.toString(problem.retryAfterSeconds()));
        }
        boolean close = problem.type() == CommonProblems.PAYLOAD_TOO_LARGE;
        if (close) {
            // the rest of the body is never read: this connection cannot carry another request
            response.putHeader("Connection", "close");
        }
        Buffer bytes;
        try {
            bytes = Buffer.buffer(MAPPER.writeValueAsBytes(body));
        } catch (Exception e) {
            bytes = Buffer.buffer();
        }
        response.end(bytes).onComplete(done -> {
            if (close) {
                request.connection().close();
            }
        });
    }
}
