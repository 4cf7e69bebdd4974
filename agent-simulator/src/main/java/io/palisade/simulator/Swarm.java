package io.palisade.simulator;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.IntFunction;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

/**
 * N agents in one process on one Vert.x instance, for load and soak tests: each has its own key, certificate and
 * connection (pool size 1, kept open), as N real agents would, and the agents are spread over the event loops.
 *
 * <p>{@link #run} goes through three phases:
 * <ol>
 * <li><b>enrolling</b>: every agent enrols with the one installer token, {@link SwarmOptions#enrollConcurrency()} at
 * a time, over one shared anonymous client;</li>
 * <li><b>connecting</b>: every agent makes its first check-in (its TLS handshake, and its first inventory), as
 * many at a time — so a large swarm ramps up instead of asking the gateway for N full handshakes at once;</li>
 * <li><b>running</b>: every agent's check-in loop starts at a random offset within one interval (so they do not
 * arrive together) and runs for {@link SwarmOptions#duration()}; then the agents stop and {@link #run}'s future
 * completes with the final {@link SwarmReport}.</li>
 * </ol>
 * Only the running phase's check-ins are counted in the rate and the latencies (HdrHistogram, microsecond
 * resolution); failures of every phase are counted by kind.
 */
public final class Swarm {

    private final Vertx vertx;
    private final SwarmOptions options;
    private final List<Agent> agents = new CopyOnWriteArrayList<>();
    private final LongAdder checkins = new LongAdder();
    private final LongAdder tasks = new LongAdder();
    private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
    private final Recorder latencies = new Recorder(3);
    private final Histogram total = new Histogram(3);
    private final AtomicInteger enrolled = new AtomicInteger();
    private final LongAdder enrollFailures = new LongAdder();
    private final AtomicReference<AgentError> firstEnrollError = new AtomicReference<>();
    private final Promise<SwarmReport> done = Promise.promise();
    private volatile String phase = "enrolling";
    private volatile long enrollStarted;
    private volatile long enrollEnded;
    private volatile long connectEnded;
    private volatile long runStarted;
    private volatile boolean stopped;
    private long lastReportNanos;
    private long lastReportCheckins;
    private Histogram windowHistogram;
    private long progressTimer = -1;
    private long endTimer = -1;

    public Swarm(Vertx vertx, SwarmOptions options) {
        this.vertx = vertx;
        this.options = options;
    }

    /**
     * Runs the swarm. Fails (with the first enrolment's {@link AgentError}) only when no agent could enrol.
     *
     * @param progress gets a report every {@link SwarmOptions#reportEvery()}, on a Vert.x thread; may be null
     */
    public Future<SwarmReport> run(Consumer<SwarmReport> progress) {
        enrollStarted = System.nanoTime();
        GatewayClient enrolClient;
        try {
            enrolClient = GatewayClient.builder(vertx, options.gatewayUrl())
                    .trustedCaPem(options.trustedCaPem())
                    .caLabel(options.caLabel())
                    .proxy(options.proxy())
                    .poolSize(options.enrollConcurrency())
                    .requestTimeout(options.requestTimeout())
                    .build();
        } catch (AgentError e) {
            return Future.failedFuture(e);
        }
        if (progress != null) {
            long halfPeriod = options.reportEvery().toNanos() / 2;
            progressTimer = vertx.setPeriodic(options.reportEvery().toMillis(), id -> {
                // no report on a window just begun (the running phase started right before this tick)
                if (runStarted == 0 || System.nanoTime() - lastReportNanos() >= halfPeriod) {
                    progress.accept(snapshot());
                }
            });
        }
        int count = options.agents();
        AgentIdentity[] identities = new AgentIdentity[count];
        SimulatedDevice[] devices = new SimulatedDevice[count];
        limited(count, index -> enrolOne(enrolClient, index, identities, devices)).onComplete(enrolment -> {
            enrolClient.close();
            enrollEnded = System.nanoTime();
            if (enrolled.get() == 0 && !stopped) {
                cancelTimers();
                AgentError first = firstEnrollError.get();
                done.tryFail(first != null ? first : new AgentError(AgentError.Kind.IO, "no agent enrolled"));
                return;
            }
            phase = "connecting";
            createAgents(identities, devices);
            limited(agents.size(), index -> connect(agents.get(index))).onComplete(connected -> {
                connectEnded = System.nanoTime();
                startRunning();
            });
        });
        return done.future();
    }

    /** Ends the run early; {@link #run}'s future then completes with the final report. */
    public void stop() {
        if (done.future().isComplete()) {
            return;
        }
        try {
            vertx.runOnContext(ignored -> {
                stopped = true;
                if ("running".equals(phase)) {
                    finish();
                }
            });
        } catch (RejectedExecutionException e) {
            // Vert.x is closing: nothing runs any more anyway
        }
    }

    /** The numbers so far; the rate and latencies cover the time since the previous snapshot. */
    public SwarmReport snapshot() {
        return report(false);
    }

    /** The agents (once enrolled), e.g. to look at their devices. */
    public List<Agent> agents() {
        return List.copyOf(agents);
    }

    /** Runs {@code task(0..count-1)}, at most {@link SwarmOptions#enrollConcurrency()} at a time; never fails. */
    private Future<Void> limited(int count, IntFunction<Future<Void>> task) {
        AtomicInteger next = new AtomicInteger();
        List<Future<Void>> workers = new ArrayList<>();
        for (int w = 0; w < Math.min(options.enrollConcurrency(), count); w++) {
            workers.add(work(next, count, task));
        }
        return Future.join(workers).<Void>mapEmpty().recover(ignored -> Future.succeededFuture());
    }

