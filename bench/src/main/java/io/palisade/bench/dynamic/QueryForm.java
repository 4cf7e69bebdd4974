package io.palisade.bench.dynamic;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * How a predicate is evaluated: as a bare count, or as the query that fills a new dynamic group under a static
 * parent (group-service's MembershipEngine: the devices of the parent's static subtree that match), here with
 * {@code All} as the parent, so over every device. The scope takes {@code $1} and {@code $2}; a compiled rule's
 * placeholders start at {@link #firstRuleParameter()}.
 */
enum QueryForm {
    COUNT("count") {
        @Override
        String sql(String predicate) {
            return "select count(*) from device d where " + predicate;
        }

        @Override
        List<Object> scope() {
            return List.of();
        }

        @Override
        long consume(ResultSet rs) throws SQLException {
            rs.next();
            return rs.getLong(1);
        }
    },
    FILL("fill") {
        @Override
        String sql(String predicate) {
            return "select d.id from device d where d.static_group_id in (select g.id from group_node g"
                    + " where g.kind = 'STATIC' and g.group_path >= $1 and g.group_path < $2) and " + predicate;
        }

        @Override
        List<Object> scope() {
            return List.of(ALL_PATH, ALL_PATH.substring(0, ALL_PATH.length() - 1) + (char) ('/' + 1));
        }

        @Override
        long consume(ResultSet rs) throws SQLException {
            long rows = 0;
            while (rs.next()) {
                if (rs.getObject(1) != null) {
                    rows++;
                }
            }
            return rows;
        }
    };

    private static final String ALL_PATH = "/00000000-0000-0000-0000-000000000001/";

    private final String label;

    QueryForm(String label) {
        this.label = label;
    }

    String label() {
        return label;
    }

    /** The statement around a predicate over {@code device d}. */
    abstract String sql(String predicate);

    /** The values of the scope's placeholders ($1, $2, …). */
    abstract List<Object> scope();

    int firstRuleParameter() {
        return scope().size() + 1;
    }

    /** Reads the whole result; answers the number of members. */
    abstract long consume(ResultSet rs) throws SQLException;
}
