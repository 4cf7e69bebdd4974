package io.palisade.migration.remote;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.palisade.migration.common.MigrationSettings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.net.http.HttpClient;
import java.time.Duration;

/** The clients of tenant-service and group-service. */
@ApplicationScoped
public class Remotes {

    private final RemoteCall call;
    private final MigrationSettings settings;

    public Remotes(ObjectMapper mapper, MigrationSettings settings) {
        this.settings = settings;
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).version(HttpClient.Version.HTTP_1_1).build();
        this.call = new RemoteCall(http, mapper, settings.callTimeout());
    }

    @Produces
    @ApplicationScoped
    TenantApi tenants() {
        return new TenantApi(call, settings);
    }

    @Produces
    @ApplicationScoped
    GroupApi groups() {
        return new GroupApi(call, settings);
    }
}
