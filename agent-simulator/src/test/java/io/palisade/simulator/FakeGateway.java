package io.palisade.simulator;

import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.SSLPeerUnverifiedException;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;

/**
 * A test-only gateway on a Vert.x HTTPS server: TLS with a certificate from a test CA, client certificates requested
 * (not required, so enrolment works without one). {@code /agent/v1/enroll} checks the token and the CSR's signature
 * and issues {@code CN=<deviceId>} (the same device id for the same hardware id); {@code /agent/v1/checkin} needs a
 * client certificate, hands out the tasks it was given, and records every check-in with the certificate's subject.
 */
final class FakeGateway implements AutoCloseable {

    static final String TOKEN = "installer-token-1";

    /** A check-in as received, with the status it was answered. */
    record Checkin(Instant at, String deviceId, String peerSubject, JsonObject body, int status) {
        long sequence() {
            return body.getLong("sequence");
        }

        JsonObject inventory() {
            return body.getJsonObject("inventory");
        }

        JsonArray taskResults() {
            return body.getJsonArray("taskResults", new JsonArray());
        }

        boolean hasInventory() {
            return body.containsKey("inventory");
        }
    }

    private final TestCa ca;
    private final HttpServer server;
    private final List<JsonObject> enrollments = new CopyOnWriteArrayList<>();
    private final List<Checkin> checkins = new CopyOnWriteArrayList<>();
    private final Map<String, String> deviceByHardware = new ConcurrentHashMap<>();
    private final Queue<Task> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicInteger refusals = new AtomicInteger();
    private volatile int refusalStatus;
    private volatile int refusalRetryAfter;
    private volatile int intervalSeconds = 1;

    private FakeGateway(TestCa ca, HttpServer server) {
        this.ca = ca;
        this.server = server;
    }

    /** A gateway whose server certificate (for 127.0.0.1 and localhost) comes from {@code ca}. */
    static FakeGateway start(Vertx vertx, TestCa ca) {
        return start(vertx, ca, ca.issueServer("localhost", "127.0.0.1"));
    }

    /** A gateway with the given server certificate; client certificates are issued and trusted from {@code ca}. */
    static FakeGateway start(Vertx vertx, TestCa ca, TestCa.Issued serverCertificate) {
        return start(vertx, ca, serverCertificate, ClientAuth.REQUEST);
    }

