package io.palisade.group.task;

import com.fasterxml.jackson.databind.JsonNode;
import io.palisade.group.task.TaskService.TaskDeviceView;
import io.palisade.group.task.TaskService.TaskView;
import io.palisade.kit.api.Ids;
import io.palisade.kit.api.Paging;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.net.URI;
import java.util.UUID;
import org.jboss.resteasy.reactive.RestResponse;

/** Tasks to groups: {@code /api/v1/tasks}. */
@Path("/api/v1/tasks")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class TaskResource {

    /** A task as clients send it. */
    public record CreateTask(@NotNull TaskType type, @NotNull UUID groupId, JsonNode parameters) {
    }

    private final TaskService tasks;

    public TaskResource(TaskService tasks) {
        this.tasks = tasks;
    }

    @POST
    public Uni<RestResponse<TaskView>> create(@Valid @NotNull CreateTask request) {
        return tasks.create(request.type(), request.groupId(), request.parameters())
                .map(t -> RestResponse.ResponseBuilder.<TaskView>created(URI.create("/api/v1/tasks/" + t.id())).entity(t).build());
    }

    @GET
    @Path("/{id}")
    public Uni<TaskView> get(@PathParam("id") String id) {
        return tasks.get(Ids.parse("id", id));
    }

    @GET
    @Path("/{id}/devices")
    public Uni<Paging.Page<TaskDeviceView>> devices(@PathParam("id") String id, @QueryParam("cursor") String cursor,
                                                    @QueryParam("limit") String limit) {
        return tasks.devices(Ids.parse("id", id), cursor, Paging.limit(limit));
    }
}
