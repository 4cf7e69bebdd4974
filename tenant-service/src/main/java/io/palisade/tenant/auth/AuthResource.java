package io.palisade.tenant.auth;

import io.palisade.kit.problem.ProblemException;
import io.palisade.kit.scope.OperatorScope;
import io.palisade.kit.scope.Permissions;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.PermitAll;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jboss.resteasy.reactive.RestResponse;
import org.jose4j.jwk.RsaJsonWebKey;

/** Sign-in, the JWKS other services verify tokens with, TOTP enrolment and key rotation. */
@Path("/api/v1/auth")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class AuthResource {

    private final LoginService login;
    private final TotpService totp;
    private final SigningKeys keys;
    private final OperatorScope scope;

    public AuthResource(LoginService login, TotpService totp, SigningKeys keys, OperatorScope scope) {
        this.login = login;
        this.totp = totp;
        this.keys = keys;
        this.scope = scope;
    }

    @POST
    @Path("/login")
    @PermitAll
    public Uni<AuthDtos.TokenResponse> login(@Valid @NotNull AuthDtos.LoginRequest request) {
        return login.login(request.username(), request.password(), request.totp())
                .map(issued -> new AuthDtos.TokenResponse(issued.token(), "Bearer", issued.expiresIn()));
    }

    @GET
    @Path("/jwks")
    @PermitAll
    public Uni<Map<String, Object>> jwks() {
        return keys.published().map(list -> Map.of("keys", list.stream().map(AuthResource::jwk).toList()));
    }

    @POST
    @Path("/totp/enroll")
    @Authenticated
    public Uni<AuthDtos.TotpEnrolment> enroll() {
        return totp.enroll();
    }

    @POST
    @Path("/totp/activate")
    @Authenticated
    public Uni<RestResponse<Void>> activate(@Valid @NotNull AuthDtos.TotpActivation request) {
        return totp.activate(request.code()).map(v -> RestResponse.noContent());
    }

    /** Root operators with {@code operators.write} rotate the signing key; old tokens stay valid until they expire. */
    @POST
    @Path("/keys/rotate")
    @Authenticated
    public Uni<Map<String, String>> rotate() {
        scope.require(Permissions.OPERATORS_WRITE);
        if (!scope.principal().isRoot()) {
            throw ProblemException.forbidden("Only root operators may rotate the signing key");
        }
        return keys.rotate().map(kid -> Map.of("activeKeyId", kid));
    }

    private static Map<String, Object> jwk(SigningKeys.VerificationKey key) {
        RsaJsonWebKey jwk = new RsaJsonWebKey((java.security.interfaces.RSAPublicKey) key.publicKey());
        Map<String, Object> out = new LinkedHashMap<>(jwk.toParams(org.jose4j.jwk.JsonWebKey.OutputControlLevel.PUBLIC_ONLY));
        out.put("kid", key.kid());
        out.put("use", "sig");
        out.put("alg", "RS256");
        return out;
    }

}
