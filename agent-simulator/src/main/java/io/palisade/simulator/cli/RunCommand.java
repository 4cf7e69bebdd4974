package io.palisade.simulator.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.LinkedBlockingQueue;

import io.palisade.simulator.Agent;
import io.palisade.simulator.AgentError;
import io.palisade.simulator.AgentIdentity;
import io.palisade.simulator.ProxySpec;
import io.palisade.simulator.SimulatedDevice;
import io.palisade.simulator.Task;
import io.palisade.simulator.TaskResult;
import io.vertx.core.Vertx;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code run}: an enrolled agent checks in until stopped (or {@code --count} times). A failure that waiting cannot
 * fix (trust, credentials, a refused request), or any failure before the first check-in got through, ends the run
 * with exit code 1; later network failures are retried, and a busy gateway's {@code Retry-After} is always waited.
 */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Check in as the agent enrolled in --dir: send the inventory when it changed, run the tasks "
                + "received and report their results at the next check-in.",
                "Example: run --dir agent1 --interval 5 --count 3"})
public final class RunCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    CliSupport.VerboseOption verbose;

    @Option(names = "--dir", required = true, paramLabel = "DIR", description = "The directory 'enroll' saved the identity in.")
    Path dir;

    @Option(names = "--proxy", paramLabel = "URL", converter = CliSupport.ProxyConverter.class,
            description = "HTTP proxy, http://[user:pass@]host:port (CONNECT tunnel).")
    ProxySpec proxy;

    @Option(names = "--interval", paramLabel = "SECONDS",
            description = "Seconds between check-ins (fractions allowed; default: what the gateway says).")
    Double interval;

    @Option(names = "--count", paramLabel = "N", description = "Exit after N acknowledged check-ins (default: run until stopped).")
    Integer count;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "30s", converter = CliSupport.DurationConverter.class,
            description = "How long one check-in may wait for its answer (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    private record Failure(long sequence, AgentError error, Duration retryIn) {
    }

    private record Executed(Task task, TaskResult result) {
    }

    @Override
    public Integer call() throws Exception {
        if (interval != null && interval < 0) {
            throw new IllegalArgumentException("--interval must not be negative");
        }
        if (count != null && count < 1) {
            throw new IllegalArgumentException("--count must be at least 1");
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        AgentIdentity identity = AgentIdentity.load(dir);
        RunState state = RunState.load(dir);
        SimulatedDevice device;
        if (state != null && state.inventory() != null) {
            device = SimulatedDevice.fromInventory(identity.hardwareId(), state.inventory());
        } else {
            device = SimulatedDevice.random(identity.hardwareId().hashCode());
            device.setHostname(identity.hostname());
        }
        BlockingQueue<Object> events = new LinkedBlockingQueue<>();
        Agent.Listener listener = new Agent.Listener() {
            @Override
            public void checkedIn(Agent.CheckinEvent event) {
                events.add(event);
            }

            @Override
            public void checkinFailed(long sequence, AgentError error, Duration retryIn) {
                events.add(new Failure(sequence, error, retryIn));
            }

            @Override
            public void taskExecuted(Task task, TaskResult result) {
                events.add(new Executed(task, result));
            }
        };
        Agent.Options options = Agent.Options.defaults()
                .withProxy(proxy)
                .withIntervalSeconds(interval)
                .withFirstSequence(state == null ? 1 : state.lastSequence() + 1)
                .withRequestTimeout(timeout)
                .withListener(listener);
        Vertx vertx = CliSupport.newVertx();
        Agent agent = null;
        try {
            agent = new Agent(vertx, identity, device, options);
            out.printf("checking in to %s as device %s (%s)%s, every %s%n", identity.gatewayUrl(), identity.deviceId(),
                    device, proxy == null ? "" : " through proxy " + proxy.address(),
                    interval == null ? "interval the gateway sets" : interval + " s");
            agent.start(Duration.ZERO);
            int acknowledged = 0;
            while (count == null || acknowledged < count) {
                Object event = events.take();
                if (event instanceof Agent.CheckinEvent checkin) {
                    acknowledged++;
                    out.printf(Locale.ROOT, "check-in %d: 200 in %.1f ms, inventory %s, %d result(s) sent, %d task(s) received, next in %s%n",
                            checkin.sequence(), checkin.latency().toNanos() / 1e6,
                            checkin.inventorySent() ? "sent" : "unchanged", checkin.resultsSent(),
                            checkin.response().tasks().size(),
                            interval != null ? interval + " s" : checkin.response().checkInIntervalSeconds() + " s");
                    saveState(agent, device);
                } else if (event instanceof Executed executed) {
                    out.printf("  task %s %s: %s — %s%n", executed.task().taskId(), executed.task().type(),
                            executed.result().status(), executed.result().output());
                } else if (event instanceof Failure failure) {
                    saveState(agent, device);
                    AgentError error = failure.error();
                    boolean keepTrying = error.kind() == AgentError.Kind.RATE_LIMITED
                            || (error.isTransient() && acknowledged > 0);
                    if (!keepTrying) {
                        err.println(error.getMessage());
                        if (CliSupport.verbose()) {
                            error.printStackTrace(err);
                        }
                        return 1;
                    }
                    err.printf(Locale.ROOT, "check-in %d failed: %s; trying again in %.1f s%n", failure.sequence(),
                            error.getMessage(), failure.retryIn().toMillis() / 1000.0);
                }
            }
            return 0;
        } finally {
            if (agent != null) {
                agent.close();
            }
            CliSupport.close(vertx);
        }
    }

    private void saveState(Agent agent, SimulatedDevice device) {
        try {
            RunState.save(dir, new RunState(agent.lastSequence(), device.inventory()));
        } catch (IOException e) {
            spec.commandLine().getErr().println("cannot save " + dir.resolve(RunState.FILE) + ": " + e.getMessage());
        }
    }
}
