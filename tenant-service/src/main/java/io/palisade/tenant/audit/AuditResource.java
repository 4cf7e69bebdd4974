package io.palisade.tenant.audit;

import io.palisade.kit.problem.ProblemException;
import io.palisade.kit.api.Ids;
import io.palisade.kit.api.Paging;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/** The audit log of every service: {@code /api/v1/audit}. */
@Path("/api/v1/audit")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class AuditResource {

    private final AuditQuery audit;

    public AuditResource(AuditQuery audit) {
        this.audit = audit;
    }

    @GET
    public Uni<Paging.Page<AuditQuery.AuditView>> list(@QueryParam("under") String under, @QueryParam("from") String from,
                                                      @QueryParam("to") String to, @QueryParam("action") String action,
                                                      @QueryParam("cursor") String cursor, @QueryParam("limit") String limit) {
        if (action != null && action.length() > 100) {
            throw ProblemException.invalid("action", "must be at most 100 characters");
        }
        return audit.list(Ids.parseOptional("under", under), AuditQuery.instant("from", from), AuditQuery.instant("to", to),
                action == null || action.isEmpty() ? null : action, cursor, Paging.limit(limit));
    }
}
