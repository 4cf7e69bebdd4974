package io.palisade.bench.dynamic;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.palisade.group.dynamic.rule.DeviceFacts;
import io.palisade.group.dynamic.rule.Rule;
import io.palisade.group.dynamic.rule.RuleEvaluator;
import io.palisade.group.dynamic.rule.RuleParser;
import io.palisade.group.dynamic.rule.SqlCompiler;
import io.palisade.group.dynamic.rule.SqlPredicate;

import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Evaluates a scenario's template and its hand-written twin over one connection. A template evaluation is what
 * group-service does for a new template, all of it timed: parse and validate the rule JSON, compile it, bind the
 * parameters, run the query and read every row.
 */
final class Evaluations {
    /** A device-table access in a text plan: "Parallel Seq Scan on device d", "Bitmap Index Scan on device_tags_idx". */
    private static final Pattern DEVICE_ACCESS =
            Pattern.compile("((?:Parallel )?(?:Seq|Index Only|Index|Bitmap Heap|Bitmap Index) Scan)"
                    + "(?: using (\\w+))? on (device_\\w+|device)\\b");

    private final Connection db;

    Evaluations(Connection db) {
        this.db = db;
    }

    /** The template's predicate as compiled for this form. */
    static SqlPredicate compile(Scenario scenario, QueryForm form) {
        return SqlCompiler.compile(rule(scenario), "d", form.firstRuleParameter());
    }

    /** The template's rule, parsed and validated from its JSON. */
    static Rule rule(Scenario scenario) {
        try {
            return RuleParser.parse(BenchJson.MAPPER.readTree(scenario.template()));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    static PositionalSql templateQuery(Scenario scenario, QueryForm form) {
        SqlPredicate predicate = compile(scenario, form);
        List<Object> parameters = new ArrayList<>(form.scope());
        parameters.addAll(predicate.parameters());
        return PositionalSql.from(form.sql(predicate.sql()), parameters);
    }

    static PositionalSql byHandQuery(Scenario scenario, QueryForm form) {
        return PositionalSql.from(form.sql("(" + scenario.byHand() + ")"), form.scope());
    }

    /** Mean microseconds to parse, validate and compile the template and translate its placeholders (warm JVM). */
    static double compileMicros(Scenario scenario) {
        int iterations = 20_000;
        long sink = 0;
        for (int i = 0; i < iterations; i++) {
            sink += templateQuery(scenario, QueryForm.FILL).sql().length();
        }
        long t0 = System.nanoTime();
        for (int i = 0; i < iterations; i++) {
            sink += templateQuery(scenario, QueryForm.FILL).sql().length();
        }
        double micros = (System.nanoTime() - t0) / 1e3 / iterations;
        return sink == 0 ? Double.NaN : micros;
    }

    /** Runs the template from its JSON; answers the members found. */
    long template(Scenario scenario, QueryForm form) throws SQLException {
        return run(templateQuery(scenario, form), form);
    }

    long byHand(Scenario scenario, QueryForm form) throws SQLException {
        return run(byHandQuery(scenario, form), form);
    }

    private long run(PositionalSql query, QueryForm form) throws SQLException {
        try (PreparedStatement statement = query.prepare(db); ResultSet rs = statement.executeQuery()) {
            return form.consume(rs);
        }
    }

    /**
     * Devices where the template and the hand-written predicate disagree (must be none), and the template's members:
     * {@code [disagreeing, members]}.
     */
    long[] disagreements(Scenario scenario) throws SQLException {
        SqlPredicate predicate = compile(scenario, QueryForm.COUNT);
        String sql = "select count(*) filter (where " + predicate.booleanSql() + " <> coalesce((" + scenario.byHand()
                + "), false)), count(*) filter (where " + predicate.booleanSql() + ") from device d";
        // the compiled predicate appears twice: PositionalSql binds each occurrence of $n
        try (PreparedStatement statement = PositionalSql.from(sql, predicate.parameters()).prepare(db);
             ResultSet rs = statement.executeQuery()) {
            rs.next();
            return new long[] {rs.getLong(1), rs.getLong(2)};
        }
    }

    /**
     * Devices of a sample (the first {@code sample} by id) where the template's SQL and the in-memory evaluator
     * ({@link RuleEvaluator} over {@code DeviceFacts.from(inventory)}, group-service's incremental path) disagree.
     */
    long inMemoryDisagreements(Scenario scenario, int sample) throws SQLException {
        SqlPredicate predicate = compile(scenario, QueryForm.COUNT);
        Rule rule = rule(scenario);
        String sql = "select d.inventory::text, " + predicate.booleanSql() + " from device d order by d.id limit "
                + sample;
        long disagreeing = 0;
        try (PreparedStatement statement = PositionalSql.from(sql, predicate.parameters()).prepare(db);
             ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                boolean inMemory = RuleEvaluator.matches(rule, DeviceFacts.from(BenchJson.MAPPER.readTree(rs.getString(1))));
                if (inMemory != rs.getBoolean(2)) {
                    disagreeing++;
                }
            }
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        return disagreeing;
    }

    /** The device-table accesses of the query's plan, e.g. ["Parallel Seq Scan"] or ["Bitmap Index Scan device_tags_idx"]. */
    List<String> deviceAccess(PositionalSql query) throws SQLException {
        List<String> accesses = new ArrayList<>();
        PositionalSql explain = new PositionalSql("explain (costs off) " + query.sql(), query.values());
        try (PreparedStatement statement = explain.prepare(db); ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                Matcher m = DEVICE_ACCESS.matcher(rs.getString(1));
                if (m.find()) {
                    String index = m.group(2) != null ? m.group(2) : m.group(3).startsWith("device_") ? m.group(3) : null;
                    accesses.add(index == null ? m.group(1) : m.group(1) + " " + index);
                }
            }
        }
        return accesses;
    }

    /** The full text plan with actual times (EXPLAIN ANALYZE), for a closer look. */
    String explainAnalyze(PositionalSql query) throws SQLException {
        StringBuilder plan = new StringBuilder();
        PositionalSql explain = new PositionalSql("explain (analyze, buffers, timing off) " + query.sql(), query.values());
        try (PreparedStatement statement = explain.prepare(db); ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                plan.append("    ").append(rs.getString(1)).append('\n');
            }
        }
        return plan.toString();
    }
}
