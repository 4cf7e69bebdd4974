package io.palisade.group.dynamic.rule;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class RuleParserTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    static JsonNode json(String text) {
        try {
            return MAPPER.readTree(text.replace('\'', '"'));
        } catch (Exception e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    /** A root AND around one condition, written with single quotes. */
    static JsonNode one(String condition) {
        return json("{'op':'AND','rules':[" + condition + "]}");
    }

    static List<RuleValidationException.Violation> violations(JsonNode rule) {
        return assertThrows(RuleValidationException.class, () -> RuleParser.parse(rule)).violations();
    }

    // ---------------------------------------------------------------------------------------------- valid rules

    @Test
    void parsesNestedRuleIntoTheModel() {
        Rule rule = RuleParser.parse(json("""
                {'op':'AND','rules':[
                  {'attribute':'os.platform','operator':'EQ','value':'WINDOWS'},
                  {'op':'NOR','rules':[
                    {'attribute':'products.name','operator':'CONTAINS','value':'ESET'},
                    {'attribute':'hardware.ramMb','operator':'IN','value':[4096, 8192]},
                    {'attribute':'tags','operator':'NOT_EXISTS'}]}]}"""));
        assertEquals(new Rule.Group(Op.AND, List.of(
                new Rule.Condition(Attribute.OS_PLATFORM, Operator.EQ, "WINDOWS"),
                new Rule.Group(Op.NOR, List.of(
                        new Rule.Condition(Attribute.PRODUCTS_NAME, Operator.CONTAINS, "ESET"),
                        new Rule.Condition(Attribute.HARDWARE_RAM_MB, Operator.IN, List.of(4096L, 8192L)),
                        new Rule.Condition(Attribute.TAGS, Operator.NOT_EXISTS, null))))), rule);
    }

    @Test
    void everyOperatorOfEveryAttributeRoundTrips() {
        ObjectNode root = JsonNodeFactory.instance.objectNode().put("op", "OR");
        ArrayNode rules = root.putArray("rules");
        for (Attribute attribute : Attribute.values()) {
            for (Operator operator : attribute.type().operators()) {
                ObjectNode c = rules.addObject().put("attribute", attribute.jsonName()).put("operator", operator.name());
                JsonNode value = sampleValue(attribute, operator);
                if (value != null) {
                    c.set("value", value);
                }
            }
        }
        Rule rule = RuleParser.parse(root);
        JsonNode canonical = RuleParser.toJson(rule);
        assertEquals(root, canonical, "the sample values are already canonical");
        assertEquals(rule, RuleParser.parse(canonical));
        assertEquals(rule, RuleParser.parse(json(rule.toString())), "toString is the canonical JSON");
    }

    private static JsonNode sampleValue(Attribute attribute, Operator operator) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        if (operator.valueless()) {
            return null;
        }
        JsonNode item = switch (attribute.type()) {
            case PLATFORM -> f.textNode("MACOS");
            case NUMBER -> f.numberNode(8192L);
            case IPV4_LIST -> f.textNode(operator == Operator.IN ? "10.0.0.0/8" : operator == Operator.EQ ? "10.0.0.1"
                    : operator == Operator.REGEX ? "^10\\." : "10.");
            default -> f.textNode(operator == Operator.REGEX ? "^[a-z]+(\\.\\d+){1,3}$" : "Some Text");
        };
        return operator == Operator.IN ? f.arrayNode().add(item).add(item) : item;
    }

    @Test
    void canonicalFormNormalisesPlatformsAndNetworks() {
        Rule rule = RuleParser.parse(json("""
                {'op':'AND','rules':[
                  {'attribute':'os.platform','operator':'IN','value':['windows','Linux']},
                  {'attribute':'network.ipv4','operator':'IN','value':['10.0.1.5/32','192.168.0.0/16']},
                  {'attribute':'hostname','operator':'EXISTS','value':null}]}"""));
        assertEquals(json("""
                {'op':'AND','rules':[
                  {'attribute':'os.platform','operator':'IN','value':['WINDOWS','LINUX']},
                  {'attribute':'network.ipv4','operator':'IN','value':['10.0.1.5','192.168.0.0/16']},
                  {'attribute':'hostname','operator':'EXISTS'}]}"""), RuleParser.toJson(rule));
    }

    @Test
    void textValuesKeepTheirCaseInTheStoredRule() {
        Rule rule = RuleParser.parse(one("{'attribute':'hostname','operator':'STARTS_WITH','value':'PC-'}"));
        assertEquals("PC-", ((Rule.Condition) ((Rule.Group) rule).rules().get(0)).value());
    }

    @Test
    void emptyGroupsAreValid() {
        assertEquals(new Rule.Group(Op.NOR, List.of()), RuleParser.parse(json("{'op':'NOR','rules':[]}")));
    }

    @Test
    void thirtyTwoLevelsOfNestingAreAllowed() {
        assertInstanceOf(Rule.Group.class, RuleParser.parse(nested(32)));
    }

    @Test
    void aThousandConditionsAreAllowed() {
        assertInstanceOf(Rule.Group.class, RuleParser.parse(conditions(1000)));
    }

    // ---------------------------------------------------------------------------------------------- violations

    static Stream<Arguments> invalidRules() {
        String c = "{'attribute':'hostname','operator':'EQ','value':'pc'}";
        return Stream.of(
                // shapes
                arguments("null root", "null", "rule", "missing"),
                arguments("array root", "[]", "rule", "must be an object"),
                arguments("condition as root", c, "rule", "the root must be a group"),
                arguments("missing op", "{'rules':[]}", "rule.op", "missing"),
                arguments("unknown op", "{'op':'XOR','rules':[]}", "rule.op", "unknown op 'XOR'"),
                arguments("lower-case op", "{'op':'and','rules':[]}", "rule.op", "unknown op 'and'"),
                arguments("op not a string", "{'op':1,'rules':[]}", "rule.op", "must be a string"),
                arguments("missing rules", "{'op':'AND'}", "rule.rules", "missing"),
                arguments("rules not an array", "{'op':'AND','rules':{}}", "rule.rules", "must be an array"),
                arguments("child not an object", "{'op':'AND','rules':[" + c + ",5]}", "rule.rules[1]",
                        "must be an object"),
                arguments("empty child", "{'op':'AND','rules':[{}]}", "rule.rules[0]", "must be a group"),
                arguments("mixed child", "{'op':'AND','rules':[{'op':'AND','attribute':'tags'}]}", "rule.rules[0]",
                        "mixes group fields"),
                arguments("unknown group field", "{'op':'AND','rules':[],'note':'x'}", "rule.note", "unknown field"),
                arguments("unknown condition field",
                        "{'op':'AND','rules':[{'attribute':'tags','operator':'EXISTS','negate':true}]}",
                        "rule.rules[0].negate", "unknown field"),
                // attribute and operator names
                arguments("unknown attribute", cond("'os.arch'", "'EQ'", "'x64'"), "rule.rules[0].attribute",
                        "unknown attribute 'os.arch'"),
                arguments("attribute wrong case", cond("'Hostname'", "'EQ'", "'x'"), "rule.rules[0].attribute",
                        "unknown attribute 'Hostname'"),
                arguments("missing attribute", "{'op':'AND','rules':[{'operator':'EQ','value':'x'}]}",
                        "rule.rules[0].attribute", "missing"),
                arguments("attribute not a string", cond("7", "'EQ'", "'x'"), "rule.rules[0].attribute",
                        "must be a string"),
                arguments("unknown operator", cond("'hostname'", "'LIKE'", "'x'"), "rule.rules[0].operator",
                        "unknown operator 'LIKE'"),
                arguments("operator wrong case", cond("'hostname'", "'eq'", "'x'"), "rule.rules[0].operator",
                        "unknown operator 'eq'"),
                arguments("missing operator", "{'op':'AND','rules':[{'attribute':'tags','value':'x'}]}",
                        "rule.rules[0].operator", "missing"),
                // operator does not fit the type
                arguments("LT on tags", cond("'tags'", "'LT'", "'x'"), "rule.rules[0].operator",
                        "operator LT does not apply to tags (list of text)"),
                arguments("GE on hostname", cond("'hostname'", "'GE'", "'x'"), "rule.rules[0].operator",
                        "does not apply to hostname (text)"),
                arguments("CONTAINS on os.platform", cond("'os.platform'", "'CONTAINS'", "'WIN'"),
                        "rule.rules[0].operator", "does not apply to os.platform"),
                arguments("REGEX on hardware.ramMb", cond("'hardware.ramMb'", "'REGEX'", "'8'"),
                        "rule.rules[0].operator", "does not apply to hardware.ramMb (number)"),
                arguments("GT on network.ipv4", cond("'network.ipv4'", "'GT'", "'10.0.0.1'"), "rule.rules[0].operator",
                        "does not apply to network.ipv4 (list of IPv4 addresses)"),
                // value types
                arguments("string for ramMb", cond("'hardware.ramMb'", "'GT'", "'8192'"), "rule.rules[0].value",
                        "must be an integer"),
                arguments("fraction for ramMb", cond("'hardware.ramMb'", "'GT'", "8192.5"), "rule.rules[0].value",
                        "must be an integer"),
                arguments("number for hostname", cond("'hostname'", "'EQ'", "42"), "rule.rules[0].value",
                        "must be a string, not a number"),
                arguments("object for tags", cond("'tags'", "'EQ'", "{}"), "rule.rules[0].value",
                        "must be a string, not an object"),
                arguments("missing value", "{'op':'AND','rules':[{'attribute':'tags','operator':'EQ'}]}",
                        "rule.rules[0].value", "missing"),
                arguments("null value", cond("'tags'", "'EQ'", "null"), "rule.rules[0].value", "missing"),
                arguments("value with EXISTS", cond("'tags'", "'EXISTS'", "'x'"), "rule.rules[0].value",
                        "EXISTS takes no value"),
                arguments("IN with a string", cond("'tags'", "'IN'", "'x'"), "rule.rules[0].value",
                        "IN needs an array"),
                arguments("IN with an empty array", cond("'tags'", "'IN'", "[]"), "rule.rules[0].value",
                        "IN needs an array of 1 to 1000 items"),
                arguments("IN with a bad item", cond("'hardware.ramMb'", "'IN'", "[1, 2, 'three']"),
                        "rule.rules[0].value[2]", "must be an integer"),
                arguments("IN with a null item", cond("'tags'", "'IN'", "['a', null]"), "rule.rules[0].value[1]",
                        "must not be null"),
                arguments("unknown platform", cond("'os.platform'", "'EQ'", "'BEOS'"), "rule.rules[0].value",
                        "must be one of WINDOWS, MACOS, LINUX"),
                arguments("unknown platform in IN", cond("'os.platform'", "'IN'", "['LINUX','ANDROID']"),
                        "rule.rules[0].value[1]", "must be one of WINDOWS, MACOS, LINUX"),
                arguments("bad address", cond("'network.ipv4'", "'EQ'", "'10.0.0.256'"), "rule.rules[0].value",
                        "must be an IPv4 address"),
                arguments("CIDR with EQ", cond("'network.ipv4'", "'EQ'", "'10.0.0.0/8'"), "rule.rules[0].value",
                        "must be an IPv4 address"),
                arguments("IPv6 address", cond("'network.ipv4'", "'IN'", "['fe80::/10']"), "rule.rules[0].value[0]",
                        "must be an IPv4 address or CIDR block"),
                arguments("prefix too long", cond("'network.ipv4'", "'IN'", "['10.0.0.0/33']"),
                        "rule.rules[0].value[0]", "must be an IPv4 address or CIDR block"),
                arguments("leading zeros", cond("'network.ipv4'", "'IN'", "['010.0.0.0/8']"),
                        "rule.rules[0].value[0]", "must be an IPv4 address or CIDR block"),
                arguments("host bits set", cond("'network.ipv4'", "'IN'", "['10.0.0.0/8','10.1.2.3/8']"),
                        "rule.rules[0].value[1]", "has host bits set (did you mean 10.0.0.0/8?)"),
                arguments("text too long", cond("'hostname'", "'EQ'", "'" + "x".repeat(1025) + "'"),
                        "rule.rules[0].value", "longer than 1024"),
                arguments("NUL in text", cond("'hostname'", "'EQ'", "'a\\u0000b'"), "rule.rules[0].value",
                        "contains a NUL"),
                arguments("lone surrogate", cond("'tags'", "'EQ'", "'\\ud800'"), "rule.rules[0].value",
                        "unpaired surrogate"),
                // regexes
                arguments("regex too long", regex("a".repeat(257)), "rule.rules[0].value",
                        "invalid regex: longer than 256 characters (257)"),
                arguments("empty regex", regex(""), "rule.rules[0].value", "invalid regex: empty pattern"),
                arguments("regex modifier", regex("(?i)pc"), "rule.rules[0].value",
                        "group modifiers '(?' are not supported at position 0"),
                arguments("regex word boundary", regex("\\\\bpc"), "rule.rules[0].value",
                        "unsupported escape '\\b'"),
                arguments("regex unicode class", regex("\\\\p{L}"), "rule.rules[0].value", "unsupported escape '\\p'"),
                arguments("regex back reference", regex("(a)\\\\1"), "rule.rules[0].value",
                        "unsupported escape '\\1'"),
                arguments("regex nested quantifier", regex("a**"), "rule.rules[0].value",
                        "a quantifier cannot follow another quantifier (put the first one in a group) at position 2"),
                arguments("regex lazy quantifier", regex("a+?"), "rule.rules[0].value",
                        "a quantifier cannot follow another quantifier"),
                arguments("regex quantifier first", regex("*a"), "rule.rules[0].value",
                        "quantifier '*' without anything to repeat at position 0"),
                arguments("regex quantified anchor", regex("^*a"), "rule.rules[0].value",
                        "a quantifier cannot follow an anchor"),
                arguments("regex repeat above 100", regex("a{101}"), "rule.rules[0].value",
                        "repetition count above 100"),
                arguments("regex repeat reversed", regex("a{3,2}"), "rule.rules[0].value", "with n < m"),
                arguments("regex malformed repeat", regex("a{x}"), "rule.rules[0].value", "malformed repetition"),
                arguments("regex expands too much", regex("(a{50}){50}"), "rule.rules[0].value",
                        "expands to 2500 atoms"),
                arguments("regex POSIX class", regex("[[:alpha:]]"), "rule.rules[0].value",
                        "POSIX bracket expressions"),
                arguments("regex unclosed class", regex("[abc"), "rule.rules[0].value", "unclosed class"),
                arguments("regex reversed range", regex("[z-a]"), "rule.rules[0].value", "range out of order"),
                arguments("regex dash in the middle", regex("[a-c-e]"), "rule.rules[0].value",
                        "'-' must be first or last"),
                arguments("regex unclosed group", regex("(ab"), "rule.rules[0].value", "unclosed group"),
                arguments("regex stray paren", regex("ab)"), "rule.rules[0].value", "unmatched ')'"),
                arguments("regex stray bracket", regex("ab]"), "rule.rules[0].value", "unescaped ']'"),
                arguments("regex empty alternative", regex("a|"), "rule.rules[0].value", "empty alternative"),
                arguments("regex empty group", regex("a()"), "rule.rules[0].value", "empty alternative"),
                arguments("regex trailing backslash", regex("a\\\\"), "rule.rules[0].value", "ends with '\\'"),
                arguments("regex not a string", cond("'hostname'", "'REGEX'", "5"), "rule.rules[0].value",
                        "must be a regular expression, not a number"));
    }

    private static String cond(String attribute, String operator, String value) {
        return "{'op':'AND','rules':[{'attribute':" + attribute + ",'operator':" + operator + ",'value':" + value
                + "}]}";
    }

    /** A REGEX condition on hostname; the pattern is JSON string content (escape backslashes twice in Java). */
    private static String regex(String pattern) {
        return cond("'hostname'", "'REGEX'", "'" + pattern + "'");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidRules")
    void reportsTheProblemAtItsPath(String description, String rule, String path, String message) {
        List<RuleValidationException.Violation> violations = violations(json(rule));
        assertEquals(1, violations.size(), () -> "exactly one problem expected: " + violations);
        assertEquals(path, violations.get(0).path());
        assertTrue(violations.get(0).message().contains(message),
                () -> "message '" + violations.get(0).message() + "' should contain '" + message + "'");
    }

    @Test
    void reportsEveryProblemAtOnceWithNestedPaths() {
        List<RuleValidationException.Violation> violations = violations(json("""
                {'op':'AND','rules':[
                  {'attribute':'hostname','operator':'EQ','value':'ok'},
                  {'op':'OR','rules':[
                    {'attribute':'tags','operator':'LT','value':'x'},
                    {'attribute':'hardware.ramMb','operator':'GT','value':'lots'}]},
                  {'op':'NOPE','rules':[{'attribute':'os.arch','operator':'EQ','value':'x'}]}]}"""));
        assertEquals(List.of("rule.rules[1].rules[0].operator", "rule.rules[1].rules[1].value", "rule.rules[2].op",
                "rule.rules[2].rules[0].attribute"), violations.stream().map(RuleValidationException.Violation::path)
                .toList());
    }

    @Test
    void refusesNestingDeeperThanThirtyTwo() {
        List<RuleValidationException.Violation> violations = violations(nested(33));
        assertEquals(1, violations.size());
        assertEquals("rule" + ".rules[0]".repeat(32), violations.get(0).path());
        assertEquals("nesting deeper than 32 groups", violations.get(0).message());
    }

    @Test
    void refusesMoreThanAThousandConditions() {
        List<RuleValidationException.Violation> violations = violations(conditions(1001));
        assertEquals(List.of(new RuleValidationException.Violation("rule",
                "has 1001 conditions, at most 1000 are allowed")), violations);
    }

    @Test
    void refusesMoreThanAThousandGroups() {
        ObjectNode root = JsonNodeFactory.instance.objectNode().put("op", "AND");
        ArrayNode rules = root.putArray("rules");
        for (int i = 0; i < 1000; i++) {
            rules.addObject().put("op", "OR").putArray("rules");
        }
        assertEquals("has 1001 groups, at most 1000 are allowed", violations(root).get(0).message());
    }

    @Test
    void listsAtMostAHundredProblems() {
        ObjectNode root = JsonNodeFactory.instance.objectNode().put("op", "AND");
        ArrayNode rules = root.putArray("rules");
        for (int i = 0; i < 150; i++) {
            rules.addObject().put("attribute", "nope").put("operator", "EQ").put("value", "x");
        }
        List<RuleValidationException.Violation> violations = violations(root);
        assertEquals(101, violations.size());
        assertEquals("rule.rules[99].attribute", violations.get(99).path());
        assertEquals(new RuleValidationException.Violation("rule", "too many problems, only the first 100 are listed"),
                violations.get(100));
    }

    @Test
    void inAcceptsAThousandItemsButNotMore() {
        ArrayNode items = JsonNodeFactory.instance.arrayNode();
        for (int i = 0; i < 1000; i++) {
            items.add(i);
        }
        ObjectNode rule = (ObjectNode) one("{'attribute':'hardware.ramMb','operator':'IN','value':[]}");
        ((ObjectNode) rule.get("rules").get(0)).set("value", items);
        RuleParser.parse(rule);
        items.add(1000);
        assertEquals("rule.rules[0].value", violations(rule).get(0).path());
    }

    @Test
    void theExceptionMessageNamesEveryProblem() {
        RuleValidationException e = assertThrows(RuleValidationException.class,
                () -> RuleParser.parse(json("{'op':'AND','rules':[{'attribute':'x','operator':'EQ','value':1}]}")));
        assertTrue(e.getMessage().startsWith("rule.rules[0].attribute: unknown attribute 'x'"), e.getMessage());
    }

    static JsonNode nested(int depth) {
        ObjectNode root = JsonNodeFactory.instance.objectNode().put("op", "AND");
        ObjectNode current = root;
        for (int i = 1; i < depth; i++) {
            current = current.putArray("rules").addObject().put("op", i % 2 == 0 ? "AND" : "NOR");
        }
        current.putArray("rules").addObject().put("attribute", "tags").put("operator", "EXISTS");
        return root;
    }

    static JsonNode conditions(int count) {
        ObjectNode root = JsonNodeFactory.instance.objectNode().put("op", "OR");
        ArrayNode rules = root.putArray("rules");
        for (int i = 0; i < count; i++) {
            // spread over nested groups, so the limit is on the total, not per group
            ArrayNode target = i % 2 == 0 ? rules : rules.addObject().put("op", "AND").putArray("rules");
            target.addObject().put("attribute", "hostname").put("operator", "EQ").put("value", "pc-" + i);
        }
        return root;
    }
}
