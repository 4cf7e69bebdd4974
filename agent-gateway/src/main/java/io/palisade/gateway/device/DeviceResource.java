package io.palisade.gateway.device;

import io.palisade.kit.api.Ids;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.RestResponse;

/** The gateway's part of the device API: {@code POST /api/v1/devices/{id}/revoke}. */
@Path("/api/v1/devices")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class DeviceResource {

    private final DeviceRevocation revocation;

    public DeviceResource(DeviceRevocation revocation) {
        this.revocation = revocation;
    }

    /** Its certificate is refused from then on, by every replica within a minute at the latest. */
    @POST
    @Path("/{id}/revoke")
    public Uni<RestResponse<Void>> revoke(@PathParam("id") String id) {
        return revocation.revoke(Ids.parse("id", id)).map(v -> RestResponse.noContent());
    }
}
