package io.palisade.bench.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;

/**
 * What a benchmark needs to drive a packaged service as a client would: a JWKS over HTTP and operator tokens
 * signed with its key, the service started as a child process ({@code java -jar …/quarkus-run.jar}) and
 * waited for, and JSON calls to its API.
 */
public final class BenchServices implements AutoCloseable {

    public static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> ALL_PERMISSIONS = List.of("tenants.read", "tenants.write", "operators.read",
            "operators.write", "groups.read", "groups.write", "devices.read", "devices.write", "installers.write",
            "tasks.write", "migrations.run", "audit.read");

    private final KeyPair keys;
    private final String keyId = UUID.randomUUID().toString();
    private final HttpServer jwks;
    private final HttpClient http = HttpClient.newHttpClient();

    public BenchServices() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        keys = generator.generateKeyPair();
        RsaJsonWebKey jwk = new RsaJsonWebKey((RSAPublicKey) keys.getPublic());
        jwk.setKeyId(keyId);
        jwk.setAlgorithm(AlgorithmIdentifiers.RSA_USING_SHA256);
        byte[] body = new JsonWebKeySet(jwk).toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY).getBytes(StandardCharsets.UTF_8);
        jwks = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        jwks.createContext("/api/v1/auth/jwks", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        jwks.start();
    }

    public String jwksUrl() {
        return "http://127.0.0.1:" + jwks.getAddress().getPort() + "/api/v1/auth/jwks";
    }

    /** A root operator's token with every permission and two factors. */
    public String rootToken() throws Exception {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer("palisade");
        claims.setSubject(UUID.randomUUID().toString());
        claims.setExpirationTimeMinutesInTheFuture(60);
        claims.setIssuedAtToNow();
        claims.setClaim("preferred_username", "bench");
        claims.setClaim("tpath", "/");
        claims.setStringListClaim("perms", ALL_PERMISSIONS);
        claims.setStringListClaim("amr", List.of("pwd", "otp"));
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setKey(keys.getPrivate());
        jws.setKeyIdHeaderValue(keyId);
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        return jws.getCompactSerialization();
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Starts {@code jar} with {@code env} (on top of this process's), output to {@code log}. */
    public static Process start(String jar, String heap, Map<String, String> env, Path log) throws IOException {
        return start(jar, heap, List.of(), env, log);
    }

    /** The same with more JVM options ({@code -XX:…}, {@code -D…}) before {@code -jar}. */
    public static Process start(String jar, String heap, List<String> jvmOptions, Map<String, String> env, Path log)
            throws IOException {
        List<String> command = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + heap));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().putAll(env);
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        return pb.start();
    }

    public void awaitReady(Process service, String base, Path log) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (System.nanoTime() < deadline) {
            if (!service.isAlive()) {
                throw new IllegalStateException("the service exited " + service.exitValue() + ":\n" + Files.readString(log));
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/q/health/ready"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("the service is not ready after 2 minutes; log " + log);
    }

    /** POSTs {@code body} as JSON; answers the status and the parsed answer. */
    public Answer post(String url, String token, Object body) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).timeout(Duration.ofMinutes(2)).build(),
                HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), response.body().isEmpty() ? null : JSON.readTree(response.body()));
    }

    public record Answer(int status, JsonNode body) {
    }

    public static void stop(Process service) throws InterruptedException {
        if (service != null) {
            service.destroy();
            if (!service.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                service.destroyForcibly();
            }
        }
    }

    @Override
    public void close() {
        jwks.stop(0);
    }
}
