package io.palisade.tenant.auth;

import io.palisade.kit.auth.Claims;
import io.palisade.kit.config.PalisadeConfig;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.build.JwtClaimsBuilder;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

/** Issues short-lived RS256 operator access tokens with the claims every service reads. */
@ApplicationScoped
public class TokenIssuer {

    /** What a token says about its operator. */
    public record Subject(UUID operatorId, String username, UUID homeTenantId, String homePath,
                          Collection<String> permissions, List<String> amr, boolean enrolmentOnly) {
    }

    /** A signed token and its lifetime in seconds. */
    public record Issued(String token, long expiresIn) {
    }

    private final SigningKeys keys;
    private final PalisadeConfig config;
    private final Duration ttl;

    public TokenIssuer(SigningKeys keys, PalisadeConfig config, AuthSettings settings) {
        this.keys = keys;
        this.config = config;
        this.ttl = settings.tokenTtl();
    }

    public Uni<Issued> issue(Subject subject) {
        return keys.active().map(key -> {
            JwtClaimsBuilder claims = Jwt.issuer(config.tokens().issuer())
                    .subject(subject.operatorId().toString())
                    .claim(Claims.USERNAME, subject.username())
                    .claim(Claims.TENANT_PATH, subject.homePath())
                    .claim(Claims.PERMISSIONS, List.copyOf(subject.enrolmentOnly() ? List.of() : subject.permissions()))
                    .claim(Claims.AMR, subject.amr())
                    .claim("jti", UUID.randomUUID().toString())
                    .expiresIn(ttl);
            if (subject.homeTenantId() != null) {
                claims.claim(Claims.TENANT_ID, subject.homeTenantId().toString());
            }
            if (subject.enrolmentOnly()) {
                claims.claim(Claims.RESTRICTION, Claims.ENROLMENT_ONLY);
            }
            String token = claims.jws().keyId(key.kid()).algorithm(SignatureAlgorithm.RS256).sign(key.privateKey());
            return new Issued(token, ttl.toSeconds());
        });
    }
}
