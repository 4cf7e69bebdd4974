package io.palisade.kit.auth;

import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/** Turns a verified access token into the request's security identity; roles are permissions. */
@ApplicationScoped
public class AccessTokenIdentityProvider implements IdentityProvider<TokenAuthenticationRequest> {

    private final AccessTokenVerifier verifier;

    public AccessTokenIdentityProvider(AccessTokenVerifier verifier) {
        this.verifier = verifier;
    }

    @Override
    public Class<TokenAuthenticationRequest> getRequestType() {
        return TokenAuthenticationRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(TokenAuthenticationRequest request, AuthenticationRequestContext context) {
        return verifier.verify(request.getToken().getToken())
                .map(principal -> QuarkusSecurityIdentity.builder()
                        .setPrincipal(principal)
                        .addRoles(principal.enrolmentOnly() ? java.util.Set.of() : principal.permissions())
                        .addCredential(request.getToken())
                        .build());
    }
}