    /** As above, asking for client certificates as {@code clientAuth} says. */
    static FakeGateway start(Vertx vertx, TestCa ca, TestCa.Issued serverCertificate, ClientAuth clientAuth) {
        HttpServerOptions options = new HttpServerOptions()
                .setHost("127.0.0.1")
                .setPort(0)
                .setSsl(true)
                .setKeyCertOptions(new PemKeyCertOptions()
                        .setKeyValue(Buffer.buffer(serverCertificate.keyPem()))
                        .setCertValue(Buffer.buffer(serverCertificate.certificatePem())))
                .setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(ca.certificatePem())))
                .setClientAuth(clientAuth);
        HttpServer server = vertx.createHttpServer(options);
        FakeGateway gateway = new FakeGateway(ca, server);
        server.requestHandler(gateway::handle);
        GatewayClient.await(server.listen(), Duration.ofSeconds(10));
        return gateway;
    }

    String url() {
        return "https://127.0.0.1:" + server.actualPort();
    }

    int port() {
        return server.actualPort();
    }

    /** The interval the gateway answers with. */
    void intervalSeconds(int seconds) {
        this.intervalSeconds = seconds;
    }

    /** Queues a task for the next check-in (of any device); returns its id. */
    String handOut(String type, JsonObject parameters) {
        String id = UUID.randomUUID().toString();
        tasks.add(new Task(id, type, parameters));
        return id;
    }

    /** The next {@code times} check-ins are answered {@code status} (a problem) with {@code Retry-After} (if > 0). */
    void refuseNextCheckins(int status, int retryAfterSeconds, int times) {
        refusalStatus = status;
        refusalRetryAfter = retryAfterSeconds;
        refusals.set(times);
    }

    List<JsonObject> enrollments() {
        return List.copyOf(enrollments);
    }

    List<Checkin> checkins() {
        return List.copyOf(checkins);
    }

    List<Checkin> checkinsOf(String deviceId) {
        return checkins.stream().filter(c -> deviceId.equals(c.deviceId())).toList();
    }

    @Override
    public void close() {
        GatewayClient.await(server.close(), Duration.ofSeconds(10));
    }

    private void handle(HttpServerRequest request) {
        request.body().onSuccess(body -> {
            String path = request.path();
            if (!"POST".equals(request.method().name())) {
                problem(request, 405, "method not allowed");
            } else if (path.equals("/agent/v1/enroll")) {
                enroll(request, body);
            } else if (path.equals("/agent/v1/checkin")) {
                checkin(request, body);
            } else {
                problem(request, 404, "no such endpoint");
            }
        });
    }

    private void enroll(HttpServerRequest request, Buffer body) {
        JsonObject json;
        try {
            json = body.toJsonObject();
        } catch (DecodeException e) {
            problem(request, 400, "malformed JSON");
            return;
        }
        enrollments.add(json);
        if (!TOKEN.equals(json.getValue("token"))) {
            problem(request, 401, "unknown or expired installer token");
            return;
        }
        X509Certificate certificate;
        String deviceId;
        try {
            String hardwareId = json.getString("hardwareId");
            deviceId = deviceByHardware.computeIfAbsent(hardwareId, h -> UUID.randomUUID().toString());
            certificate = ca.issueClient(AgentKeys.readCsr(json.getString("csrPem")), deviceId);
        } catch (IllegalArgumentException | ClassCastException | NullPointerException e) {
            problem(request, 400, "invalid CSR: " + e.getMessage());
            return;
        }
        request.response().setStatusCode(201).putHeader("Content-Type", "application/json").end(new JsonObject()
                .put("deviceId", deviceId)
                .put("certificatePem", AgentKeys.certificatePem(certificate))
                .put("caChainPem", ca.certificatePem())
                .put("checkInIntervalSeconds", intervalSeconds)
                .encode());
    }

    private void checkin(HttpServerRequest request, Buffer body) {
        X509Certificate peer;
        try {
            List<Certificate> chain = request.connection().peerCertificates();
            peer = (X509Certificate) chain.get(0);
        } catch (SSLPeerUnverifiedException e) {
            problem(request, 401, "a client certificate is required");
            return;
        }
        JsonObject json;
        try {
            json = body.toJsonObject();
        } catch (DecodeException e) {
            problem(request, 400, "malformed JSON");
            return;
        }
        String subject = peer.getSubjectX500Principal().getName();
        String deviceId = subject.startsWith("CN=") ? subject.substring(3) : subject;
        if (refusals.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            checkins.add(new Checkin(Instant.now(), deviceId, subject, json, refusalStatus));
            if (refusalRetryAfter > 0) {
                request.response().putHeader("Retry-After", String.valueOf(refusalRetryAfter));
            }
            problem(request, refusalStatus, "busy, try later");
            return;
        }
        checkins.add(new Checkin(Instant.now(), deviceId, subject, json, 200));
        JsonArray handed = new JsonArray();
        for (Task task = tasks.poll(); task != null; task = tasks.poll()) {
            handed.add(task.toJson());
        }
        request.response().setStatusCode(200).putHeader("Content-Type", "application/json").end(new JsonObject()
                .put("checkInIntervalSeconds", intervalSeconds)
                .put("tasks", handed)
                .encode());
    }

    private static void problem(HttpServerRequest request, int status, String detail) {
        request.response().setStatusCode(status).putHeader("Content-Type", "application/problem+json").end(new JsonObject()
                .put("type", "https://palisade.io/problems/test")
                .put("title", ErrorClassifier.reasonPhrase(status))
                .put("status", status)
                .put("detail", detail)
                .encode());
    }
}
