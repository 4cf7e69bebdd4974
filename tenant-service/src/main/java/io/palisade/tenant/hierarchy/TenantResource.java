package io.palisade.tenant.hierarchy;

import io.palisade.kit.problem.CommonProblems;
import io.palisade.kit.problem.ProblemException;
import io.palisade.kit.api.Ids;
import io.palisade.kit.api.Paging;
import io.palisade.tenant.hierarchy.TenantDtos.CreateTenant;
import io.palisade.tenant.hierarchy.TenantDtos.CreateTenants;
import io.palisade.tenant.hierarchy.TenantDtos.MoveTenant;
import io.palisade.tenant.hierarchy.TenantDtos.TenantView;
import io.palisade.tenant.hierarchy.TenantDtos.UpdateTenant;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.net.URI;
import java.util.Arrays;
import java.util.UUID;
import org.jboss.resteasy.reactive.RestResponse;

/** The MSP tree: {@code /api/v1/tenants}. */
@Path("/api/v1/tenants")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class TenantResource {

    private final TenantService tenants;

    public TenantResource(TenantService tenants) {
        this.tenants = tenants;
    }

    @POST
    public Uni<RestResponse<TenantView>> create(@Valid @NotNull CreateTenant request) {
        return tenants.create(request).map(t -> RestResponse.ResponseBuilder
                .<TenantView>created(URI.create("/api/v1/tenants/" + t.id())).entity(t).header("ETag", etag(t)).build());
    }

    /** Creates up to 500 tenants, each under an existing parent, in one transaction (bulk imports). */
    @POST
    @Path("/batch")
    public Uni<RestResponse<Paging.Page<TenantView>>> createAll(@Valid @NotNull CreateTenants request) {
        return tenants.createAll(request.tenants()).map(list -> RestResponse.ResponseBuilder
                .<Paging.Page<TenantView>>create(RestResponse.Status.CREATED).entity(new Paging.Page<>(list, null)).build());
    }

    @GET
    @Path("/{id}")
    public Uni<RestResponse<TenantView>> get(@PathParam("id") String id) {
        return tenants.get(Ids.parse("id", id)).map(TenantResource::withEtag);
    }

    @GET
    public Uni<Paging.Page<TenantView>> list(@QueryParam("under") String under, @QueryParam("type") String type,
                                            @QueryParam("q") String q, @QueryParam("cursor") String cursor,
                                            @QueryParam("limit") String limit) {
        if (q != null && q.length() > 200) {
            throw ProblemException.invalid("q", "must be at most 200 characters");
        }
        return tenants.list(Ids.parseOptional("under", under), type(type), q, cursor, Paging.limit(limit));
    }

    @PATCH
    @Path("/{id}")
    public Uni<RestResponse<TenantView>> update(@PathParam("id") String id, @HeaderParam("If-Match") String ifMatch,
                                                @Valid @NotNull UpdateTenant request) {
        UUID tenantId = Ids.parse("id", id);
        return tenants.update(tenantId, version(ifMatch), request).map(TenantResource::withEtag);
    }

    @POST
    @Path("/{id}/move")
    public Uni<RestResponse<TenantView>> move(@PathParam("id") String id, @Valid @NotNull MoveTenant request) {
        return tenants.move(Ids.parse("id", id), request.parentId()).map(TenantResource::withEtag);
    }

    @DELETE
    @Path("/{id}")
    public Uni<RestResponse<Void>> delete(@PathParam("id") String id) {
        return tenants.delete(Ids.parse("id", id)).map(v -> RestResponse.noContent());
    }

    private static TenantType type(String type) {
        if (type == null || type.isEmpty()) {
            return null;
        }
        try {
            return TenantType.valueOf(type);
        } catch (IllegalArgumentException e) {
            throw ProblemException.invalid("type", "must be one of " + Arrays.toString(TenantType.values()));
        }
    }

    /** The version an {@code If-Match} header names: {@code 3}, {@code "3"} or {@code W/"3"}. */
    static long version(String ifMatch) {
        if (ifMatch == null || ifMatch.isBlank()) {
            throw new ProblemException(CommonProblems.PRECONDITION_REQUIRED,
                    "Send If-Match with the version you read, so concurrent changes are not lost");
        }
        String v = ifMatch.trim();
        if (v.startsWith("W/")) {
            v = v.substring(2);
        }
        v = v.replace("\"", "");
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw ProblemException.invalid("If-Match", "must be the tenant's version");
        }
    }

    private static String etag(TenantView t) {
        return "\"" + t.version() + "\"";
    }

    private static RestResponse<TenantView> withEtag(TenantView t) {
        return RestResponse.ResponseBuilder.ok(t).header("ETag", etag(t)).build();
    }
}
