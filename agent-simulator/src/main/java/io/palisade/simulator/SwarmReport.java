package io.palisade.simulator;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import io.vertx.core.json.JsonObject;

/**
 * A swarm's numbers. A progress report covers the last window (rate and latencies) with running totals for the
 * counts; the final report ({@link #complete()}) covers the whole check-in phase.
 *
 * @param phase             {@code enrolling}, {@code connecting}, {@code running} or {@code done}
 * @param elapsed           time since the check-in phase began (0 before)
 * @param window            the time the rate and latencies cover
 * @param agents            agents asked for
 * @param enrolled          agents enrolled so far
 * @param enrollFailures    enrolments that failed
 * @param enrollTime        how long enrolment took (so far)
 * @param connectTime       how long the first check-ins took (each agent's TLS handshake; so far)
 * @param checkins          acknowledged check-ins in the check-in phase so far (the first check-ins of the connect
 *                          phase are not counted)
 * @param checkinsPerSecond acknowledged check-ins per second over the window
 * @param p50Millis         median check-in latency over the window, ms
 * @param p99Millis         99th percentile, ms
 * @param maxMillis         maximum, ms
 * @param errors            failures so far by {@link AgentError.Kind}; those of enrolment and of the first check-ins
 *                          are prefixed "enroll " and "connect "
 * @param tasksExecuted     tasks the agents ran so far
 */
public record SwarmReport(String phase, Duration elapsed, Duration window, int agents, int enrolled,
                          long enrollFailures, Duration enrollTime, Duration connectTime, long checkins,
                          double checkinsPerSecond, double p50Millis, double p99Millis, double maxMillis,
                          Map<String, Long> errors, long tasksExecuted) {

    public SwarmReport {
        errors = Map.copyOf(errors);
    }

    /** Whether this is the final report. */
    public boolean complete() {
        return "done".equals(phase);
    }

    /** All errors, enrolment and connection included. */
    public long errorCount() {
        return errors.values().stream().mapToLong(Long::longValue).sum();
    }

    /** The report as JSON, durations in seconds, for benchmarks and scripts. */
    public JsonObject toJson() {
        JsonObject errorObject = new JsonObject();
        errors.forEach(errorObject::put);
        return new JsonObject()
                .put("phase", phase)
                .put("elapsedSeconds", seconds(elapsed))
                .put("windowSeconds", seconds(window))
                .put("agents", agents)
                .put("enrolled", enrolled)
                .put("enrollFailures", enrollFailures)
                .put("enrollSeconds", seconds(enrollTime))
                .put("connectSeconds", seconds(connectTime))
                .put("checkins", checkins)
                .put("checkinsPerSecond", checkinsPerSecond)
                .put("latencyMillis", new JsonObject().put("p50", p50Millis).put("p99", p99Millis).put("max", maxMillis))
                .put("errors", errorObject)
                .put("tasksExecuted", tasksExecuted);
    }

    /** One line for a person. */
    public String format() {
        String errorText = errors.isEmpty() ? "errors 0"
                : "errors " + errorCount() + " (" + errors.entrySet().stream()
                        .sorted(Map.Entry.comparingByKey())
                        .map(e -> e.getKey() + " " + e.getValue())
                        .collect(Collectors.joining(", ")) + ")";
        if (!complete() && !"running".equals(phase)) {
            return String.format(Locale.ROOT, "[%s] %d/%d enrolled in %.1f s%s | %s", phase, enrolled, agents,
                    seconds(enrollTime), "connecting".equals(phase)
                            ? String.format(Locale.ROOT, ", connecting for %.1f s", seconds(connectTime)) : "",
                    errorText);
        }
        String head = complete()
                ? String.format(Locale.ROOT, "swarm done: %d/%d agents enrolled in %.1f s, connected in %.1f s, "
                        + "checked in for %.1f s:", enrolled, agents, seconds(enrollTime), seconds(connectTime), seconds(elapsed))
                : String.format(Locale.ROOT, "[%6.1f s] %d agents |", seconds(elapsed), enrolled);
        return String.format(Locale.ROOT, "%s %d check-ins, %.1f/s | latency p50 %.2f ms, p99 %.2f ms, max %.2f ms | "
                + "tasks %d | %s", head, checkins, checkinsPerSecond, p50Millis, p99Millis, maxMillis, tasksExecuted, errorText);
    }

    private static double seconds(Duration duration) {
        return duration.toNanos() / 1e9;
    }
}
