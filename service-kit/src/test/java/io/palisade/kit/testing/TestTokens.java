package io.palisade.kit.testing;

import com.sun.net.httpserver.HttpServer;
import io.palisade.kit.auth.Claims;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPublicKey;
import java.util.List;
import java.util.UUID;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.lang.JoseException;

/**
 * For the tests of services other than tenant-service: an RS256 key published as a JWKS over real
 * HTTP (what tenant-service serves at /api/v1/auth/jwks) and operator tokens signed with it, with the
 * claims tenant-service puts in them. Services read it through their real {@code JwksKeySource}.
 */
public final class TestTokens {

    private static KeyPair keys;
    private static String keyId;
    private static HttpServer server;

    private TestTokens() {
    }

    /** The URL of the JWKS; starts the server on first use. */
    public static synchronized String jwksUrl() {
        if (server == null) {
            try {
                KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
                generator.initialize(2048);
                keys = generator.generateKeyPair();
                keyId = UUID.randomUUID().toString();
                RsaJsonWebKey jwk = new RsaJsonWebKey((RSAPublicKey) keys.getPublic());
                jwk.setKeyId(keyId);
                jwk.setAlgorithm(AlgorithmIdentifiers.RSA_USING_SHA256);
                byte[] body = new JsonWebKeySet(jwk).toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY)
                        .getBytes(StandardCharsets.UTF_8);
                server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
                server.createContext("/api/v1/auth/jwks", exchange -> {
                    exchange.getResponseHeaders().add("Content-Type", "application/json");
                    exchange.sendResponseHeaders(200, body.length);
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(body);
                    }
                });
                server.start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/api/v1/auth/jwks";
    }

    /** A token for an operator whose home is {@code tenantId} at {@code path} ("/" and null for root). */
    public static String operator(UUID tenantId, String path, List<String> permissions) {
        return sign(UUID.randomUUID(), tenantId, path, permissions, false);
    }

    public static String root(List<String> permissions) {
        return operator(null, "/", permissions);
    }

    /** A token that may only enrol TOTP (distributed configuration, no TOTP yet). */
    public static String enrolmentOnly(UUID tenantId, String path) {
        return sign(UUID.randomUUID(), tenantId, path, List.of(), true);
    }

    private static synchronized String sign(UUID operatorId, UUID tenantId, String path, List<String> permissions,
                                            boolean enrolmentOnly) {
        jwksUrl();
        try {
            JwtClaims claims = new JwtClaims();
            claims.setIssuer("palisade");
            claims.setSubject(operatorId.toString());
            claims.setExpirationTimeMinutesInTheFuture(15);
            claims.setIssuedAtToNow();
            claims.setClaim(Claims.USERNAME, "test-" + operatorId.toString().substring(0, 8));
            claims.setClaim(Claims.TENANT_PATH, path);
            if (tenantId != null) {
                claims.setClaim(Claims.TENANT_ID, tenantId.toString());
            }
            claims.setStringListClaim(Claims.PERMISSIONS, enrolmentOnly ? List.of() : permissions);
            claims.setStringListClaim(Claims.AMR, List.of("pwd", "otp"));
            if (enrolmentOnly) {
                claims.setClaim(Claims.RESTRICTION, Claims.ENROLMENT_ONLY);
            }
            JsonWebSignature jws = new JsonWebSignature();
            jws.setPayload(claims.toJson());
            jws.setKey(keys.getPrivate());
            jws.setKeyIdHeaderValue(keyId);
            jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }
}
