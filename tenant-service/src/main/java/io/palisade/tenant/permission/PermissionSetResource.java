package io.palisade.tenant.permission;

import io.palisade.kit.api.Ids;
import io.palisade.kit.api.Paging;
import io.palisade.tenant.permission.PermissionSetDtos.CreatePermissionSet;
import io.palisade.tenant.permission.PermissionSetDtos.PermissionSetView;
import io.palisade.tenant.permission.PermissionSetDtos.UpdatePermissionSet;
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

/** Permission sets: {@code /api/v1/permission-sets}. */
@Path("/api/v1/permission-sets")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class PermissionSetResource {

    private final PermissionSetService sets;

    public PermissionSetResource(PermissionSetService sets) {
        this.sets = sets;
    }

    @POST
    public Uni<RestResponse<PermissionSetView>> create(@Valid @NotNull CreatePermissionSet request) {
        return sets.create(request).map(s -> RestResponse.ResponseBuilder
                .<PermissionSetView>created(URI.create("/api/v1/permission-sets/" + s.id())).entity(s).build());
    }

    @GET
    @Path("/{id}")
    public Uni<PermissionSetView> get(@PathParam("id") String id) {
        return sets.get(Ids.parse("id", id));
    }

    @GET
    public Uni<Paging.Page<PermissionSetView>> list(@QueryParam("tenantId") String tenantId,
                                                   @QueryParam("cursor") String cursor,
                                                   @QueryParam("limit") String limit) {
        return sets.list(Ids.parseOptional("tenantId", tenantId), cursor, Paging.limit(limit));
    }

    @PATCH
    @Path("/{id}")
    public Uni<PermissionSetView> update(@PathParam("id") String id, @Valid @NotNull UpdatePermissionSet request) {
        return sets.update(Ids.parse("id", id), request);
    }

    @DELETE
    @Path("/{id}")
    public Uni<RestResponse<Void>> delete(@PathParam("id") String id) {
        return sets.delete(Ids.parse("id", id)).map(v -> RestResponse.noContent());
    }
}
