package io.palisade.migration.job;

import io.palisade.kit.api.Ids;
import io.palisade.kit.api.Paging;
import io.palisade.migration.job.MigrationDtos.MigrationView;
import io.quarkus.security.Authenticated;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import org.jboss.resteasy.reactive.RestResponse;

/**
 * Migrations: {@code /api/v1/migrations}. Blocking on purpose: the export streams from the request body into the
 * staging tables on a worker thread (a blocking method with an {@code InputStream} body is not buffered first).
 */
@Path("/api/v1/migrations")
@Authenticated
@Blocking
@Produces(MediaType.APPLICATION_JSON)
public class MigrationResource {

    private final MigrationService migrations;

    public MigrationResource(MigrationService migrations) {
        this.migrations = migrations;
    }

    @POST
    @Consumes({MediaType.APPLICATION_JSON, MediaType.APPLICATION_OCTET_STREAM})
    public RestResponse<MigrationView> create(@QueryParam("targetTenantId") String targetTenantId,
                                              @HeaderParam("Authorization") String authorization, InputStream export)
            throws IOException {
        MigrationView created = migrations.create(Ids.parseOptional("targetTenantId", targetTenantId), bearer(authorization), export);
        return RestResponse.ResponseBuilder.<MigrationView>created(URI.create("/api/v1/migrations/" + created.id()))
                .entity(created).build();
    }

    @GET
    public Paging.Page<MigrationView> list(@QueryParam("cursor") String cursor, @QueryParam("limit") String limit) {
        return migrations.list(cursor, Paging.limit(limit));
    }

    @GET
    @Path("/{id}")
    public MigrationView get(@PathParam("id") String id) {
        return migrations.get(Ids.parse("id", id));
    }

    @POST
    @Path("/{id}/apply")
    public RestResponse<MigrationView> apply(@PathParam("id") String id, @HeaderParam("Authorization") String authorization) {
        return RestResponse.accepted(migrations.apply(Ids.parse("id", id), bearer(authorization)));
    }

    /** The caller's bearer token, which the apply job presents to tenant-service and group-service. */
    private static String bearer(String authorization) {
        return authorization == null ? "" : authorization.replaceFirst("(?i)^Bearer\\s+", "").trim();
    }
}
