package io.palisade.group.dynamic.rule;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Compiles a {@link Rule} to one SQL boolean expression over the device table (the fact columns of
 * {@link DeviceFacts#columns()}) that selects exactly the devices {@link RuleEvaluator} matches.
 *
 * <p>Values are always parameters, never SQL text. The expression is built in negation normal form: NAND / NOR and
 * the negative list operators (NE, NOT_EXISTS) are pushed down to the conditions with De Morgan's laws, so a
 * condition appears either positively, in a form that may be NULL only where the in-memory answer is false and that
 * can use the indexes (btree on os_platform: {@code d.os_platform = $1::text}; GIN on tags and product_names:
 * {@code d.tags @> ARRAY[$1::text]}, {@code d.tags && $1::text[]}), or negated as {@code NOT coalesce(..., false)}.
 * Because AND and OR are monotone, a NULL positive condition acts as false, and the whole expression is TRUE
 * exactly when the rule matches. It can be NULL for a non-matching device: see {@link SqlPredicate}.
 *
 * <p>Parameter types: String (cast {@code ::text}), Long ({@code ::bigint}), String[] ({@code ::text[]}, for
 * network.ipv4 {@code ::text[]::cidr[]}), Long[] ({@code ::bigint[]}); the casts are in the SQL so that the
 * Vert.x PostgreSQL client and JDBC bind them as they are.
 *
 * <p>Requirements on the database: UTF-8 encoding (regex and LIKE work on characters); nothing depends on its
 * collation (orderings use {@code COLLATE "C"} explicitly, regexes use explicit code points and {@code ~}).
 */
public final class SqlCompiler {
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final int MAX_REGEX_INPUT = SafeRegex.MAX_INPUT_CODE_POINTS;

    /** How placeholders are written. */
    public enum Placeholders {
        /** {@code $1, $2, ...} (PostgreSQL, Vert.x). */
        DOLLAR,
        /** {@code ?} (JDBC). */
        QUESTION_MARK
    }

    private final String alias;
    private final String element;
    private final Placeholders style;
    private int next;
    private final List<Object> parameters = new ArrayList<>();

    private SqlCompiler(String alias, int firstParameterIndex, Placeholders style) {
        if (!IDENTIFIER.matcher(Objects.requireNonNull(alias, "alias")).matches()) {
            throw new IllegalArgumentException("alias must be an SQL identifier: " + alias);
        }
        if (firstParameterIndex < 1) {
            throw new IllegalArgumentException("parameters are numbered from 1");
        }
        this.alias = alias;
        this.element = "x_" + alias;
        this.next = firstParameterIndex;
        this.style = Objects.requireNonNull(style, "style");
    }

    /**
     * The rule as a predicate over {@code <alias>.*} with {@code $n} placeholders from {@code firstParameterIndex}.
     */
    public static SqlPredicate compile(Rule rule, String alias, int firstParameterIndex) {
        return compile(rule, alias, firstParameterIndex, false, Placeholders.DOLLAR);
    }

    /** The negation of the rule (TRUE exactly for the devices the rule does not match), like {@link #compile}. */
    public static SqlPredicate compileNot(Rule rule, String alias, int firstParameterIndex) {
        return compile(rule, alias, firstParameterIndex, true, Placeholders.DOLLAR);
    }

    /** The general form: optionally negated, with either placeholder style ({@code firstParameterIndex} is then ignored for {@code ?}). */
    public static SqlPredicate compile(Rule rule, String alias, int firstParameterIndex, boolean negate,
                                       Placeholders style) {
        SqlCompiler compiler = new SqlCompiler(alias, firstParameterIndex, style);
        String sql = compiler.node(Objects.requireNonNull(rule, "rule"), negate);
        return new SqlPredicate("(" + sql + ")", compiler.parameters);
    }

    // -------------------------------------------------------------------------------------------------------- tree

    private String node(Rule rule, boolean negated) {
        if (rule instanceof Rule.Condition c) {
            return condition(c, negated);
        }
        Rule.Group g = (Rule.Group) rule;
        boolean negateChildren = negated != g.op().negated();
        // NOT (a AND b) = NOT a OR NOT b; NOT (a OR b) = NOT a AND NOT b
        boolean and = g.op().conjunctive() != negateChildren;
        if (g.rules().isEmpty()) {
            return and ? "TRUE" : "FALSE";
        }
        if (g.rules().size() == 1) {
            return node(g.rules().get(0), negateChildren);
        }
        StringBuilder out = new StringBuilder("(");
        for (int i = 0; i < g.rules().size(); i++) {
            if (i > 0) {
                out.append(and ? " AND " : " OR ");
            }
            out.append(node(g.rules().get(i), negateChildren));
        }
        return out.append(')').toString();
    }

    private String condition(Rule.Condition c, boolean negated) {
        Attribute attribute = c.attribute();
        String column = alias + "." + attribute.column();
        Operator op = c.operator();
        if (!attribute.type().list()) {
            if (op == Operator.EXISTS || op == Operator.NOT_EXISTS) {
                return column + ((op == Operator.EXISTS) != negated ? " IS NOT NULL" : " IS NULL");
            }
            return polarity(scalar(c, column), negated);
        }
        String nonEmpty = "cardinality(" + column + ") > 0";
        String empty = "coalesce(cardinality(" + column + "), 0) = 0";
        return switch (op) {
            case EXISTS -> negated ? empty : nonEmpty;
            case NOT_EXISTS -> negated ? nonEmpty : empty;
            // NE on a list is NOT EQ
            case NE -> polarity(list(new Rule.Condition(attribute, Operator.EQ, c.value()), column), !negated);
            default -> polarity(list(c, column), negated);
        };
    }

    private static String polarity(String positive, boolean negated) {
        return negated ? "NOT coalesce(" + positive + ", false)" : positive;
    }

    // ----------------------------------------------------------------------------------------------------- scalars

    private String scalar(Rule.Condition c, String column) {
        Operator op = c.operator();
        AttributeType type = c.attribute().type();
        if (type == AttributeType.NUMBER) {
            if (op == Operator.IN) {
                Long[] values = ((List<?>) c.value()).stream().map(v -> ((Number) v).longValue()).toArray(Long[]::new);
                return column + " = ANY (" + param(values, "::bigint[]") + ")";
            }
            return column + " " + sqlOperator(op) + " " + param(((Number) c.value()).longValue(), "::bigint");
        }
        if (op == Operator.REGEX) {
            return regex(column, c.value());
        }
        if (op.substring()) {
            return column + " LIKE " + param(Texts.likePattern(op, Texts.lower((String) c.value())), "::text");
        }
        if (type.versioned()) {
            String key = alias + "." + c.attribute().keyColumn().orElseThrow();
            if (op == Operator.IN) {
                return key + " = ANY (" + param(versionKeys(c.value()), "::text[]") + ")";
            }
            String value = Texts.versionKey(Texts.lower((String) c.value()));
            if (op.ordering()) {
                return key + " " + sqlOperator(op) + " (" + param(value, "::text") + " COLLATE \"C\")";
            }
            return key + " " + sqlOperator(op) + " " + param(value, "::text");
        }
        // PLATFORM, TEXT: EQ, NE, IN
        if (op == Operator.IN) {
            return column + " = ANY (" + param(lowered(c.value()), "::text[]") + ")";
        }
        return column + " " + sqlOperator(op) + " " + param(Texts.lower((String) c.value()), "::text");
    }

    private String regex(String text, Object pattern) {
        return "(char_length(" + text + ") <= " + MAX_REGEX_INPUT + " AND " + text + " ~ "
                + param(RuleEvaluator.regex(pattern).postgresPattern(), "::text") + ")";
    }

    // ------------------------------------------------------------------------------------------------------- lists

    private String list(Rule.Condition c, String column) {
        Operator op = c.operator();
        AttributeType type = c.attribute().type();
        String each = "EXISTS (SELECT 1 FROM unnest(" + column + ") AS " + element + "(v) WHERE ";
        String v = element + ".v";
        if (type == AttributeType.IPV4_LIST) {
            return switch (op) {
                case EQ -> column + " @> ARRAY[" + param((String) c.value(), "::text") + "::inet]";
                case IN -> each + v + " <<= ANY (" + param(strings(c.value()), "::text[]") + "::cidr[]))";
                case CONTAINS, STARTS_WITH, ENDS_WITH -> each + "host(" + v + ") LIKE "
                        + param(Texts.likePattern(op, Texts.lower((String) c.value())), "::text") + ")";
                case REGEX -> each + regex("host(" + v + ")", c.value()) + ")";
                default -> throw new IllegalArgumentException(op + " on " + c.attribute().jsonName());
            };
        }
        if (op == Operator.REGEX) {
            return each + regex(v, c.value()) + ")";
        }
        if (op.substring()) {
            return each + v + " LIKE " + param(Texts.likePattern(op, Texts.lower((String) c.value())), "::text") + ")";
        }
        boolean versioned = type.versioned();
        String compared = versioned ? alias + "." + c.attribute().keyColumn().orElseThrow() : column;
        if (op == Operator.IN) {
            return compared + " && " + param(versioned ? versionKeys(c.value()) : lowered(c.value()), "::text[]");
        }
        String value = versioned ? Texts.versionKey(Texts.lower((String) c.value())) : Texts.lower((String) c.value());
        if (op == Operator.EQ) {
            return compared + " @> ARRAY[" + param(value, "::text") + "]";
        }
        if (op.ordering() && versioned) {
            // some element e with e < v  <=>  v > ANY (elements)
            return "(" + param(value, "::text") + " COLLATE \"C\") " + sqlOperator(flip(op)) + " ANY (" + compared + ")";
        }
        throw new IllegalArgumentException(op + " on " + c.attribute().jsonName());
    }

    // ----------------------------------------------------------------------------------------------------- helpers

    private String param(Object value, String cast) {
        parameters.add(value);
        String placeholder = style == Placeholders.DOLLAR ? "$" + next++ : "?";
        return placeholder + cast;
    }

    private static String sqlOperator(Operator op) {
        return switch (op) {
            case EQ -> "=";
            case NE -> "<>";
            case LT -> "<";
            case LE -> "<=";
            case GT -> ">";
            case GE -> ">=";
            default -> throw new IllegalArgumentException(op.name());
        };
    }

    private static Operator flip(Operator op) {
        return switch (op) {
            case LT -> Operator.GT;
            case LE -> Operator.GE;
            case GT -> Operator.LT;
            case GE -> Operator.LE;
            default -> op;
        };
    }

    private static String[] strings(Object value) {
        return RuleEvaluator.strings(value).toArray(String[]::new);
    }

    private static String[] lowered(Object value) {
        return RuleEvaluator.strings(value).stream().map(Texts::lower).toArray(String[]::new);
    }

    private static String[] versionKeys(Object value) {
        return RuleEvaluator.strings(value).stream().map(s -> Texts.versionKey(Texts.lower(s))).toArray(String[]::new);
    }
}
