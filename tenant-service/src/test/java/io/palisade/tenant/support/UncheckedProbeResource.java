package io.palisade.tenant.support;

import io.quarkus.security.Authenticated;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Map;

/**
 * Test-only endpoint (it lives in src/test, so only the test application has it): an operator
 * endpoint that forgets its scope check, to prove the backstop refuses it.
 */
@Path("/api/v1/test-only/forgot-the-scope-check")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class UncheckedProbeResource {

    @GET
    public Map<String, String> leak() {
        return Map.of("secret", "everyone's data");
    }
}
