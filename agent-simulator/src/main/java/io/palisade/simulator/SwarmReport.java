package io.palisade.simulator;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import io.vertx.core.json.JsonObject;

/**
 * A swarm's numbers: a progress report covers the last window (rate and latencies) with running totals for the
 * counts; the final report ({@code complete}) covers the whole check-in phase.
 *
 * @param complete          whether this is the final report
 * @param elapsed           time since check-ins began (0 while enrolling)
 * @param window            the time the rate and latencies cover
 * @param agents            agents asked for
 * @param enrolled          agents enrolled so far
 * @param enrollFailures    enrolments that failed
 * @param enrollTime        how long enrolment took (so far)
 * @param checkins          acknowledged check-ins so far
 * @param checkinsPerSecond acknowledged check-ins per second over the window
 * @param p50Millis         median check-in latency over the window, ms
 * @param p99Millis         99th percentile, ms
 * @param maxMillis         maximum, ms
 * @param errors            failed calls so far by {@link AgentError.Kind} (enrolment failures prefixed "enroll ")
 * @param tasksExecuted     tasks the agents ran so far
 */
public record SwarmReport(boolean complete, Duration elapsed, Duration window, int agents, int enrolled,
                          long enrollFailures, Duration enrollTime, long checkins, double checkinsPerSecond,
                          double p50Millis, double p99Millis, double maxMillis, Map<String, Long> errors,
                          long tasksExecuted) {

    public SwarmReport {
        errors = Map.copyOf(errors);
    }

    /** All errors, enrolment included. */
    public long errorCount() {
        return errors.values().stream().mapToLong(Long::longValue).sum();
    }

    /** The report as JSON, durations in seconds, for benchmarks and scripts. */
    public JsonObject toJson() {
        JsonObject errorObject = new JsonObject();
        errors.forEach(errorObject::put);
        return new JsonObject()
                .put("complete", complete)
                .put("elapsedSeconds", seconds(elapsed))
                .put("windowSeconds", seconds(window))
                .put("agents", agents)
                .put("enrolled", enrolled)
                .put("enrollFailures", enrollFailures)
                .put("enrollSeconds", seconds(enrollTime))
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
        String head = complete
                ? String.format(Locale.ROOT, "swarm done: %d/%d agents enrolled in %.1f s, check-ins for %.1f s:",
                        enrolled, agents, seconds(enrollTime), seconds(elapsed))
                : String.format(Locale.ROOT, "[%6.1f s] %d/%d enrolled |", seconds(elapsed), enrolled, agents);
        return String.format(Locale.ROOT, "%s %d check-ins, %.1f/s | latency p50 %.2f ms, p99 %.2f ms, max %.2f ms | "
                + "tasks %d | %s", head, checkins, checkinsPerSecond, p50Millis, p99Millis, maxMillis, tasksExecuted, errorText);
    }

    private static double seconds(Duration duration) {
        return duration.toNanos() / 1e9;
    }
}
