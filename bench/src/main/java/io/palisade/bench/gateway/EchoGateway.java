package io.palisade.bench.gateway;

import io.palisade.gateway.ca.CertificateAuthority;
import io.palisade.gateway.ca.Pem;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.io.StringReader;
import java.net.ServerSocket;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * The baseline of the gateway benchmark: a bare Vert.x mutual-TLS endpoint with the gateway's TLS settings (one
 * server per event loop on one port, client auth requested against its own CA, HTTP/1.1 keep-alive) that speaks
 * just enough of the agent protocol for the same swarm: enrolment signs the CSR's key, a check-in reads the body and
 * answers a constant. No database, no Kafka, no identity check: what a check-in costs with nothing but TLS and HTTP.
 */
final class EchoGateway implements AutoCloseable {

    private static final Buffer CHECKIN_ANSWER = Buffer.buffer("{\"checkInIntervalSeconds\":60,\"tasks\":[]}");

    private final CertificateAuthority ca = CertificateAuthority.generate("EC");
    private final List<HttpServer> servers = new ArrayList<>();
    private final UUID customer = UUID.randomUUID();
    final int port;

    EchoGateway(Vertx vertx, int instances) throws Exception {
        KeyPair serverKeys = CertificateAuthority.keyPair("EC");
        String chain = Pem.write(ca.issueServer(serverKeys.getPublic(), List.of("localhost", "127.0.0.1"), Duration.ofDays(1)))
                + ca.certificatePem();
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        for (int i = 0; i < instances; i++) {
            HttpServerOptions options = new HttpServerOptions().setHost("127.0.0.1").setPort(port).setSsl(true)
                    .setKeyCertOptions(new PemKeyCertOptions().addKeyValue(Buffer.buffer(Pem.write(serverKeys.getPrivate())))
                            .addCertValue(Buffer.buffer(chain)))
                    .setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(ca.certificatePem())))
                    .setClientAuth(ClientAuth.REQUEST).setUseAlpn(false)
                    .setEnabledSecureTransportProtocols(Set.of("TLSv1.2", "TLSv1.3"))
                    .setIdleTimeout(150).setIdleTimeoutUnit(TimeUnit.SECONDS);
            HttpServer server = vertx.createHttpServer(options).requestHandler(this::handle);
            server.listen().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            servers.add(server);
        }
    }

    String caPem() {
        return ca.certificatePem();
    }

    String url() {
        return "https://localhost:" + port;
    }

    private void handle(HttpServerRequest request) {
        request.body().onSuccess(body -> {
            if (request.path().endsWith("/enroll")) {
                try {
                    JsonObject in = body.toJsonObject();
                    UUID device = UUID.randomUUID();
                    String cert = Pem.write(ca.issueDevice(publicKey(in.getString("csrPem")), device, customer, Duration.ofDays(1)));
                    request.response().setStatusCode(201).putHeader("Content-Type", "application/json")
                            .end(new JsonObject().put("deviceId", device.toString()).put("certificatePem", cert)
                                    .put("caChainPem", ca.certificatePem()).put("checkInIntervalSeconds", 60).toBuffer());
                } catch (Exception e) {
                    request.response().setStatusCode(400).end();
                }
            } else {
                request.response().putHeader("Content-Type", "application/json").end(CHECKIN_ANSWER);
            }
        });
    }

    private static PublicKey publicKey(String csrPem) throws Exception {
        try (PEMParser parser = new PEMParser(new StringReader(csrPem))) {
            return new JcaPEMKeyConverter().getPublicKey(((PKCS10CertificationRequest) parser.readObject()).getSubjectPublicKeyInfo());
        }
    }

    @Override
    public void close() {
        for (HttpServer server : servers) {
            server.close();
        }
    }
}
