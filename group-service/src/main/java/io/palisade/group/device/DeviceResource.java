package io.palisade.group.device;

import io.palisade.group.device.DeviceDtos.DeviceView;
import io.palisade.group.device.DeviceDtos.MoveDevice;
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

/** Devices: {@code /api/v1/devices}. */
@Path("/api/v1/devices")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class DeviceResource {

    private final DeviceService devices;
    private final DeviceImport imports;

    public DeviceResource(DeviceService devices, DeviceImport imports) {
        this.devices = devices;
        this.imports = imports;
    }

    /**
     * Registers up to 1,000 device records awaiting their agents, in one transaction (bulk imports); idempotent by
     * each record's {@code key}. 200 with the id each key stands for.
     */
    @POST
    @Path("/batch")
    public Uni<DeviceDtos.ImportedDevices> importAll(@Valid @NotNull DeviceDtos.ImportDevices request) {
        return imports.importAll(request.devices()).map(DeviceDtos.ImportedDevices::new);
    }

    @GET
    public Uni<Paging.Page<DeviceView>> list(@QueryParam("tenantId") String tenantId, @QueryParam("groupId") String groupId,
                                            @QueryParam("q") String q, @QueryParam("cursor") String cursor,
                                            @QueryParam("limit") String limit) {
        return devices.list(Ids.parseOptional("tenantId", tenantId), Ids.parseOptional("groupId", groupId), q, cursor,
                Paging.limit(limit));
    }

    @GET
    @Path("/{id}")
    public Uni<DeviceView> get(@PathParam("id") String id) {
        return devices.get(Ids.parse("id", id));
    }

    @POST
    @Path("/{id}/move")
    public Uni<DeviceView> move(@PathParam("id") String id, @Valid @NotNull MoveDevice request) {
        return devices.move(Ids.parse("id", id), request.groupId());
    }
}
