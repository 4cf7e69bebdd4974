package io.palisade.group.groups;

import io.palisade.group.device.DeviceDtos.DeviceView;
import io.palisade.group.device.DeviceService;
import io.palisade.group.groups.GroupDtos.CreateGroup;
import io.palisade.group.groups.GroupDtos.CreateGroups;
import io.palisade.group.groups.GroupDtos.GroupView;
import io.palisade.group.groups.GroupDtos.MoveGroup;
import io.palisade.group.groups.GroupDtos.RenameGroup;
import io.palisade.kit.api.Ids;
import io.palisade.kit.api.Paging;
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

/** Groups: {@code /api/v1/groups}. */
@Path("/api/v1/groups")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class GroupResource {

    private final GroupService groups;
    private final DeviceService devices;

    public GroupResource(GroupService groups, DeviceService devices) {
        this.groups = groups;
        this.devices = devices;
    }

    @GET
    public Uni<Paging.Page<GroupView>> list(@QueryParam("tenantId") String tenantId, @QueryParam("parentId") String parentId,
                                           @QueryParam("cursor") String cursor, @QueryParam("limit") String limit) {
        return groups.list(Ids.parseOptional("tenantId", tenantId), Ids.parseOptional("parentId", parentId), cursor,
                Paging.limit(limit));
    }

    @POST
    public Uni<RestResponse<GroupView>> create(@Valid @NotNull CreateGroup request) {
        return groups.create(request).map(g -> RestResponse.ResponseBuilder.<GroupView>created(URI.create("/api/v1/groups/" + g.id()))
                .entity(g).build());
    }

    /** Creates up to 1,000 groups, each under an existing parent, in one transaction (bulk imports). */
    @POST
    @Path("/batch")
    public Uni<RestResponse<Paging.Page<GroupView>>> createAll(@Valid @NotNull CreateGroups request) {
        return groups.createAll(request.groups()).map(list -> RestResponse.ResponseBuilder
                .<Paging.Page<GroupView>>create(RestResponse.Status.CREATED).entity(new Paging.Page<>(list, null)).build());
    }

    @GET
    @Path("/{id}")
    public Uni<GroupView> get(@PathParam("id") String id) {
        return groups.get(Ids.parse("id", id));
    }

    @PATCH
    @Path("/{id}")
    public Uni<GroupView> rename(@PathParam("id") String id, @Valid @NotNull RenameGroup request) {
        return groups.rename(Ids.parse("id", id), request.name());
    }

    @POST
    @Path("/{id}/move")
    public Uni<GroupView> move(@PathParam("id") String id, @Valid @NotNull MoveGroup request) {
        return groups.move(Ids.parse("id", id), request.parentId());
    }

    @DELETE
    @Path("/{id}")
    public Uni<RestResponse<Void>> delete(@PathParam("id") String id) {
        return groups.delete(Ids.parse("id", id)).map(v -> RestResponse.noContent());
    }

    @GET
    @Path("/{id}/devices")
    public Uni<Paging.Page<DeviceView>> members(@PathParam("id") String id, @QueryParam("recursive") boolean recursive,
                                               @QueryParam("cursor") String cursor, @QueryParam("limit") String limit) {
        return devices.members(Ids.parse("id", id), recursive, cursor, Paging.limit(limit));
    }
}
