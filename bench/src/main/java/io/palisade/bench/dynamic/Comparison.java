package io.palisade.bench.dynamic;

import java.util.Arrays;
import java.util.List;

/**
 * The measured runs of one scenario in one query form: milliseconds of each run of the template and of the
 * hand-written query, the members both found, and the device access of both plans.
 */
record Comparison(Scenario scenario, QueryForm form, long members, double[] templateMs, double[] byHandMs,
                  List<String> templatePlan, List<String> byHandPlan) {

    double templateMedian() {
        return median(templateMs);
    }

    double byHandMedian() {
        return median(byHandMs);
    }

    /** Median template time ÷ median hand-written time. */
    double ratio() {
        return templateMedian() / byHandMedian();
    }

    /** Fastest template run ÷ fastest hand-written run: less sensitive to other load on the machine. */
    double bestRatio() {
        return min(templateMs) / min(byHandMs);
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    static double min(double[] values) {
        return Arrays.stream(values).min().orElse(Double.NaN);
    }
}
