package io.palisade.simulator;

import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.impl.VertxInternal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * One agent: enrols ({@link #enroll}), then checks in — on demand ({@link #checkinOnce()}) or in a loop
 * ({@link #start}).
 *
 * <p>A check-in sends {@code sequence} (one more than the previous attempt's, so it only ever grows), the inventory
 * when the device changed since the last acknowledged (200) check-in — and on the first — and the results of the
 * tasks received before. Tasks are run as soon as they arrive; their results go with the next check-in, and again
 * until one is acknowledged. A task delivered twice is not run twice: its first result is reported again.
 *
 * <p>The loop waits the gateway's {@code checkInIntervalSeconds} between check-ins, or the interval from
 * {@link Options#intervalSeconds()} (0 = closed loop: the next check-in leaves as soon as the answer arrives). After a
 * failed check-in it waits what the gateway's {@code Retry-After} says, else backs off from 1 s, doubling up to the
 * interval (at least 1 s), with ±20 % jitter.
 *
 * <p>All state lives on one Vert.x context; the agent's methods may be called from any thread.
 */
public final class Agent implements AutoCloseable {

    private static final int REMEMBERED_RESULTS = 256;
    private static final AtomicInteger NEXT_LOOP = new AtomicInteger();

    /**
     * How an agent runs.
     *
     * @param proxy           the HTTP proxy to go through, or null
     * @param intervalSeconds seconds between check-ins (fractions allowed; 0 = closed loop), or null for the
     *                        gateway's {@code checkInIntervalSeconds}
     * @param firstSequence   the sequence the first check-in sends (continue a saved agent's count)
     * @param requestTimeout  how long a check-in may wait for its answer
     * @param listener        told about every check-in, failure and task; never null
     */
    public record Options(ProxySpec proxy, Double intervalSeconds, long firstSequence, Duration requestTimeout,
                          Listener listener) {

        public Options {
            listener = listener == null ? new Listener() { } : listener;
            requestTimeout = requestTimeout == null ? Duration.ofSeconds(30) : requestTimeout;
            firstSequence = Math.max(1, firstSequence);
        }

        /** No proxy, the gateway's interval, sequences from 1, 30 s request timeout, no listener. */
        public static Options defaults() {
            return new Options(null, null, 1, null, null);
        }

        public Options withProxy(ProxySpec value) {
            return new Options(value, intervalSeconds, firstSequence, requestTimeout, listener);
        }

        public Options withIntervalSeconds(Double value) {
            return new Options(proxy, value, firstSequence, requestTimeout, listener);
        }

        public Options withFirstSequence(long value) {
            return new Options(proxy, intervalSeconds, value, requestTimeout, listener);
        }

        public Options withRequestTimeout(Duration value) {
            return new Options(proxy, intervalSeconds, firstSequence, value, listener);
        }

        public Options withListener(Listener value) {
            return new Options(proxy, intervalSeconds, firstSequence, requestTimeout, value);
        }
    }

    /** What happens to an agent; every method runs on the agent's event loop and must not block. */
    public interface Listener {
        /** A check-in was acknowledged (200). */
        default void checkedIn(CheckinEvent event) {
        }

        /** A check-in failed; the loop (if running) tries again in {@code retryIn}. */
        default void checkinFailed(long sequence, AgentError error, Duration retryIn) {
        }

        /** A received task ran; its result goes with the next check-in. */
        default void taskExecuted(Task task, TaskResult result) {
        }
    }

    /**
     * An acknowledged check-in.
     *
     * @param sequence      the sequence it sent
     * @param latency       from sending to the complete answer
     * @param inventorySent whether it carried the inventory
     * @param resultsSent   how many task results it carried
     * @param response      the gateway's answer
     */
    public record CheckinEvent(long sequence, Duration latency, boolean inventorySent, int resultsSent,
                               CheckinResponse response) {
    }

    private final Vertx vertx;
    private final Context context;
    private final AgentIdentity identity;
    private final SimulatedDevice device;
    private final Options options;
    private final GatewayClient client;

    // state below: only on `context`
    private long nextSequence;
    private long acknowledgedDeviceVersion = -1;
    private int serverIntervalSeconds;
    private final Map<String, TaskResult> pendingResults = new LinkedHashMap<>();
    private final Map<String, TaskResult> recentResults = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, TaskResult> eldest) {
            return size() > REMEMBERED_RESULTS;
        }
    };
    private boolean running;
    private long timerId = -1;
    private int consecutiveFailures;
    private volatile long lastSequenceSent;
    private volatile int pendingResultCount;

    /**
     * An agent for an enrolled identity; it opens its own mutual-TLS client (one connection, kept open).
     *
     * @throws AgentError of kind CONFIG when the identity's key or certificates are unusable
     */
    public Agent(Vertx vertx, AgentIdentity identity, SimulatedDevice device, Options options) {
        this.vertx = vertx;
        this.context = ownContext(vertx);
        this.identity = identity;
        this.device = device;
        this.options = options == null ? Options.defaults() : options;
        this.nextSequence = this.options.firstSequence();
        this.serverIntervalSeconds = identity.checkInIntervalSeconds();
        this.client = identity.clientBuilder(vertx)
                .proxy(this.options.proxy())
                .requestTimeout(this.options.requestTimeout())
                .build();
    }

    /**
     * Enrols a device: generates a key pair (off the event loop), sends a CSR for it with the device's host name,
     * hardware id and OS, and checks that the certificate in the answer is for that key.
     *
     * @param client an anonymous client (no client certificate) for the gateway, with the pinned CA; it stays open
     * @return the identity (its {@code trustedCaPem} is the client's pinned CA)
     */
    public static Future<AgentIdentity> enroll(GatewayClient client, String token, SimulatedDevice device,
                                               AgentKeys.KeyType keyType) {
        Vertx vertx = client.vertx();
        return vertx.<KeyPair>executeBlocking(() -> AgentKeys.generate(keyType), false).compose(keys -> {
            String hostname = device.hostname();
            EnrollRequest request = new EnrollRequest(token, AgentKeys.csrPem(keys, hostname), hostname,
                    device.hardwareId(), device.os());
            return client.enroll(request).compose(answer -> {
                X509Certificate certificate;
                try {
                    certificate = AgentKeys.readCertificates(answer.certificatePem()).get(0);
                } catch (IllegalArgumentException e) {
                    return Future.failedFuture(new AgentError(AgentError.Kind.BAD_RESPONSE, "gateway "
                            + client.gateway().getAuthority() + " sent an unreadable certificate: " + e.getMessage(), e));
                }
                if (!certificate.getPublicKey().equals(keys.getPublic())) {
                    return Future.failedFuture(new AgentError(AgentError.Kind.BAD_RESPONSE, "gateway "
                            + client.gateway().getAuthority() + " sent a certificate for another key than the CSR's"));
                }
                return Future.succeededFuture(new AgentIdentity(client.gateway().toString(), answer.deviceId(),
                        device.hardwareId(), hostname, AgentKeys.privateKeyPem(keys.getPrivate()),
                        answer.certificatePem(), answer.caChainPem(), client.trustedCaPem(),
                        answer.checkInIntervalSeconds()));
            });
        });
    }

    /** One check-in now. Do not mix with a running loop. */
    public Future<CheckinResponse> checkinOnce() {
        Promise<CheckinResponse> promise = Promise.promise();
        context.runOnContext(ignored -> checkin().onComplete(promise));
        return promise.future();
    }

    /** Starts the check-in loop; the first check-in leaves after {@code firstDelay}. */
    public void start(Duration firstDelay) {
        context.runOnContext(ignored -> {
            if (!running) {
                running = true;
                schedule(firstDelay.toMillis());
            }
        });
    }

    /** Stops the loop; a check-in in flight still completes (and still runs the tasks it brings). */
    public void stop() {
        context.runOnContext(ignored -> {
            running = false;
            if (timerId >= 0) {
                vertx.cancelTimer(timerId);
                timerId = -1;
            }
        });
    }

    /** Stops the loop and closes the connection. */
    @Override
    public void close() {
        stop();
        context.runOnContext(ignored -> client.close());
    }

    public AgentIdentity identity() {
        return identity;
    }

    public SimulatedDevice device() {
        return device;
    }

    /** The mutual-TLS client, e.g. for a test's raw {@link GatewayClient#post}. */
    public GatewayClient client() {
        return client;
    }

    /** The sequence of the last check-in sent (0 before the first). */
    public long lastSequence() {
        return lastSequenceSent;
    }

    /** Task results waiting for an acknowledged check-in. */
    public int pendingResults() {
        return pendingResultCount;
    }

    /**
     * A fresh context on the next event loop in turn, so that the agents of a swarm spread evenly over the event
     * loops (Vert.x's own round robin is shared with everything else that takes a loop, such as each new HTTP client,
     * which would put every agent on the same few loops).
     */
    private static Context ownContext(Vertx vertx) {
        if (vertx instanceof VertxInternal internal) {
            List<EventExecutor> loops = new ArrayList<>();
            internal.getEventLoopGroup().forEach(loops::add);
            if (!loops.isEmpty() && loops.get(0) instanceof EventLoop) {
                EventLoop loop = (EventLoop) loops.get(Math.floorMod(NEXT_LOOP.getAndIncrement(), loops.size()));
                return internal.createEventLoopContext(loop, null, Thread.currentThread().getContextClassLoader());
            }
            return internal.createEventLoopContext();
        }
        return vertx.getOrCreateContext();
    }

    private void schedule(long delayMillis) {
        if (!running) {
            return;
        }
        if (delayMillis <= 0) {
            context.runOnContext(ignored -> tick());
        } else {
            timerId = vertx.setTimer(delayMillis, id -> {
                timerId = -1;
                tick();
            });
        }
    }

    private void tick() {
        if (!running) {
            return;
        }
        long sequence = nextSequence;
        checkin().onComplete(result -> {
            if (!running) {
                return; // stopped (or closed) meanwhile: a failure caused by closing is not news
            }
            if (result.succeeded()) {
                schedule(intervalMillis());
            } else {
                AgentError error = result.cause() instanceof AgentError agentError ? agentError
                        : new AgentError(AgentError.Kind.IO, ErrorClassifier.oneLine(result.cause().getMessage()), result.cause());
                long delay = retryDelayMillis(error);
                options.listener().checkinFailed(sequence, error, Duration.ofMillis(delay));
                schedule(delay);
            }
        });
    }

    private Future<CheckinResponse> checkin() {
        long sequence = nextSequence++;
        lastSequenceSent = sequence;
        long deviceVersion;
        JsonObject inventory;
        synchronized (device) {
            deviceVersion = device.version();
            inventory = deviceVersion != acknowledgedDeviceVersion ? device.inventory() : null;
        }
        List<TaskResult> results = new ArrayList<>(pendingResults.values());
        JsonObject body = new JsonObject().put("sequence", sequence);
        if (inventory != null) {
            body.put("inventory", inventory);
        }
        if (!results.isEmpty()) {
            JsonArray array = new JsonArray();
            results.forEach(r -> array.add(r.toJson()));
            body.put("taskResults", array);
        }
        long started = System.nanoTime();
        return client.checkin(body).map(response -> {
            Duration latency = Duration.ofNanos(System.nanoTime() - started);
            consecutiveFailures = 0;
            acknowledgedDeviceVersion = deviceVersion;
            results.forEach(r -> pendingResults.remove(r.taskId()));
            serverIntervalSeconds = response.checkInIntervalSeconds();
            options.listener().checkedIn(new CheckinEvent(sequence, latency, inventory != null, results.size(), response));
            for (Task task : response.tasks()) {
                TaskResult earlier = task.taskId() == null ? null : recentResults.get(task.taskId());
                TaskResult result = earlier != null ? earlier : device.execute(task);
                pendingResults.put(String.valueOf(task.taskId()), result);
                if (earlier == null) {
                    if (task.taskId() != null) {
                        recentResults.put(task.taskId(), result);
                    }
                    options.listener().taskExecuted(task, result);
                }
            }
            pendingResultCount = pendingResults.size();
            return response;
        }).onFailure(failure -> consecutiveFailures++);
    }

    private long intervalMillis() {
        Double override = options.intervalSeconds();
        return override != null ? Math.round(override * 1000) : serverIntervalSeconds * 1000L;
    }

    private long retryDelayMillis(AgentError error) {
        if (error.retryAfter().isPresent()) {
            return error.retryAfter().get().toMillis();
        }
        long ceiling = Math.max(intervalMillis(), 1000);
        long backoff = Math.min(ceiling, 1000L << Math.min(consecutiveFailures - 1, 20));
        return Math.round(backoff * ThreadLocalRandom.current().nextDouble(0.8, 1.2));
    }
}
