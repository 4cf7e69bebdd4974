package io.palisade.group.dynamic.rule;

import java.util.List;

/**
 * A compiled rule: a parenthesised SQL boolean expression over the device table and its parameters, in the order of
 * their placeholders ({@code $n} numbered from the first index given to {@link SqlCompiler}, or {@code ?}).
 *
 * <p>{@link #sql()} is meant for WHERE / ON / CASE WHEN: it is TRUE exactly for the devices the rule matches; for the
 * others it is FALSE or NULL. Where a real boolean is needed (a select list, under NOT, in a comparison) use
 * {@link #booleanSql()}, or compile the negation with {@link SqlCompiler#compileNot}.
 *
 * @param sql        the expression, in parentheses
 * @param parameters String, Long, String[] (bound as text[]) and Long[] (bound as bigint[]), never null
 */
public record SqlPredicate(String sql, List<Object> parameters) {
    public SqlPredicate {
        parameters = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(parameters));
    }

    /** {@code coalesce(<sql>, false)}: never NULL, so it also works under NOT and in select lists. */
    public String booleanSql() {
        return "coalesce(" + sql + ", false)";
    }
}