    private Future<Void> work(AtomicInteger next, int count, IntFunction<Future<Void>> task) {
        int index = next.getAndIncrement();
        if (index >= count || stopped) {
            return Future.succeededFuture();
        }
        return task.apply(index).recover(ignored -> Future.succeededFuture()).compose(ignored -> work(next, count, task));
    }

    private Future<Void> enrolOne(GatewayClient client, int index, AgentIdentity[] identities, SimulatedDevice[] devices) {
        SimulatedDevice device = SimulatedDevice.random(options.seed() + index);
        devices[index] = device;
        return Agent.enroll(client, options.token(), device, options.keyType())
                .onSuccess(identity -> {
                    identities[index] = identity;
                    enrolled.incrementAndGet();
                })
                .onFailure(failure -> {
                    AgentError error = asAgentError(failure);
                    firstEnrollError.compareAndSet(null, error);
                    enrollFailures.increment();
                    countError("enroll " + error.kind());
                })
                .mapEmpty();
    }

    private Future<Void> connect(Agent agent) {
        return agent.checkinOnce().onFailure(failure -> countError("connect " + asAgentError(failure).kind())).mapEmpty();
    }

    private void createAgents(AgentIdentity[] identities, SimulatedDevice[] devices) {
        Agent.Listener listener = new Agent.Listener() {
            @Override
            public void checkedIn(Agent.CheckinEvent event) {
                if (runStarted != 0) {
                    checkins.increment();
                    latencies.recordValue(Math.max(1, TimeUnit.NANOSECONDS.toMicros(event.latency().toNanos())));
                }
            }

            @Override
            public void checkinFailed(long sequence, AgentError error, Duration retryIn) {
                countError(error.kind().name());
            }

            @Override
            public void taskExecuted(Task task, TaskResult result) {
                tasks.increment();
            }
        };
        Agent.Options agentOptions = Agent.Options.defaults()
                .withProxy(options.proxy())
                .withIntervalSeconds(options.intervalSeconds())
                .withRequestTimeout(options.requestTimeout())
                .withListener(listener);
        for (int i = 0; i < identities.length; i++) {
            if (identities[i] != null) {
                try {
                    agents.add(new Agent(vertx, identities[i], devices[i], agentOptions));
                } catch (AgentError e) {
                    countError("connect " + e.kind());
                }
            }
        }
    }

    private void startRunning() {
        synchronized (this) {
            latencies.reset();
            runStarted = System.nanoTime();
            lastReportNanos = runStarted;
            lastReportCheckins = 0;
            phase = "running";
        }
        if (stopped) {
            finish();
            return;
        }
        for (Agent agent : agents) {
            double interval = options.intervalSeconds() != null ? options.intervalSeconds()
                    : agent.identity().checkInIntervalSeconds();
            // spread the loops over one interval (over 100 ms for a closed loop)
            long spreadMillis = Math.max(1, Math.round((interval > 0 ? interval : 0.1) * 1000));
            agent.start(Duration.ofMillis(ThreadLocalRandom.current().nextLong(spreadMillis)));
        }
        endTimer = vertx.setTimer(Math.max(1, options.duration().toMillis()), id -> finish());
    }

    private void finish() {
        if (done.future().isComplete()) {
            return;
        }
        stopped = true;
        cancelTimers();
        agents.forEach(Agent::close);
        SwarmReport last = report(true);
        done.tryComplete(last);
    }

    private void cancelTimers() {
        if (progressTimer >= 0) {
            vertx.cancelTimer(progressTimer);
        }
        if (endTimer >= 0) {
            vertx.cancelTimer(endTimer);
        }
    }

    private synchronized long lastReportNanos() {
        return lastReportNanos;
    }

    private void countError(String kind) {
        errors.computeIfAbsent(kind, k -> new LongAdder()).increment();
    }

    private static AgentError asAgentError(Throwable failure) {
        return failure instanceof AgentError e ? e
                : new AgentError(AgentError.Kind.IO, ErrorClassifier.oneLine(failure.getMessage()), failure);
    }

    private synchronized SwarmReport report(boolean complete) {
        long now = System.nanoTime();
        windowHistogram = latencies.getIntervalHistogram(windowHistogram);
        total.add(windowHistogram);
        long count = checkins.sum();
        Histogram covered = complete ? total : windowHistogram;
        boolean running = runStarted != 0;
        long windowNanos = !running ? 0 : complete ? now - runStarted : now - lastReportNanos;
        long windowCheckins = complete ? count : count - lastReportCheckins;
        if (!complete && running) {
            lastReportNanos = now;
            lastReportCheckins = count;
        }
        Map<String, Long> errorCounts = new TreeMap<>();
        errors.forEach((kind, adder) -> errorCounts.put(kind, adder.sum()));
        long enrolEnd = enrollEnded != 0 ? enrollEnded : now;
        long connectEnd = connectEnded != 0 ? connectEnded : now;
        return new SwarmReport(complete ? "done" : phase,
                Duration.ofNanos(running ? now - runStarted : 0),
                Duration.ofNanos(windowNanos),
                options.agents(), enrolled.get(), enrollFailures.sum(),
                Duration.ofNanos(enrolEnd - enrollStarted),
                Duration.ofNanos(enrollEnded == 0 ? 0 : connectEnd - enrollEnded),
                count,
                windowNanos > 0 ? windowCheckins / (windowNanos / 1e9) : 0,
                millis(covered, covered.getValueAtPercentile(50)),
                millis(covered, covered.getValueAtPercentile(99)),
                millis(covered, covered.getMaxValue()),
                errorCounts, tasks.sum());
    }

    private static double millis(Histogram histogram, long micros) {
        return histogram.getTotalCount() == 0 ? 0 : histogram.highestEquivalentValue(micros) / 1000.0;
    }
}
