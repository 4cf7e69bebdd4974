package io.palisade.kit.scope;

import io.palisade.kit.problem.CommonProblems;
import io.palisade.kit.problem.Problem;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.core.MediaType;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * The authorization backstop: an operator request that succeeded without any scope check having
 * run is answered 403 instead, and logged as a defect. It catches a forgotten check in tests; it
 * is no substitute for the check.
 */
public class ScopeBackstop {

    private static final Logger LOG = Logger.getLogger(ScopeBackstop.class);

    private final OperatorScope scope;

    public ScopeBackstop(OperatorScope scope) {
        this.scope = scope;
    }

    @ServerResponseFilter
    public void enforce(ContainerRequestContext request, ContainerResponseContext response) {
        if (response.getStatus() >= 400 || !scope.isOperatorRequest() || scope.wasChecked()) {
            return;
        }
        LOG.errorf("Defect: %s %s finished without a scope check; answered 403",
                request.getMethod(), request.getUriInfo().getPath());
        response.setStatus(403);
        response.getHeaders().putSingle("Content-Type", MediaType.valueOf(Problem.MEDIA_TYPE));
        response.setEntity(Problem.of(CommonProblems.AUTHORIZATION_NOT_CHECKED, "Refused: the scope of this request was never checked"));
    }
}
