package io.palisade.migration.move;

import com.fasterxml.jackson.databind.JsonNode;
import io.palisade.kit.api.Ids;
import io.palisade.kit.api.Paging;
import io.palisade.kit.problem.ProblemException;
import io.palisade.migration.job.MigrationDtos.MoveView;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jboss.resteasy.reactive.RestResponse;

/** Recommended moves into the MSP tree: {@code /api/v1/migrations/{id}/moves}. */
@Path("/api/v1/migrations/{id}/moves")
@Authenticated
@Blocking
@Produces(MediaType.APPLICATION_JSON)
public class MoveResource {

    private final MoveService moves;

    public MoveResource(MoveService moves) {
        this.moves = moves;
    }

    @GET
    public Paging.Page<MoveView> list(@PathParam("id") String id, @QueryParam("cursor") String cursor,
                                     @QueryParam("limit") String limit) {
        return moves.list(Ids.parse("id", id), cursor, Paging.limit(limit));
    }

    /** {@code {"moves": "ALL"}} or {@code {"moves": [moveId, ...]}}. */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public RestResponse<Map<String, Object>> perform(@PathParam("id") String id, @HeaderParam("Authorization") String authorization,
                                                     JsonNode body) {
        UUID migration = Ids.parse("id", id);
        JsonNode which = body == null ? null : body.get("moves");
        List<UUID> ids;
        if (which != null && which.isTextual() && "ALL".equals(which.asText())) {
            ids = null;
        } else if (which != null && which.isArray() && which.size() > 0 && which.size() <= 10_000) {
            ids = new ArrayList<>();
            for (JsonNode n : which) {
                ids.add(Ids.parse("moves[" + ids.size() + "]", n.isTextual() ? n.asText() : null));
            }
        } else {
            throw ProblemException.invalid("moves", "must be \"ALL\" or a non-empty list of move ids");
        }
        String token = authorization == null ? "" : authorization.replaceFirst("(?i)^Bearer\\s+", "").trim();
        return RestResponse.accepted(moves.perform(migration, ids, token));
    }
}
