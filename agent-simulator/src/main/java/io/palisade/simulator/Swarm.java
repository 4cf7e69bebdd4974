package io.palisade.simulator;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

/**
 * N agents in one process on one Vert.x instance, for load and soak tests: each has its own key, certificate and
 * connection (pool size 1, kept open), as N real agents would.
 *
 * <p>{@link #run} enrols them all with one installer token ({@link SwarmOptions#enrollConcurrency()} at a time, over
 * one shared anonymous client), then starts every agent's check-in loop at a random offset within one interval (so
 * they do not arrive together), lets them run for {@link SwarmOptions#duration()}, stops them and completes with the
 * final {@link SwarmReport}. Latencies are recorded in an HdrHistogram (microsecond resolution).
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
    private volatile long enrollStarted;
    private volatile long enrollEnded;
    private volatile long checkinsStarted;
    private long lastReportNanos;
    private long lastReportCheckins;
    private Histogram windowHistogram;
    private volatile boolean stopped;
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
            progressTimer = vertx.setPeriodic(options.reportEvery().toMillis(), id -> progress.accept(report(false)));
        }
        AgentIdentity[] identities = new AgentIdentity[options.agents()];
        SimulatedDevice[] devices = new SimulatedDevice[options.agents()];
        AtomicInteger next = new AtomicInteger();
        List<Future<Void>> workers = new ArrayList<>();
        for (int w = 0; w < Math.min(options.enrollConcurrency(), options.agents()); w++) {
            workers.add(enrolNext(enrolClient, next, identities, devices));
        }
        Future.join(workers).onComplete(ignored -> {
            enrolClient.close();
            enrollEnded = System.nanoTime();
            if (stopped) {
                synchronized (this) {
                    checkinsStarted = System.nanoTime();
                }
                done.tryComplete(report(true));
                return;
            }
            if (enrolled.get() == 0) {
                cancelTimers();
                AgentError first = firstEnrollError.get();
                done.tryFail(first != null ? first : new AgentError(AgentError.Kind.IO, "no agent enrolled"));
                return;
            }
            startCheckins(identities, devices);
        });
        return done.future();
    }

    /** Ends the run early; {@link #run}'s future then completes with the final report. */
    public void stop() {
        if (done.future().isComplete()) {
            return;
        }
        try {
            vertx.runOnContext(ignored -> finish());
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // Vert.x is closing: nothing runs any more anyway
        }
    }

    /** The numbers so far (a window since the previous report). */
    public synchronized SwarmReport snapshot() {
        return report(false);
    }

    /** The agents (once enrolled), e.g. to look at their devices. */
    public List<Agent> agents() {
        return List.copyOf(agents);
    }

    private Future<Void> enrolNext(GatewayClient client, AtomicInteger next, AgentIdentity[] identities,
                                   SimulatedDevice[] devices) {
        int index = next.getAndIncrement();
        if (index >= identities.length || stopped) {
            return Future.succeededFuture();
        }
        SimulatedDevice device = SimulatedDevice.random(options.seed() + index);
        devices[index] = device;
        return Agent.enroll(client, options.token(), device, options.keyType())
                .onSuccess(identity -> {
                    identities[index] = identity;
                    enrolled.incrementAndGet();
                })
                .onFailure(failure -> {
                    AgentError error = failure instanceof AgentError e ? e
                            : new AgentError(AgentError.Kind.IO, ErrorClassifier.oneLine(failure.getMessage()), failure);
                    firstEnrollError.compareAndSet(null, error);
                    enrollFailures.increment();
                    errors.computeIfAbsent("enroll " + error.kind(), k -> new LongAdder()).increment();
                })
                .<Void>mapEmpty()
                .recover(ignored -> Future.succeededFuture())
                .compose(ignored -> enrolNext(client, next, identities, devices));
    }

    private void startCheckins(AgentIdentity[] identities, SimulatedDevice[] devices) {
        synchronized (this) {
            checkinsStarted = System.nanoTime();
            lastReportNanos = checkinsStarted;
            lastReportCheckins = 0;
        }
        Agent.Listener listener = new Agent.Listener() {
            @Override
            public void checkedIn(Agent.CheckinEvent event) {
                checkins.increment();
                latencies.recordValue(Math.max(1, TimeUnit.NANOSECONDS.toMicros(event.latency().toNanos())));
            }

            @Override
            public void checkinFailed(long sequence, AgentError error, Duration retryIn) {
                errors.computeIfAbsent(error.kind().name(), k -> new LongAdder()).increment();
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
            if (identities[i] == null) {
                continue;
            }
            Agent agent;
            try {
                agent = new Agent(vertx, identities[i], devices[i], agentOptions);
            } catch (AgentError e) {
                errors.computeIfAbsent(e.kind().name(), k -> new LongAdder()).increment();
                continue;
            }
            agents.add(agent);
            double interval = options.intervalSeconds() != null ? options.intervalSeconds()
                    : identities[i].checkInIntervalSeconds();
            // spread the first check-ins over one interval (over 100 ms for a closed loop)
            long spreadMillis = Math.max(1, Math.round((interval > 0 ? interval : 0.1) * 1000));
            agent.start(Duration.ofMillis(ThreadLocalRandom.current().nextLong(spreadMillis)));
        }
        endTimer = vertx.setTimer(Math.max(1, options.duration().toMillis()), id -> finish());
    }

    private void finish() {
        if (stopped && done.future().isComplete()) {
            return;
        }
        stopped = true;
        cancelTimers();
        agents.forEach(Agent::close);
        if (checkinsStarted == 0) {
            return; // still enrolling: run() completes (or fails) when enrolment ends
        }
        done.tryComplete(report(true));
    }

    private void cancelTimers() {
        if (progressTimer >= 0) {
            vertx.cancelTimer(progressTimer);
        }
        if (endTimer >= 0) {
            vertx.cancelTimer(endTimer);
        }
    }

    private synchronized SwarmReport report(boolean complete) {
        long now = System.nanoTime();
        windowHistogram = latencies.getIntervalHistogram(windowHistogram);
        total.add(windowHistogram);
        long count = checkins.sum();
        Histogram covered = complete ? total : windowHistogram;
        long windowNanos = checkinsStarted == 0 ? 0 : complete ? now - checkinsStarted : now - lastReportNanos;
        long windowCheckins = complete ? count : count - lastReportCheckins;
        if (!complete && checkinsStarted != 0) {
            lastReportNanos = now;
            lastReportCheckins = count;
        }
        Map<String, Long> errorCounts = new TreeMap<>();
        errors.forEach((kind, adder) -> errorCounts.put(kind, adder.sum()));
        long enrolEnd = enrollEnded != 0 ? enrollEnded : now;
        return new SwarmReport(complete,
                Duration.ofNanos(checkinsStarted == 0 ? 0 : now - checkinsStarted),
                Duration.ofNanos(windowNanos),
                options.agents(), enrolled.get(), enrollFailures.sum(),
                Duration.ofNanos(enrolEnd - enrollStarted),
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
