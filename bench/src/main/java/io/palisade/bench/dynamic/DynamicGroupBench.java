package io.palisade.bench.dynamic;

import io.palisade.group.dynamic.rule.SqlPredicate;
import io.palisade.local.LocalPostgres;

import java.io.PrintStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;

/**
 * Issue 3, Performance (a): the full evaluation of a new dynamic-group template over 1,000,000 devices of 10,000
 * customers, divided by the time of the same predicate written by hand in SQL, in the same run (target &le; 1.2).
 *
 * <p>Starts an embedded PostgreSQL 17 ({@link LocalPostgres}; a temporary data directory unless {@code -Ddata=} names
 * one, where a loaded fleet is kept for the next run), loads the fleet
 * ({@link FleetLoader}), checks that each template and its hand-written twin select exactly the same devices (and
 * that the template's SQL agrees with the in-memory evaluator on a sample), then
 * times both as a count and as the membership fill of a new group under {@code All}: warm-ups, then alternating
 * runs, medians. Exits 1 if a template and its twin disagree.
 *
 * <p>JDBC runs with {@code prepareThreshold=0}: every execution is planned with its parameter values (a custom
 * plan), as group-service's one-shot Vert.x prepared queries are.
 */
public final class DynamicGroupBench {
    static final double TARGET = 1.2;
    private static final String DATABASE = "bench";
    private static final int IN_MEMORY_SAMPLE = 20_000;

    private final BenchConfig config;
    private final PrintStream out;

    private DynamicGroupBench(BenchConfig config, PrintStream out) {
        this.config = config;
        this.out = out;
    }

    public static void main(String[] args) throws Exception {
        BenchConfig config = BenchConfig.fromSystemProperties();
        boolean agreed;
        try (LocalPostgres pg = LocalPostgres.start(config.dataDirectory(), 0)) {
            pg.createDatabaseIfMissing(DATABASE);
            Properties properties = new Properties();
            properties.setProperty("user", pg.username());
            properties.setProperty("password", pg.password());
            properties.setProperty("prepareThreshold", "0");
            try (Connection db = DriverManager.getConnection(pg.jdbcUrl(DATABASE), properties)) {
                agreed = new DynamicGroupBench(config, System.out).run(db);
            }
        }
        System.exit(agreed ? 0 : 1);
    }

    private boolean run(Connection db) throws SQLException {
        out.printf("Loading %,d devices of %,d customers into an embedded PostgreSQL%n", config.devices(),
                config.customers());
        long t0 = System.nanoTime();
        if (new FleetLoader(db, config, out).loadUnlessPresent()) {
            out.printf("  loaded in %.1f s%n", FleetLoader.seconds(t0));
        }
        out.println();
        environment(db);

        Evaluations evaluations = new Evaluations(db);
        boolean agreed = true;
        for (Scenario scenario : Scenario.all()) {
            SqlPredicate compiled = Evaluations.compile(scenario, QueryForm.COUNT);
            long[] check = evaluations.disagreements(scenario);
            int sample = Math.min(config.devices(), IN_MEMORY_SAMPLE);
            long inMemory = evaluations.inMemoryDisagreements(scenario, sample);
            out.printf("%s: %s%n  compiled:   %s%n  parameters: %s%n  by hand:    %s%n  members: %,d; devices where"
                            + " template and hand-written SQL disagree: %,d; where SQL and in-memory evaluation"
                            + " disagree: %,d of %,d%n  parse + compile + $n translation: %.1f µs%n%n",
                    scenario.name(), scenario.description(), compiled.sql(), show(compiled.parameters()),
                    scenario.byHand().replaceAll("\\s+", " "), check[1], check[0], inMemory, sample,
                    Evaluations.compileMicros(scenario));
            agreed &= check[0] == 0 && inMemory == 0;
        }
        if (!agreed) {
            out.println("FAILED: a template, its hand-written SQL and the in-memory evaluator do not select the same"
                    + " devices; not timing.");
            return false;
        }

        // -1: the server's setting; 0: serial, which is how group-service fills a group (its statement is a writable
        // CTE, and PostgreSQL never plans a parallel query for a statement that writes)
        List<Integer> passes = config.workers() >= 0 ? List.of(config.workers()) : List.of(-1, 0);
        for (int workers : passes) {
            try (Statement s = db.createStatement()) {
                s.execute(workers < 0 ? "reset max_parallel_workers_per_gather"
                        : "set max_parallel_workers_per_gather = " + workers);
            }
            String setting = currentWorkers(db);
            out.printf("%nMeasuring with max_parallel_workers_per_gather = %s%s%n", setting,
                    "0".equals(setting) ? " (serial, as group-service's fill statement always runs)" : "");
            String loadBefore = loadAverage();
            List<Comparison> comparisons = new ArrayList<>();
            for (Scenario scenario : Scenario.all()) {
                for (QueryForm form : QueryForm.values()) {
                    comparisons.add(measure(evaluations, scenario, form));
                }
            }
            report(comparisons, setting);
            out.printf("machine load average (1, 5, 15 min) before measuring: %s; after: %s%n", loadBefore,
                    loadAverage());
            if (Boolean.getBoolean("explain")) {
                for (Scenario scenario : Scenario.all()) {
                    for (QueryForm form : QueryForm.values()) {
                        out.printf("%n%s, %s, template:%n%s", scenario.name(), form.label(),
                                evaluations.explainAnalyze(Evaluations.templateQuery(scenario, form)));
                        out.printf("%s, %s, by hand:%n%s", scenario.name(), form.label(),
                                evaluations.explainAnalyze(Evaluations.byHandQuery(scenario, form)));
                    }
                }
            }
        }
        return true;
    }

