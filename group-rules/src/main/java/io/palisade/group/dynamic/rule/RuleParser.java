package io.palisade.group.dynamic.rule;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads and writes the JSON form of rules.
 *
 * <pre>
 * rule      = {"op": "AND" | "OR" | "NAND" | "NOR", "rules": [ (rule | condition), ... ]}
 * condition = {"attribute": "&lt;attribute&gt;", "operator": "&lt;operator&gt;", "value": &lt;value&gt;}
 * </pre>
 *
 * <p>The root must be a group. {@link #parse} validates everything and reports every problem at once (up to
 * {@value #MAX_VIOLATIONS}) in a {@link RuleValidationException}; paths start at {@code rule}, e.g.
 * {@code rule.rules[1].rules[0].operator} or {@code rule.rules[0].value[3]}. Checked: object shapes, unknown and
 * missing fields, unknown op / attribute / operator (names are exact and case-sensitive), an operator the
 * attribute's {@link AttributeType} does not support, the value's JSON type (see below), group nesting deeper than
 * {@value #MAX_DEPTH} (the root group is depth 1), more than {@value #MAX_CONDITIONS} conditions or
 * {@value #MAX_GROUPS} groups in all, and REGEX patterns.
 *
 * <p>REGEX patterns have at most 256 characters and use only: literal characters, {@code .}, {@code [...]} classes
 * (ranges, a leading {@code ^} negates, {@code ]} first and {@code -} first or last are literal), {@code ^},
 * {@code $}, {@code |}, {@code (...)} groups without {@code (?} modifiers, the quantifiers {@code * + ?} and
 * {@code {m} {m,} {m,n}} (m, n &le; 100; not on an anchor, not directly after another quantifier) and the escapes
 * {@code \. \ \- \d \w \s}; repetitions may expand the pattern to at most 1000 atoms. Their meaning is in
 * {@link RuleEvaluator}.
 *
 * <p>Values: EXISTS / NOT_EXISTS take none (absent or null); IN takes a JSON array of 1..{@value #MAX_IN_ITEMS}
 * items, each like a single value; a single value is: for os.platform a string WINDOWS, MACOS or LINUX (any case,
 * stored upper-case); for hardware.ramMb a JSON integer; for network.ipv4 with EQ a dotted-quad address, with IN an
 * address or a CIDR block without host bits ({@code 10.0.0.0/8}), with the substring operators and REGEX any text;
 * otherwise a JSON string of at most {@value #MAX_TEXT_LENGTH} characters without NUL or unpaired surrogates.
 *
 * <p>{@link #toJson} writes the canonical form, which {@link #parse} reads back to an equal {@link Rule}.
 */
public final class RuleParser {
    public static final int MAX_DEPTH = 32;
    public static final int MAX_CONDITIONS = 1000;
    public static final int MAX_GROUPS = 1000;
    public static final int MAX_IN_ITEMS = 1000;
    public static final int MAX_TEXT_LENGTH = 1024;
    public static final int MAX_VIOLATIONS = 100;

    private static final Set<String> GROUP_FIELDS = Set.of("op", "rules");
    private static final Set<String> CONDITION_FIELDS = Set.of("attribute", "operator", "value");
    private static final String OPS = Arrays.stream(Op.values()).map(Enum::name).collect(Collectors.joining(", "));
    private static final String OPERATORS =
            Arrays.stream(Operator.values()).map(Enum::name).collect(Collectors.joining(", "));
    private static final Set<String> PLATFORMS = Set.of("WINDOWS", "MACOS", "LINUX");

    private final List<RuleValidationException.Violation> violations = new ArrayList<>();
    private boolean truncated;
    private int conditions;
    private int groups;

    private RuleParser() {
    }

    /** Parses and validates a rule; throws {@link RuleValidationException} listing every problem. */
    public static Rule parse(JsonNode json) {
        RuleParser parser = new RuleParser();
        Rule rule = parser.root(json);
        List<RuleValidationException.Violation> limits = new ArrayList<>();
        if (parser.conditions > MAX_CONDITIONS) {
            limits.add(new RuleValidationException.Violation("rule",
                    "has " + parser.conditions + " conditions, at most " + MAX_CONDITIONS + " are allowed"));
        }
        if (parser.groups > MAX_GROUPS) {
            limits.add(new RuleValidationException.Violation("rule",
                    "has " + parser.groups + " groups, at most " + MAX_GROUPS + " are allowed"));
        }
        if (!limits.isEmpty() || !parser.violations.isEmpty()) {
            limits.addAll(parser.violations);
            throw new RuleValidationException(limits);
        }
        return rule;
    }

    /** The canonical JSON form of a rule (conditions with EXISTS / NOT_EXISTS have no value). */
    public static ObjectNode toJson(Rule rule) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode out = f.objectNode();
        if (rule instanceof Rule.Group g) {
            out.put("op", g.op().name());
            ArrayNode rules = out.putArray("rules");
            g.rules().forEach(r -> rules.add(toJson(r)));
        } else if (rule instanceof Rule.Condition c) {
            out.put("attribute", c.attribute().jsonName());
            out.put("operator", c.operator().name());
            if (c.value() != null) {
                out.set("value", valueJson(c.value()));
            }
        }
        return out;
    }

    private static JsonNode valueJson(Object value) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        if (value instanceof List<?> list) {
            ArrayNode array = f.arrayNode();
            list.forEach(v -> array.add(valueJson(v)));
            return array;
        }
        if (value instanceof Long l) {
            return f.numberNode(l);
        }
        if (value instanceof Number n) {
            return f.numberNode(n.longValue());
        }
        return f.textNode(String.valueOf(value));
    }

    // --------------------------------------------------------------------------------------------------- structure

    private void problem(String path, String message) {
        if (violations.size() < MAX_VIOLATIONS) {
            violations.add(new RuleValidationException.Violation(path, message));
        } else if (!truncated) {
            truncated = true;
            violations.add(new RuleValidationException.Violation("rule",
                    "too many problems, only the first " + MAX_VIOLATIONS + " are listed"));
        }
    }

    private Rule root(JsonNode json) {
        if (json == null || json.isMissingNode() || json.isNull()) {
            problem("rule", "missing");
            return null;
        }
        if (json.isObject() && !hasAny(json, GROUP_FIELDS) && hasAny(json, CONDITION_FIELDS)) {
            problem("rule", "the root must be a group {op, rules}, not a condition");
            return null;
        }
        return node(json, "rule", 1);
    }

    private static boolean hasAny(JsonNode object, Set<String> fields) {
        for (String field : fields) {
            if (object.has(field)) {
                return true;
            }
        }
        return false;
    }

    private Rule node(JsonNode json, String path, int depth) {
        if (!json.isObject()) {
            problem(path, "must be an object: a group {op, rules} or a condition {attribute, operator, value}");
            return null;
        }
        boolean group = hasAny(json, GROUP_FIELDS);
        boolean condition = hasAny(json, CONDITION_FIELDS);
        if (group && condition) {
            problem(path, "mixes group fields (op, rules) with condition fields (attribute, operator, value)");
            return null;
        }
        if (!group && !condition) {
            problem(path, "must be a group {op, rules} or a condition {attribute, operator, value}");
            return null;
        }
        Set<String> allowed = group ? GROUP_FIELDS : CONDITION_FIELDS;
        for (Iterator<String> names = json.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!allowed.contains(name)) {
                problem(path + "." + name, "unknown field (a " + (group ? "group has op and rules"
                        : "condition has attribute, operator and value") + ")");
            }
        }
        return group ? group(json, path, depth) : condition(json, path);
    }

    private Rule group(JsonNode json, String path, int depth) {
        groups++;
        if (depth > MAX_DEPTH) {
            problem(path, "nesting deeper than " + MAX_DEPTH + " groups");
            return null;
        }
        int before = violations.size();
        Op op = null;
        JsonNode opNode = json.get("op");
        if (opNode == null) {
            problem(path + ".op", "missing (one of " + OPS + ")");
        } else if (!opNode.isTextual()) {
            problem(path + ".op", "must be a string, one of " + OPS);
        } else {
            op = enumValue(Op.class, opNode.textValue());
            if (op == null) {
                problem(path + ".op", "unknown op '" + clip(opNode.textValue()) + "' (one of " + OPS + ")");
            }
        }
        List<Rule> children = new ArrayList<>();
        JsonNode rules = json.get("rules");
        if (rules == null) {
            problem(path + ".rules", "missing (an array of rules and conditions)");
        } else if (!rules.isArray()) {
            problem(path + ".rules", "must be an array of rules and conditions");
        } else {
            for (int i = 0; i < rules.size(); i++) {
                children.add(node(rules.get(i), path + ".rules[" + i + "]", depth + 1));
            }
        }
        return violations.size() == before ? new Rule.Group(op, children) : null;
    }

    private Rule condition(JsonNode json, String path) {
        conditions++;
        int before = violations.size();
        Attribute attribute = null;
        JsonNode attributeNode = json.get("attribute");
        if (attributeNode == null) {
            problem(path + ".attribute", "missing");
        } else if (!attributeNode.isTextual()) {
            problem(path + ".attribute", "must be a string, one of " + String.join(", ", Attribute.jsonNames()));
        } else {
            attribute = Attribute.fromJsonName(attributeNode.textValue()).orElse(null);
            if (attribute == null) {
                problem(path + ".attribute", "unknown attribute '" + clip(attributeNode.textValue()) + "' (one of "
                        + String.join(", ", Attribute.jsonNames()) + ")");
            }
        }
        Operator operator = null;
        JsonNode operatorNode = json.get("operator");
        if (operatorNode == null) {
            problem(path + ".operator", "missing");
        } else if (!operatorNode.isTextual()) {
            problem(path + ".operator", "must be a string, one of " + OPERATORS);
        } else {
            operator = enumValue(Operator.class, operatorNode.textValue());
            if (operator == null) {
                problem(path + ".operator", "unknown operator '" + clip(operatorNode.textValue()) + "' (one of "
                        + OPERATORS + ")");
            }
        }
        if (attribute == null || operator == null) {
            return null;
        }
        AttributeType type = attribute.type();
        if (!type.supports(operator)) {
            problem(path + ".operator", "operator " + operator + " does not apply to " + attribute.jsonName() + " ("
                    + type.description() + "); allowed: "
                    + type.operators().stream().map(Enum::name).collect(Collectors.joining(", ")));
            return null;
        }
        Object value = value(attribute, operator, json.get("value"), path + ".value");
        return violations.size() == before ? new Rule.Condition(attribute, operator, value) : null;
    }

    // ------------------------------------------------------------------------------------------------------ values

    private Object value(Attribute attribute, Operator operator, JsonNode value, String path) {
        boolean absent = value == null || value.isNull();
        if (operator.valueless()) {
            if (!absent) {
                problem(path, operator + " takes no value");
            }
            return null;
        }
        if (absent) {
            problem(path, "missing (" + expected(attribute, operator) + ")");
            return null;
        }
        if (operator != Operator.IN) {
            return item(attribute, operator, value, path);
        }
        if (!value.isArray() || value.isEmpty() || value.size() > MAX_IN_ITEMS) {
            problem(path, "IN needs an array of 1 to " + MAX_IN_ITEMS + " items, each " + expected(attribute, operator)
                    + (value.isArray() ? " (got " + value.size() + " items)" : ""));
            return null;
        }
        List<Object> items = new ArrayList<>(value.size());
        for (int i = 0; i < value.size(); i++) {
            JsonNode item = value.get(i);
            String itemPath = path + "[" + i + "]";
            if (item.isNull()) {
                problem(itemPath, "must not be null (" + expected(attribute, operator) + ")");
                continue;
            }
            items.add(item(attribute, operator, item, itemPath));
        }
        return List.copyOf(items.stream().filter(java.util.Objects::nonNull).toList());
    }

    private static String expected(Attribute attribute, Operator operator) {
        return switch (attribute.type()) {
            case PLATFORM -> "one of WINDOWS, MACOS, LINUX";
            case NUMBER -> "an integer";
            case IPV4_LIST -> operator == Operator.EQ ? "an IPv4 address like 10.0.0.1"
                    : operator == Operator.IN ? "an IPv4 address or CIDR block like 10.0.0.0/8" : "a string";
            default -> operator == Operator.REGEX ? "a regular expression" : "a string";
        };
    }

    private Object item(Attribute attribute, Operator operator, JsonNode value, String path) {
        AttributeType type = attribute.type();
        if (type == AttributeType.NUMBER) {
            if (value.isIntegralNumber() && value.canConvertToLong()) {
                return value.longValue();
            }
            problem(path, "must be an integer (" + attribute.jsonName() + " is a number)");
            return null;
        }
        if (!value.isTextual()) {
            problem(path, "must be " + expected(attribute, operator) + ", not " + kind(value));
            return null;
        }
        String text = value.textValue();
        if (operator == Operator.REGEX) {
            try {
                SafeRegex.compile(text);
                return text;
            } catch (SafeRegex.SyntaxError e) {
                problem(path, "invalid regex: " + e.getMessage());
                return null;
            }
        }
        if (type == AttributeType.PLATFORM) {
            String upper = text.toUpperCase(Locale.ROOT);
            if (PLATFORMS.contains(upper)) {
                return upper;
            }
            problem(path, "must be one of WINDOWS, MACOS, LINUX, not '" + clip(text) + "'");
            return null;
        }
        if (type == AttributeType.IPV4_LIST && operator == Operator.EQ) {
            long address = Ipv4.parseAddress(text);
            if (address < 0) {
                problem(path, "must be an IPv4 address like 10.0.0.1, not '" + clip(text) + "'");
                return null;
            }
            return Ipv4.format((int) address);
        }
        if (type == AttributeType.IPV4_LIST && operator == Operator.IN) {
            Ipv4.Block block = Ipv4.parseBlock(text);
            if (block != null) {
                return block.text();
            }
            if (Ipv4.hasHostBits(text)) {
                problem(path, "CIDR block '" + text + "' has host bits set (did you mean " + Ipv4.networkOf(text) + "?)");
            } else {
                problem(path, "must be an IPv4 address or CIDR block like 10.0.0.0/8, not '" + clip(text) + "'");
            }
            return null;
        }
        if (text.length() > MAX_TEXT_LENGTH) {
            problem(path, "is longer than " + MAX_TEXT_LENGTH + " characters");
            return null;
        }
        if (Texts.unsafe(text)) {
            problem(path, "contains a NUL or an unpaired surrogate character");
            return null;
        }
        return text;
    }

    private static String kind(JsonNode value) {
        if (value.isNumber()) {
            return "a number";
        }
        if (value.isBoolean()) {
            return "a boolean";
        }
        if (value.isArray()) {
            return "an array";
        }
        if (value.isObject()) {
            return "an object";
        }
        return value.getNodeType().name().toLowerCase(Locale.ROOT);
    }

    private static <E extends Enum<E>> E enumValue(Class<E> type, String name) {
        for (E e : type.getEnumConstants()) {
            if (e.name().equals(name)) {
                return e;
            }
        }
        return null;
    }

    private static String clip(String s) {
        return s.length() > 64 ? s.substring(0, 64) + "…" : s;
    }
}
