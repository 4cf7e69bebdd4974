package io.palisade.simulator.cli;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.Callable;

import io.palisade.simulator.Agent;
import io.palisade.simulator.AgentIdentity;
import io.palisade.simulator.AgentKeys;
import io.palisade.simulator.GatewayClient;
import io.palisade.simulator.ProxySpec;
import io.palisade.simulator.SimulatedDevice;
import io.vertx.core.Vertx;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code enroll}: one agent enrols and saves its identity in a directory. */
@Command(name = "enroll", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Enrol one simulated agent with an installer token and save its identity (key, certificate, "
                + "pinned CA, device id) in --dir, for 'run'.",
                "Example: enroll --gateway https://gw.example.net:8443 --token T --ca ca.pem --dir agent1"})
public final class EnrollCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    CliSupport.VerboseOption verbose;

    @Option(names = "--gateway", required = true, paramLabel = "URL", description = "The gateway's agent endpoint, https://host:port.")
    String gateway;

    @Option(names = "--token", required = true, paramLabel = "TOKEN", description = "The installer token.")
    String token;

    @Option(names = "--ca", required = true, paramLabel = "FILE",
            description = "PEM file of the CA the gateway's certificate must chain to (the only CA trusted).")
    Path ca;

    @Option(names = "--dir", required = true, paramLabel = "DIR", description = "Where to save the identity (created if needed).")
    Path dir;

    @Option(names = "--hostname", paramLabel = "NAME", description = "Host name to report (default: a simulated one).")
    String hostname;

    @Option(names = "--hardware-id", paramLabel = "ID",
            description = "Hardware id to report; enrolling the same id again keeps the device id (default: derived from --seed).")
    String hardwareId;

    @Option(names = "--key-type", paramLabel = "ec|rsa", defaultValue = "ec", converter = CliSupport.KeyTypeConverter.class,
            description = "Key to generate: ec (P-256, default) or rsa (3072 bits).")
    AgentKeys.KeyType keyType;

    @Option(names = "--proxy", paramLabel = "URL", converter = CliSupport.ProxyConverter.class,
            description = "HTTP proxy, http://[user:pass@]host:port (CONNECT tunnel).")
    ProxySpec proxy;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of the simulated machine (default: random).")
    Long seed;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "60s", converter = CliSupport.DurationConverter.class,
            description = "How long to wait for the gateway (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Override
    public Integer call() throws Exception {
        String caPem = CliSupport.readPem(ca, "--ca");
        SimulatedDevice device = SimulatedDevice.random(seed != null ? seed : new SecureRandom().nextLong());
        if (hardwareId != null) {
            device = SimulatedDevice.fromInventory(hardwareId, device.inventory());
        }
        if (hostname != null) {
            device.setHostname(hostname);
        }
        Vertx vertx = CliSupport.newVertx();
        try (GatewayClient client = GatewayClient.builder(vertx, gateway).trustedCaPem(caPem).caLabel(ca.toString())
                .proxy(proxy).requestTimeout(timeout).build()) {
            AgentIdentity identity = CliSupport.await(Agent.enroll(client, token, device, keyType), timeout.plusSeconds(5));
            identity.save(dir);
            RunState.save(dir, new RunState(0, device.inventory()));
            spec.commandLine().getOut().printf("enrolled %s as device %s (certificate %s, check-in every %d s); identity saved in %s%n",
                    identity.hostname(), identity.deviceId(), identity.certificateSubject(),
                    identity.checkInIntervalSeconds(), dir);
            return 0;
        } finally {
            CliSupport.close(vertx);
        }
    }
}
