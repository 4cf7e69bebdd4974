package io.palisade.group.dynamic;

import com.fasterxml.jackson.databind.JsonNode;
import io.palisade.group.dynamic.TemplateService.TemplateView;
import io.palisade.kit.api.Ids;
import io.palisade.kit.api.Paging;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.net.URI;
import java.util.List;
import java.util.UUID;
import org.jboss.resteasy.reactive.RestResponse;

/** Dynamic group templates: {@code /api/v1/dynamic-templates}. */
@Path("/api/v1/dynamic-templates")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class TemplateResource {

    /** A template as clients send it. */
    public record TemplateRequest(
            @NotBlank @Size(max = 200) @Pattern(regexp = "[^\\p{Cntrl}]*", message = "must not contain control characters") String name,
            UUID tenantId,
            @NotNull JsonNode rule) {
    }

    /** Many templates at once (bulk imports); created together or not at all. */
    public record CreateTemplates(@NotNull @Size(min = 1, max = 1000) List<@Valid @NotNull TemplateRequest> templates) {
    }

    private final TemplateService templates;

    public TemplateResource(TemplateService templates) {
        this.templates = templates;
    }

    @POST
    public Uni<RestResponse<TemplateView>> create(@Valid @NotNull TemplateRequest request) {
        return templates.create(request.name(), request.tenantId(), request.rule())
                .map(t -> RestResponse.ResponseBuilder.<TemplateView>created(URI.create("/api/v1/dynamic-templates/" + t.id()))
                        .entity(t).build());
    }

    /** Creates up to 1,000 templates in one transaction; answers them in request order. */
    @POST
    @Path("/batch")
    public Uni<RestResponse<Paging.Page<TemplateView>>> createAll(@Valid @NotNull CreateTemplates request) {
        return templates.createAll(request.templates().stream()
                        .map(t -> new TemplateService.NewTemplate(t.name(), t.tenantId(), t.rule())).toList())
                .map(list -> RestResponse.ResponseBuilder.<Paging.Page<TemplateView>>create(RestResponse.Status.CREATED)
                        .entity(new Paging.Page<>(list, null)).build());
    }

    @GET
    public Uni<Paging.Page<TemplateView>> list(@QueryParam("tenantId") String tenantId, @QueryParam("cursor") String cursor,
                                              @QueryParam("limit") String limit) {
        return templates.list(Ids.parseOptional("tenantId", tenantId), cursor, Paging.limit(limit));
    }

    @GET
    @Path("/{id}")
    public Uni<TemplateView> get(@PathParam("id") String id) {
        return templates.get(Ids.parse("id", id));
    }

    /** Replaces the name and rule; the owner does not change. */
    @PUT
    @Path("/{id}")
    public Uni<TemplateView> update(@PathParam("id") String id, @Valid @NotNull TemplateRequest request) {
        return templates.update(Ids.parse("id", id), request.name(), request.rule());
    }

    @DELETE
    @Path("/{id}")
    public Uni<RestResponse<Void>> delete(@PathParam("id") String id) {
        return templates.delete(Ids.parse("id", id)).map(v -> RestResponse.noContent());
    }
}
