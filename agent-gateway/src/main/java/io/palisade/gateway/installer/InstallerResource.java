package io.palisade.gateway.installer;

import io.palisade.gateway.installer.InstallerService.InstallerView;
import io.palisade.kit.api.Ids;
import io.palisade.kit.api.Paging;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.net.URI;
import java.time.Instant;
import java.util.UUID;
import org.jboss.resteasy.reactive.RestResponse;

/** Installer tokens: {@code /api/v1/installers}. */
@Path("/api/v1/installers")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class InstallerResource {

    /** An installer as clients ask for it. */
    public record CreateInstaller(@NotNull UUID customerId, UUID staticGroupId, @NotNull Instant expiresAt, @NotNull Integer maxUses) {
    }

    private final InstallerService installers;

    public InstallerResource(InstallerService installers) {
        this.installers = installers;
    }

    @POST
    public Uni<RestResponse<InstallerView>> create(@Valid @NotNull CreateInstaller request) {
        return installers.create(request.customerId(), request.staticGroupId(), request.expiresAt(), request.maxUses())
                .map(i -> RestResponse.ResponseBuilder.<InstallerView>created(URI.create("/api/v1/installers/" + i.id())).entity(i).build());
    }

    @GET
    public Uni<Paging.Page<InstallerView>> list(@QueryParam("customerId") String customerId, @QueryParam("cursor") String cursor,
                                                @QueryParam("limit") String limit) {
        return installers.list(Ids.parseOptional("customerId", customerId), cursor, Paging.limit(limit));
    }

    @GET
    @Path("/{id}")
    public Uni<InstallerView> get(@PathParam("id") String id) {
        return installers.get(Ids.parse("id", id));
    }

    /** Revokes the installer: its token enrols nothing from now on (devices it enrolled stay). */
    @DELETE
    @Path("/{id}")
    public Uni<RestResponse<Void>> revoke(@PathParam("id") String id) {
        return installers.revoke(Ids.parse("id", id)).map(v -> RestResponse.noContent());
    }
}