    private Comparison measure(Evaluations evaluations, Scenario scenario, QueryForm form) throws SQLException {
        for (int i = 0; i < config.warmups(); i++) {
            evaluations.template(scenario, form);
            evaluations.byHand(scenario, form);
        }
        double[] template = new double[config.runs()];
        double[] byHand = new double[config.runs()];
        long members = -1;
        for (int run = 0; run < config.runs(); run++) {
            // alternate which goes first, so neither always runs on the other's cache state
            boolean templateFirst = run % 2 == 0;
            long[] found = new long[2];
            for (int k = 0; k < 2; k++) {
                boolean isTemplate = (k == 0) == templateFirst;
                long t0 = System.nanoTime();
                long n = isTemplate ? evaluations.template(scenario, form) : evaluations.byHand(scenario, form);
                double ms = (System.nanoTime() - t0) / 1e6;
                if (isTemplate) {
                    template[run] = ms;
                    found[0] = n;
                } else {
                    byHand[run] = ms;
                    found[1] = n;
                }
            }
            if (found[0] != found[1] || (members >= 0 && found[0] != members)) {
                throw new IllegalStateException(scenario.name() + " " + form.label() + ": template found " + found[0]
                        + ", by hand " + found[1]);
            }
            members = found[0];
        }
        Comparison c = new Comparison(scenario, form, members, template, byHand,
                evaluations.deviceAccess(Evaluations.templateQuery(scenario, form)),
                evaluations.deviceAccess(Evaluations.byHandQuery(scenario, form)));
        out.printf("  measured %-24s %-5s template %s ms, by hand %s ms%n", scenario.name(), form.label(),
                times(template), times(byHand));
        return c;
    }

    private void environment(Connection db) throws SQLException {
        try (Statement s = db.createStatement();
             ResultSet rs = s.executeQuery("""
                     select current_setting('server_version'), current_setting('shared_buffers'),
                            current_setting('work_mem'), current_setting('max_parallel_workers_per_gather'),
                            current_setting('jit'), pg_jit_available(),
                            pg_size_pretty(pg_relation_size('device')), pg_size_pretty(pg_indexes_size('device')),
                            (select count(*) from group_node), (select count(*) from device)""")) {
            rs.next();
            out.printf("PostgreSQL %s: shared_buffers %s, work_mem %s, max_parallel_workers_per_gather %s, jit %s"
                            + " (available: %s); %d CPUs; device table %s + indexes %s; %,d groups, %,d devices%n%n",
                    rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                    rs.getBoolean(6), Runtime.getRuntime().availableProcessors(), rs.getString(7), rs.getString(8),
                    rs.getLong(9), rs.getLong(10));
        }
    }

    private static String currentWorkers(Connection db) throws SQLException {
        try (Statement s = db.createStatement();
             ResultSet rs = s.executeQuery("select current_setting('max_parallel_workers_per_gather')")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private void report(List<Comparison> comparisons, String workers) {
        out.printf("%nTemplate (parse + compile + query) vs the same predicate by hand: median of %d alternating runs"
                + " after %d warm-ups, ms%n", config.runs(), config.warmups());
        out.printf("%,d devices, %,d customers, max_parallel_workers_per_gather = %s%n%n", config.devices(),
                config.customers(), workers);
        String format = "%-24s %-5s %10s %10s %10s %7s %7s   %s%n";
        out.printf(format, "scenario", "form", "members", "template", "by hand", "ratio", "(best)",
                "device access (template | by hand, where the plans differ)");
        Comparison worst = null;
        for (Comparison c : comparisons) {
            String plans = String.join(" + ", c.templatePlan());
            if (!c.templatePlan().equals(c.byHandPlan())) {
                plans += "  |  " + String.join(" + ", c.byHandPlan());
            }
            out.printf(format, c.scenario().name(), c.form().label(), "%,d".formatted(c.members()),
                    "%.1f".formatted(c.templateMedian()), "%.1f".formatted(c.byHandMedian()),
                    "%.2f".formatted(c.ratio()), "%.2f".formatted(c.bestRatio()), plans);
            if (worst == null || c.ratio() > worst.ratio()) {
                worst = c;
            }
        }
        out.println("ratio = median template / median by hand; (best) = fastest template / fastest by hand");
        out.println();
        for (Comparison c : comparisons) {
            if (c.form() == QueryForm.FILL) {
                out.printf("ratio %-24s %.2f  (full evaluation of a new group: parse, compile, fill query)%n",
                        c.scenario().name(), c.ratio());
            }
        }
        if (worst != null) {
            out.printf("worst ratio %.2f (%s, %s): target <= %.1f %s%n", worst.ratio(), worst.scenario().name(),
                    worst.form().label(), TARGET, worst.ratio() <= TARGET ? "met" : "NOT MET");
        }
    }

    /** The first three fields of /proc/loadavg: other work on the machine skews the times (and favours parallel plans). */
    private static String loadAverage() {
        try {
            String[] fields = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim().split("\\s+");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (java.io.IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static String times(double[] ms) {
        return Arrays.stream(ms).mapToObj("%.0f"::formatted).reduce((a, b) -> a + " " + b).orElse("");
    }

    private static String show(List<Object> parameters) {
        return parameters.stream()
                .map(p -> p instanceof Object[] a ? Arrays.toString(a) : p instanceof String s ? "'" + s + "'" : String.valueOf(p))
                .toList().toString();
    }
}
