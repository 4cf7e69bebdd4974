package io.palisade.kit.auth;

import io.palisade.kit.config.PalisadeConfig;
import io.palisade.kit.scope.OperatorPrincipal;
import io.quarkus.security.AuthenticationFailedException;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.PublicKey;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.jwx.JsonWebStructure;
import org.jose4j.lang.JoseException;

/** Verifies an RS256 operator access token and turns its claims into an {@link OperatorPrincipal}. */
@ApplicationScoped
public class AccessTokenVerifier {

    private static final int MAX_TOKEN_LENGTH = 8192;

    private final TokenKeySource keys;
    private final PalisadeConfig config;

    public AccessTokenVerifier(TokenKeySource keys, PalisadeConfig config) {
        this.keys = keys;
        this.config = config;
    }

    public Uni<OperatorPrincipal> verify(String token) {
        String keyId;
        try {
            if (token.length() > MAX_TOKEN_LENGTH) {
                throw new AuthenticationFailedException("token too long");
            }
            JsonWebStructure structure = JsonWebStructure.fromCompactSerialization(token);
            if (!AlgorithmIdentifiers.RSA_USING_SHA256.equals(structure.getAlgorithmHeaderValue())) {
                throw new AuthenticationFailedException("unexpected algorithm");
            }
            keyId = structure.getKeyIdHeaderValue();
            if (keyId == null) {
                throw new AuthenticationFailedException("no key id");
            }
        } catch (JoseException | RuntimeException e) {
            return Uni.createFrom().failure(e instanceof AuthenticationFailedException ? e : new AuthenticationFailedException("malformed token"));
        }
        return keys.find(keyId).map(key -> {
            if (key == null) {
                throw new AuthenticationFailedException("unknown key");
            }
            return principal(claims(token, key));
        });
    }

    private JwtClaims claims(String token, PublicKey key) {
        try {
            return new JwtConsumerBuilder()
                    .setRequireExpirationTime()
                    .setRequireSubject()
                    .setExpectedIssuer(config.tokens().issuer())
                    .setAllowedClockSkewInSeconds((int) config.tokens().clockSkew().toSeconds())
                    .setVerificationKey(key)
                    .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT, AlgorithmIdentifiers.RSA_USING_SHA256)
                    .build()
                    .processToClaims(token);
        } catch (InvalidJwtException e) {
            throw new AuthenticationFailedException("invalid token");
        }
    }

    private static OperatorPrincipal principal(JwtClaims claims) {
        try {
            String tenantId = claims.getStringClaimValue(Claims.TENANT_ID);
            String path = claims.getStringClaimValue(Claims.TENANT_PATH);
            if (path == null || !path.startsWith("/") || !path.endsWith("/")) {
                throw new AuthenticationFailedException("no tenant path");
            }
            return new OperatorPrincipal(
                    UUID.fromString(claims.getSubject()),
                    claims.getStringClaimValue(Claims.USERNAME),
                    tenantId == null ? null : UUID.fromString(tenantId),
                    path,
                    strings(claims, Claims.PERMISSIONS),
                    strings(claims, Claims.AMR),
                    Claims.ENROLMENT_ONLY.equals(claims.getStringClaimValue(Claims.RESTRICTION)));
        } catch (MalformedClaimException | IllegalArgumentException e) {
            throw new AuthenticationFailedException("malformed claims");
        }
    }

    private static Set<String> strings(JwtClaims claims, String name) throws MalformedClaimException {
        List<String> values = claims.hasClaim(name) ? claims.getStringListClaimValue(name) : List.of();
        return Set.copyOf(new HashSet<>(values));
    }
}
