package io.palisade.tenant.operator;

import io.palisade.tenant.auth.PasswordHasher;
import io.palisade.kit.api.Ids;
import io.palisade.kit.api.Paging;
import io.palisade.tenant.operator.OperatorDtos.CreateOperator;
import io.palisade.tenant.operator.OperatorDtos.OperatorView;
import io.palisade.tenant.operator.OperatorDtos.UpdateOperator;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.net.URI;
import org.jboss.resteasy.reactive.RestResponse;

/** Operators: {@code /api/v1/operators}. */
@Path("/api/v1/operators")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class OperatorResource {

    private final OperatorService operators;
    private final PasswordHasher hasher;

    public OperatorResource(OperatorService operators, PasswordHasher hasher) {
        this.operators = operators;
        this.hasher = hasher;
    }

    @POST
    public Uni<RestResponse<OperatorView>> create(@Valid @NotNull CreateOperator request) {
        return hasher.hash(request.password())
                .chain(hash -> operators.create(request, hash))
                .map(o -> RestResponse.ResponseBuilder.<OperatorView>created(URI.create("/api/v1/operators/" + o.id())).entity(o).build());
    }

    @GET
    @Path("/{id}")
    public Uni<OperatorView> get(@PathParam("id") String id) {
        return operators.get(Ids.parse("id", id));
    }

    @GET
    public Uni<Paging.Page<OperatorView>> list(@QueryParam("under") String under, @QueryParam("cursor") String cursor,
                                              @QueryParam("limit") String limit) {
        return operators.list(Ids.parseOptional("under", under), cursor, Paging.limit(limit));
    }

    @PATCH
    @Path("/{id}")
    public Uni<OperatorView> update(@PathParam("id") String id, @Valid @NotNull UpdateOperator request) {
        var operatorId = Ids.parse("id", id);
        Uni<String> hash = request.password() == null ? Uni.createFrom().nullItem() : hasher.hash(request.password());
        return hash.chain(h -> operators.update(operatorId, request.permissionSetIds(), h));
    }

    @DELETE
    @Path("/{id}")
    public Uni<RestResponse<Void>> delete(@PathParam("id") String id) {
        return operators.delete(Ids.parse("id", id)).map(v -> RestResponse.noContent());
    }
}
