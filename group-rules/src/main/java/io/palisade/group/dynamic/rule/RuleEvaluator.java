package io.palisade.group.dynamic.rule;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Evaluates a {@link Rule} against the {@link DeviceFacts} of one device, in memory. {@link SqlCompiler} gives the
 * same answers in PostgreSQL; the property test {@code SqlAgreesWithMemoryTest} checks that they agree.
 *
 * <h2>Groups</h2>
 * AND / OR of the children; NAND = NOT AND; NOR = NOT OR. With no children AND is true and OR is false (NAND false,
 * NOR true).
 *
 * <h2>Values</h2>
 * <ul>
 * <li>Texts compare case-insensitively: the facts and the rule's values are lower-cased
 *     ({@link java.util.Locale#ROOT}) and then compared exactly (code point by code point; no trimming, no Unicode
 *     normalisation). An empty inventory string counts as absent.</li>
 * <li>Versions (os.version, agent.version, products.version): EQ, NE, IN, LT, LE, GT, GE compare sortable keys: the
 *     lower-cased text split on '.', '-', '_'; all-digit segments without leading zeros and left-padded with zeros to
 *     10 digits, other segments as they are; joined with '.'; keys ordered by code point (PostgreSQL
 *     {@code COLLATE "C"}). So 10.0.19045 &gt; 10.0.9, 1.0 = 1.00 = 1-0, 1.0 &lt; 1.0.1 and 2.0-beta &gt; 2.0.
 *     CONTAINS, STARTS_WITH, ENDS_WITH and REGEX work on the lower-cased text.</li>
 * <li>hardware.ramMb is a whole number (JSON integer); LT..GE, EQ, NE, IN compare numerically.</li>
 * <li>os.platform is stored lower-cased; the rule value is one of WINDOWS, MACOS, LINUX (case-insensitive).</li>
 * <li>network.ipv4: EQ an address; IN a list of addresses and CIDR blocks (an address is in a block when its
 *     first prefix-length bits match); CONTAINS, STARTS_WITH, ENDS_WITH, REGEX on the dotted-quad text.</li>
 * </ul>
 *
 * <h2>Operators, absent values and lists</h2>
 * <table>
 * <caption>Truth of a condition</caption>
 * <tr><th>operator</th><th>scalar attribute</th><th>list attribute (network.ipv4, products.*, tags)</th></tr>
 * <tr><td>EQ, LT, LE, GT, GE, CONTAINS, STARTS_WITH, ENDS_WITH, IN, REGEX</td>
 *     <td>present and satisfies it (absent: false)</td><td>some element satisfies it (absent or empty: false)</td></tr>
 * <tr><td>NE</td><td>present and not equal (absent: false)</td>
 *     <td>no element equals, i.e. NOT EQ (absent or empty: true)</td></tr>
 * <tr><td>EXISTS</td><td>present</td><td>at least one element</td></tr>
 * <tr><td>NOT_EXISTS</td><td>absent</td><td>absent or empty</td></tr>
 * </table>
 *
 * <h2>REGEX</h2>
 * The subset described in {@code SafeRegex} (also listed in the {@link RuleParser} Javadoc), searched anywhere in the text (not anchored unless the pattern says so),
 * case-insensitive by lower-casing, on code points. Texts longer than 4096 code points never match. In memory the
 * pattern runs as a linear-time automaton (no backtracking), so there is no time limit that could make memory and
 * SQL disagree; the cost is bounded by text length &times; pattern size (at most 4096 &times; 1000 atoms).
 */
public final class RuleEvaluator {
    private RuleEvaluator() {
    }

    /**
     * Whether the device's facts satisfy the rule (null facts: a device without inventory, like
     * {@link DeviceFacts#NONE}). Compiles the rule each time; to test many devices use {@link #compile}.
     */
    public static boolean matches(Rule rule, DeviceFacts facts) {
        return compile(rule).test(facts);
    }

    /** A reusable, thread-safe predicate for the rule (regexes compiled once); null facts count as no facts. */
    public static Predicate<DeviceFacts> compile(Rule rule) {
        Predicate<DeviceFacts> predicate = predicate(rule);
        return facts -> predicate.test(facts == null ? DeviceFacts.NONE : facts);
    }

    private static Predicate<DeviceFacts> predicate(Rule rule) {
        if (rule instanceof Rule.Group g) {
            List<Predicate<DeviceFacts>> children = g.rules().stream().map(RuleEvaluator::predicate).toList();
            boolean conjunctive = g.op().conjunctive();
            boolean negated = g.op().negated();
            return facts -> {
                boolean result = conjunctive;
                for (Predicate<DeviceFacts> child : children) {
                    if (child.test(facts) != conjunctive) {
                        result = !conjunctive;
                        break;
                    }
                }
                return result != negated;
            };
        }
        Rule.Condition c = (Rule.Condition) rule;
        return c.attribute().type().list() ? listCondition(c) : scalarCondition(c);
    }

    // ------------------------------------------------------------------------------------------------------ scalars

    private static Predicate<DeviceFacts> scalarCondition(Rule.Condition c) {
        Function<DeviceFacts, Object> raw = scalar(c.attribute());
        Operator op = c.operator();
        if (op == Operator.EXISTS) {
            return f -> raw.apply(f) != null;
        }
        if (op == Operator.NOT_EXISTS) {
            return f -> raw.apply(f) == null;
        }
        AttributeType type = c.attribute().type();
        if (type == AttributeType.NUMBER) {
            Function<DeviceFacts, Object> ram = raw;
            if (op == Operator.IN) {
                Set<Long> set = new HashSet<>(longs(c.value()));
                return f -> ram.apply(f) instanceof Long v && set.contains(v);
            }
            long value = ((Number) c.value()).longValue();
            return f -> ram.apply(f) instanceof Long v && compare(op, Long.compare(v, value));
        }
        if (op == Operator.REGEX) {
            SafeRegex regex = regex(c.value());
            return f -> raw.apply(f) instanceof String v && regex.find(v);
        }
        if (op.substring()) {
            String value = Texts.lower((String) c.value());
            return f -> raw.apply(f) instanceof String v && substring(op, v, value);
        }
        // EQ, NE, IN, ordering: versions by key, others by lower-cased text
        boolean versioned = type.versioned();
        Function<DeviceFacts, Object> compared = versioned ? key(c.attribute()) : raw;
        Function<String, String> normal = versioned ? s -> Texts.versionKey(Texts.lower(s)) : Texts::lower;
        if (op == Operator.IN) {
            Set<String> set = new HashSet<>(strings(c.value()).stream().map(normal).toList());
            return f -> compared.apply(f) instanceof String v && set.contains(v);
        }
        String value = normal.apply((String) c.value());
        return f -> compared.apply(f) instanceof String v && compare(op, Texts.compareCodePoints(v, value));
    }

    private static Function<DeviceFacts, Object> scalar(Attribute attribute) {
        return switch (attribute) {
            case OS_PLATFORM -> DeviceFacts::osPlatform;
            case OS_NAME -> DeviceFacts::osName;
            case OS_VERSION -> DeviceFacts::osVersion;
            case HOSTNAME -> DeviceFacts::hostname;
            case AGENT_VERSION -> DeviceFacts::agentVersion;
            case HARDWARE_RAM_MB -> DeviceFacts::ramMb;
            case PROTECTION_STATUS -> DeviceFacts::protectionStatus;
            default -> throw new IllegalArgumentException(attribute + " is a list");
        };
    }

    private static Function<DeviceFacts, Object> key(Attribute attribute) {
        return switch (attribute) {
            case OS_VERSION -> DeviceFacts::osVersionKey;
            case AGENT_VERSION -> DeviceFacts::agentVersionKey;
            default -> throw new IllegalArgumentException(attribute + " has no version key");
        };
    }

    // -------------------------------------------------------------------------------------------------------- lists

    private static Predicate<DeviceFacts> listCondition(Rule.Condition c) {
        Attribute attribute = c.attribute();
        Function<DeviceFacts, List<String>> raw = list(attribute);
        Operator op = c.operator();
        switch (op) {
            case EXISTS:
                return f -> !raw.apply(f).isEmpty();
            case NOT_EXISTS:
                return f -> raw.apply(f).isEmpty();
            case NE: {
                Predicate<DeviceFacts> eq = listCondition(new Rule.Condition(attribute, Operator.EQ, c.value()));
                return eq.negate();
            }
            case REGEX: {
                SafeRegex regex = regex(c.value());
                return f -> any(raw.apply(f), v -> regex.find(v));
            }
            case CONTAINS:
            case STARTS_WITH:
            case ENDS_WITH: {
                String value = Texts.lower((String) c.value());
                return f -> any(raw.apply(f), v -> substring(op, v, value));
            }
            default:
                break;
        }
        AttributeType type = attribute.type();
        if (type == AttributeType.IPV4_LIST) {
            if (op == Operator.EQ) {
                String address = (String) c.value();
                return f -> raw.apply(f).contains(address);
            }
            // IN
            List<Ipv4.Block> blocks = strings(c.value()).stream().map(Ipv4::parseBlock).toList();
            return f -> any(raw.apply(f), v -> {
                long address = Ipv4.parseAddress(v);
                return address >= 0 && blocks.stream().anyMatch(b -> b.contains((int) address));
            });
        }
        boolean versioned = type.versioned();
        Function<DeviceFacts, List<String>> compared = versioned ? DeviceFacts::productVersionKeys : raw;
        Function<String, String> normal = versioned ? s -> Texts.versionKey(Texts.lower(s)) : Texts::lower;
        if (op == Operator.IN) {
            Set<String> set = new HashSet<>(strings(c.value()).stream().map(normal).toList());
            return f -> any(compared.apply(f), set::contains);
        }
        String value = normal.apply((String) c.value());
        return f -> any(compared.apply(f), v -> compare(op, Texts.compareCodePoints(v, value)));
    }

    private static Function<DeviceFacts, List<String>> list(Attribute attribute) {
        return switch (attribute) {
            case NETWORK_IPV4 -> DeviceFacts::ipv4;
            case PRODUCTS_NAME -> DeviceFacts::productNames;
            case PRODUCTS_VERSION -> DeviceFacts::productVersions;
            case TAGS -> DeviceFacts::tags;
            default -> throw new IllegalArgumentException(attribute + " is not a list");
        };
    }

    // ------------------------------------------------------------------------------------------------------ helpers

    private static boolean any(List<String> values, Predicate<String> test) {
        for (String v : values) {
            if (test.test(v)) {
                return true;
            }
        }
        return false;
    }

    /** EQ, NE and the orderings, given the comparison of the fact with the value. */
    private static boolean compare(Operator op, int cmp) {
        return switch (op) {
            case EQ -> cmp == 0;
            case NE -> cmp != 0;
            case LT -> cmp < 0;
            case LE -> cmp <= 0;
            case GT -> cmp > 0;
            case GE -> cmp >= 0;
            default -> throw new IllegalArgumentException(op.name());
        };
    }

    private static boolean substring(Operator op, String fact, String value) {
        return switch (op) {
            case CONTAINS -> fact.contains(value);
            case STARTS_WITH -> fact.startsWith(value);
            case ENDS_WITH -> fact.endsWith(value);
            default -> throw new IllegalArgumentException(op.name());
        };
    }

    static SafeRegex regex(Object value) {
        try {
            return SafeRegex.compile((String) value);
        } catch (SafeRegex.SyntaxError e) {
            throw new IllegalArgumentException("invalid regex (the rule was not validated): " + e.getMessage(), e);
        }
    }

    @SuppressWarnings("unchecked")
    static List<String> strings(Object value) {
        return (List<String>) value;
    }

    private static List<Long> longs(Object value) {
        return ((List<?>) value).stream().map(v -> ((Number) v).longValue()).toList();
    }
}
