package io.palisade.simulator.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

import io.palisade.simulator.AgentError;
import io.palisade.simulator.AgentKeys;
import io.palisade.simulator.ProxySpec;
import io.palisade.simulator.Swarm;
import io.palisade.simulator.SwarmOptions;
import io.palisade.simulator.SwarmReport;
import io.vertx.core.Vertx;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code swarm}: N agents enrol and check in for a while; progress every few seconds, totals at the end. */
@Command(name = "swarm", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Enrol N simulated agents with one installer token (each with its own key, certificate and "
                + "connection) and let them check in for --duration; prints check-ins/s, latency percentiles and "
                + "errors by kind every few seconds and at the end.",
                "Example: swarm --gateway https://127.0.0.1:8443 --token T --ca ca.pem --agents 1000 --interval 10 --duration 2m"})
public final class SwarmCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    CliSupport.VerboseOption verbose;

    @Option(names = "--gateway", required = true, paramLabel = "URL", description = "The gateway's agent endpoint, https://host:port.")
    String gateway;

    @Option(names = "--token", required = true, paramLabel = "TOKEN", description = "An installer token with uses for every agent.")
    String token;

    @Option(names = "--ca", required = true, paramLabel = "FILE", description = "PEM file of the CA the gateway's certificate must chain to.")
    Path ca;

    @Option(names = "--agents", paramLabel = "N", defaultValue = "10", description = "How many agents (default: ${DEFAULT-VALUE}).")
    int agents;

    @Option(names = "--interval", paramLabel = "SECONDS",
            description = "Seconds between an agent's check-ins, fractions allowed; 0 = closed loop (each agent checks in "
                    + "again as soon as it has the answer). Default: what the gateway says.")
    Double interval;

    @Option(names = "--duration", paramLabel = "DURATION", defaultValue = "60s", converter = CliSupport.DurationConverter.class,
            description = "How long to check in after enrolment, e.g. 30s, 5m (default: ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(names = "--proxy", paramLabel = "URL", converter = CliSupport.ProxyConverter.class,
            description = "HTTP proxy for every agent, http://[user:pass@]host:port (CONNECT tunnel).")
    ProxySpec proxy;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1",
            description = "Seed of the simulated fleet: agent i simulates machine seed+i (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--enroll-concurrency", paramLabel = "N", defaultValue = "32",
            description = "Enrolments in flight at once (default: ${DEFAULT-VALUE}).")
    int enrollConcurrency;

    @Option(names = "--key-type", paramLabel = "ec|rsa", defaultValue = "ec", converter = CliSupport.KeyTypeConverter.class,
            description = "Agent keys: ec (P-256, default) or rsa (3072 bits).")
    AgentKeys.KeyType keyType;

    @Option(names = "--report-every", paramLabel = "DURATION", defaultValue = "5s", converter = CliSupport.DurationConverter.class,
            description = "Progress line period (default: ${DEFAULT-VALUE}).")
    Duration reportEvery;

    @Option(names = "--json", description = "Also print the final report as one line of JSON.")
    boolean json;

    @Override
    public Integer call() {
        if (agents < 1) {
            throw new IllegalArgumentException("--agents must be at least 1");
        }
        if (interval != null && interval < 0) {
            throw new IllegalArgumentException("--interval must not be negative");
        }
        PrintWriter out = spec.commandLine().getOut();
        SwarmOptions options = new SwarmOptions(gateway, token, CliSupport.readPem(ca, "--ca"))
                .caLabel(ca.toString())
                .proxy(proxy)
                .agents(agents)
                .intervalSeconds(interval)
                .duration(duration)
                .seed(seed)
                .enrollConcurrency(enrollConcurrency)
                .keyType(keyType)
                .reportEvery(reportEvery);
        Vertx vertx = CliSupport.newVertx();
        Swarm swarm = new Swarm(vertx, options);
        // Ctrl-C: stop the agents (the JVM exits without a final report; progress lines were printed)
        Thread stopOnExit = new Thread(swarm::stop, "swarm-stop");
        Runtime.getRuntime().addShutdownHook(stopOnExit);
        try {
            out.printf("swarm: %d agents against %s%s, interval %s, for %s%n", agents, gateway,
                    proxy == null ? "" : " through proxy " + proxy.address(),
                    interval == null ? "set by the gateway" : interval + " s", CliSupport.format(duration));
            SwarmReport report = CliSupport.await(swarm.run(progress -> {
                out.println(progress.format());
                out.flush();
            }), duration.plus(Duration.ofMinutes(10)));
            out.println(report.format());
            if (json) {
                out.println(report.toJson().encode());
            }
            if (report.checkins() == 0) {
                String worst = report.errors().entrySet().stream().max(java.util.Map.Entry.comparingByValue())
                        .map(e -> " (most errors: " + e.getKey() + ")").orElse("");
                throw new AgentError(AgentError.Kind.IO, "no check-in got through" + worst);
            }
            return 0;
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(stopOnExit);
            } catch (IllegalStateException e) {
                // already shutting down
            }
            CliSupport.close(vertx);
        }
    }
}
