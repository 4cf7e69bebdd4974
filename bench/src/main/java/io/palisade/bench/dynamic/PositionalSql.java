package io.palisade.bench.dynamic;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * A statement written with PostgreSQL / Vert.x {@code $n} placeholders, rewritten for JDBC: every {@code $n} becomes
 * {@code ?} and the values are bound in order of appearance, so a placeholder that repeats or comes out of numeric
 * order is bound once per occurrence with the n-th value. A literal {@code ?} (the jsonb operator) is doubled, as
 * pgjdbc expects. Text in string literals, quoted identifiers, dollar-quoted strings and comments is left alone.
 *
 * @param sql    the statement with {@code ?} placeholders
 * @param values the value for each {@code ?}, in order
 */
public record PositionalSql(String sql, List<Object> values) {

    public PositionalSql {
        Objects.requireNonNull(sql, "sql");
        values = java.util.Collections.unmodifiableList(new ArrayList<>(values));
    }

    /**
     * Rewrites {@code dollarSql}, where {@code $n} stands for {@code parameters.get(n - 1)}.
     *
     * @throws IllegalArgumentException if a placeholder has no value, or a literal or comment is not closed
     */
    public static PositionalSql from(String dollarSql, List<?> parameters) {
        StringBuilder out = new StringBuilder(dollarSql.length());
        List<Object> values = new ArrayList<>();
        int n = dollarSql.length();
        int i = 0;
        while (i < n) {
            char c = dollarSql.charAt(i);
            if (c == '\'' || c == '"') {
                boolean escapes = c == '\'' && i > 0 && (dollarSql.charAt(i - 1) == 'E' || dollarSql.charAt(i - 1) == 'e')
                        && !(i > 1 && identifierPart(dollarSql.charAt(i - 2)));
                int end = closingQuote(dollarSql, i, c, escapes);
                out.append(dollarSql, i, end);
                i = end;
            } else if (c == '-' && i + 1 < n && dollarSql.charAt(i + 1) == '-') {
                int end = dollarSql.indexOf('\n', i);
                end = end < 0 ? n : end + 1;
                out.append(dollarSql, i, end);
                i = end;
            } else if (c == '/' && i + 1 < n && dollarSql.charAt(i + 1) == '*') {
                int end = blockCommentEnd(dollarSql, i);
                out.append(dollarSql, i, end);
                i = end;
            } else if (c == '?') {
                out.append("??");
                i++;
            } else if (c == '$' && !(i > 0 && identifierPart(dollarSql.charAt(i - 1)))) {
                int digits = i + 1;
                while (digits < n && Character.isDigit(dollarSql.charAt(digits))) {
                    digits++;
                }
                if (digits > i + 1) {
                    int index = Integer.parseInt(dollarSql.substring(i + 1, digits));
                    if (index < 1 || index > parameters.size()) {
                        throw new IllegalArgumentException("$" + index + " has no value (" + parameters.size()
                                + " given)");
                    }
                    values.add(parameters.get(index - 1));
                    out.append('?');
                    i = digits;
                } else {
                    int end = dollarQuoteEnd(dollarSql, i);
                    out.append(dollarSql, i, end);
                    i = end;
                }
            } else {
                out.append(c);
                i++;
            }
        }
        return new PositionalSql(out.toString(), values);
    }

    /** Prepares the statement and binds the values: String, Long, Integer, UUID, String[] (text[]), Long[] (int8[]). */
    public PreparedStatement prepare(Connection connection) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        try {
            bind(connection, statement);
            return statement;
        } catch (SQLException | RuntimeException e) {
            statement.close();
            throw e;
        }
    }

    /** Binds the values to a statement prepared from {@link #sql()} (e.g. for each row of a batch). */
    public void bind(Connection connection, PreparedStatement statement) throws SQLException {
        for (int k = 0; k < values.size(); k++) {
            bind(connection, statement, k + 1, values.get(k));
        }
    }

    private static void bind(Connection connection, PreparedStatement statement, int index, Object value)
            throws SQLException {
        if (value == null) {
            statement.setObject(index, null);
        } else if (value instanceof String s) {
            statement.setString(index, s);
        } else if (value instanceof Long l) {
            statement.setLong(index, l);
        } else if (value instanceof Integer v) {
            statement.setInt(index, v);
        } else if (value instanceof UUID u) {
            statement.setObject(index, u);
        } else if (value instanceof String[] a) {
            statement.setArray(index, connection.createArrayOf("text", a));
        } else if (value instanceof Long[] a) {
            statement.setArray(index, connection.createArrayOf("int8", a));
        } else {
            throw new IllegalArgumentException("cannot bind a " + value.getClass().getName() + " to parameter " + index);
        }
    }

    private static boolean identifierPart(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '$';
    }

    /**
     * The index after the quote that closes the literal starting at {@code start}: a doubled quote is an escape, and
     * so is a backslash in an {@code E'...'} string.
     */
    private static int closingQuote(String sql, int start, char quote, boolean backslashEscapes) {
        int i = start + 1;
        while (i < sql.length()) {
            if (backslashEscapes && sql.charAt(i) == '\\') {
                i += 2;
                continue;
            }
            if (sql.charAt(i) == quote) {
                if (i + 1 < sql.length() && sql.charAt(i + 1) == quote) {
                    i += 2;
                    continue;
                }
                return i + 1;
            }
            i++;
        }
        throw new IllegalArgumentException("unterminated " + quote + " literal at " + start);
    }

    private static int blockCommentEnd(String sql, int start) {
        int depth = 0;
        int i = start;
        while (i + 1 < sql.length()) {
            if (sql.charAt(i) == '/' && sql.charAt(i + 1) == '*') {
                depth++;
                i += 2;
            } else if (sql.charAt(i) == '*' && sql.charAt(i + 1) == '/') {
                depth--;
                i += 2;
                if (depth == 0) {
                    return i;
                }
            } else {
                i++;
            }
        }
        throw new IllegalArgumentException("unterminated comment at " + start);
    }

    /** A {@code $tag$ ... $tag$} string from {@code start}; a lone {@code $} is just copied. */
    private static int dollarQuoteEnd(String sql, int start) {
        int i = start + 1;
        while (i < sql.length() && (Character.isLetterOrDigit(sql.charAt(i)) || sql.charAt(i) == '_')) {
            i++;
        }
        if (i >= sql.length() || sql.charAt(i) != '$') {
            return start + 1;
        }
        String tag = sql.substring(start, i + 1);
        int close = sql.indexOf(tag, i + 1);
        if (close < 0) {
            throw new IllegalArgumentException("unterminated " + tag + " string at " + start);
        }
        return close + tag.length();
    }
}
