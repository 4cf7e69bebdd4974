package io.palisade.migration.apply;

import jakarta.enterprise.context.ApplicationScoped;
import io.palisade.migration.common.MigrationSettings;

/**
 * Test hook: makes the apply job stop dead at a chosen point, as if the process were killed there (no status is
 * written, the lease simply runs out). Disarmed, and refused unless {@code palisade.migration.crash-points-enabled}
 * is true, which only the test profile sets.
 */
@ApplicationScoped
public class CrashPoints {

    /** Where a job may be stopped: before the remote call (after ATTEMPTED is recorded) or after it (before DONE). */
    public enum Point { BEFORE_CALL, AFTER_CALL }

    /** Thrown at an armed point; the runner lets the job die without a word, like a killed process. */
    public static final class SimulatedCrash extends RuntimeException {
        SimulatedCrash(String where) {
            super("simulated crash " + where, null, false, false);
        }
    }

    private final boolean enabled;
    private volatile String armed;

    public CrashPoints(MigrationSettings settings) {
        this.enabled = settings.crashPointsEnabled();
    }

    /** Arms one crash at the {@code point} of the item {@code kind}/{@code legacyId}. */
    public void arm(String kind, String legacyId, Point point) {
        if (!enabled) {
            throw new IllegalStateException("crash points are disabled");
        }
        armed = kind + "/" + legacyId + "/" + point;
    }

    void check(JobItem item, Point point) {
        String here = item.kind() + "/" + item.legacyId() + "/" + point;
        if (enabled && here.equals(armed)) {
            armed = null;
            throw new SimulatedCrash(here);
        }
    }
}
