package io.palisade.gateway.agent;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready only once the agent endpoint listens (the device CA is loaded before it opens). */
@Readiness
@ApplicationScoped
public class AgentEndpointHealth implements HealthCheck {

    private final AgentServer server;

    public AgentEndpointHealth(AgentServer server) {
        this.server = server;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("agent-endpoint").status(server.isListening())
                .withData("port", server.port()).build();
    }
}
