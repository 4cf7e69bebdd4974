package io.palisade.group.dynamic.rule;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static io.palisade.group.dynamic.rule.RuleParserTest.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * What rules mean, evaluated in memory ({@link RuleEvaluator}); {@code SqlAgreesWithMemoryTest} shows that SQL
 * means the same. Inventories and conditions are JSON written with single quotes.
 */
class RuleSemanticsTest {

    static boolean matches(String inventory, String condition) {
        JsonNode inv = inventory == null ? null : json(inventory);
        Rule rule = RuleParser.parse(json("{'op':'AND','rules':[" + condition + "]}"));
        return RuleEvaluator.matches(rule, DeviceFacts.from(inv));
    }

    private static String c(String attribute, String operator, String value) {
        return "{'attribute':'" + attribute + "','operator':'" + operator + "'" + (value == null ? "" : ",'value':" + value)
                + "}";
    }

    private static Arguments row(String inventory, String attribute, String operator, String value, boolean expected) {
        return arguments(inventory, c(attribute, operator, value), expected);
    }

    // ----------------------------------------------------------------------------- operator x attribute type

    static final String PLATFORM = "{'os':{'platform':'Windows'}}";
    static final String HOST = "{'hostname':'PC-Office_01'}";
    static final String OS_VERSION = "{'os':{'version':'10.0.19045'}}";
    static final String RAM = "{'hardware':{'ramMb':8192}}";
    static final String IPS = "{'network':{'ipv4':['10.0.0.5','192.168.1.20']}}";
    static final String TAGS = "{'tags':['Server','VIP']}";
    static final String PRODUCTS = "{'products':[{'name':'ESET Endpoint Security','version':'10.1.2045.0'},"
            + "{'name':'Chrome','version':'120.0.6099.110'}]}";
    static final String NOTHING = "{}";

    static Stream<Arguments> platform() {
        String a = "os.platform";
        return Stream.of(
                row(PLATFORM, a, "EQ", "'WINDOWS'", true),
                row(PLATFORM, a, "EQ", "'windows'", true),
                row(PLATFORM, a, "EQ", "'LINUX'", false),
                row(PLATFORM, a, "NE", "'LINUX'", true),
                row(PLATFORM, a, "NE", "'WINDOWS'", false),
                row(PLATFORM, a, "IN", "['LINUX','WINDOWS']", true),
                row(PLATFORM, a, "IN", "['MACOS']", false),
                row(PLATFORM, a, "EXISTS", null, true),
                row(PLATFORM, a, "NOT_EXISTS", null, false),
                row(NOTHING, a, "EQ", "'WINDOWS'", false),
                row(NOTHING, a, "NE", "'WINDOWS'", false),
                row(NOTHING, a, "IN", "['WINDOWS']", false),
                row(NOTHING, a, "EXISTS", null, false),
                row(NOTHING, a, "NOT_EXISTS", null, true),
                row("{'os':{'platform':'FreeBSD'}}", a, "NE", "'LINUX'", true),
                row("{'os':{'platform':7}}", a, "EXISTS", null, false));
    }

    static Stream<Arguments> text() {
        String a = "hostname";
        return Stream.of(
                row(HOST, a, "EQ", "'pc-office_01'", true),
                row(HOST, a, "EQ", "'PC-OFFICE_01'", true),
                row(HOST, a, "EQ", "'pc-office'", false),
                row(HOST, a, "NE", "'pc-home'", true),
                row(HOST, a, "NE", "'pc-OFFICE_01'", false),
                row(HOST, a, "CONTAINS", "'OFFICE'", true),
                row(HOST, a, "CONTAINS", "'home'", false),
                row(HOST, a, "CONTAINS", "'e_0'", true),
                row(HOST, a, "CONTAINS", "'e%0'", false),
                row(HOST, a, "CONTAINS", "''", true),
                row(HOST, a, "STARTS_WITH", "'pc-'", true),
                row(HOST, a, "STARTS_WITH", "'office'", false),
                row(HOST, a, "ENDS_WITH", "'_01'", true),
                row(HOST, a, "ENDS_WITH", "'pc'", false),
                row(HOST, a, "IN", "['x','Pc-Office_01']", true),
                row(HOST, a, "IN", "['x','pc-office']", false),
                row(HOST, a, "REGEX", "'^pc-\\\\w+_\\\\d{2}$'", true),
                row(HOST, a, "REGEX", "'^office'", false),
                row(HOST, a, "REGEX", "'OFFICE'", true),
                row(HOST, a, "EXISTS", null, true),
                row(HOST, a, "NOT_EXISTS", null, false),
                row(NOTHING, a, "EQ", "'pc'", false),
                row(NOTHING, a, "NE", "'pc'", false),
                row(NOTHING, a, "CONTAINS", "''", false),
                row(NOTHING, a, "STARTS_WITH", "'p'", false),
                row(NOTHING, a, "ENDS_WITH", "'c'", false),
                row(NOTHING, a, "IN", "['pc']", false),
                row(NOTHING, a, "REGEX", "'.*'", false),
                row(NOTHING, a, "EXISTS", null, false),
                row(NOTHING, a, "NOT_EXISTS", null, true),
                row("{'hostname':''}", a, "NOT_EXISTS", null, true),
                row("{'hostname':['pc']}", a, "NOT_EXISTS", null, true),
                row("{'hostname':'100%_done'}", a, "CONTAINS", "'%_'", true),
                row("{'hostname':'100x_done'}", a, "CONTAINS", "'%_'", false),
                row("{'protection':{'status':'AT_RISK'}}", "protection.status", "EQ", "'at_risk'", true),
                row("{'os':{'name':'Windows 11 Pro'}}", "os.name", "CONTAINS", "'windows 11'", true));
    }

    static Stream<Arguments> version() {
        String a = "os.version";
        return Stream.of(
                row(OS_VERSION, a, "GT", "'10.0.9'", true),
                row(OS_VERSION, a, "LT", "'10.0.9'", false),
                row(OS_VERSION, a, "GE", "'10.0.19045'", true),
                row(OS_VERSION, a, "LE", "'10.0.19045'", true),
                row(OS_VERSION, a, "LT", "'10.1'", true),
                row(OS_VERSION, a, "GT", "'10'", true),
                row(OS_VERSION, a, "LT", "'11'", true),
                row(OS_VERSION, a, "EQ", "'10.0.19045'", true),
                row(OS_VERSION, a, "EQ", "'10.00.019045'", true),
                row(OS_VERSION, a, "EQ", "'10-0_19045'", true),
                row(OS_VERSION, a, "EQ", "'10.0'", false),
                row(OS_VERSION, a, "NE", "'10.0.19045'", false),
                row(OS_VERSION, a, "NE", "'10.0.9'", true),
                row(OS_VERSION, a, "IN", "['9','10.0.19045']", true),
                row(OS_VERSION, a, "IN", "['9','10.0']", false),
                row(OS_VERSION, a, "CONTAINS", "'19045'", true),
                row(OS_VERSION, a, "CONTAINS", "'0.0'", true),
                row(OS_VERSION, a, "STARTS_WITH", "'10.0.'", true),
                row(OS_VERSION, a, "STARTS_WITH", "'10.00'", false),
                row(OS_VERSION, a, "ENDS_WITH", "'.19045'", true),
                row(OS_VERSION, a, "REGEX", "'^10\\\\.0\\\\.\\\\d+$'", true),
                row(OS_VERSION, a, "EXISTS", null, true),
                row(OS_VERSION, a, "NOT_EXISTS", null, false),
                row(NOTHING, a, "LT", "'99'", false),
                row(NOTHING, a, "GE", "'0'", false),
                row(NOTHING, a, "NE", "'1'", false),
                row(NOTHING, a, "NOT_EXISTS", null, true),
                row("{'os':{'version':'2.0-beta'}}", a, "GT", "'2.0'", true),
                row("{'os':{'version':'2.0-RC1'}}", a, "EQ", "'2.0-rc1'", true),
                row("{'agent':{'version':'1.10'}}", "agent.version", "GT", "'1.9'", true),
                row("{'agent':{'version':'1.10'}}", "agent.version", "LT", "'1.9.1'", false),
                row("{'agent':{'version':'1.2.3'}}", "agent.version", "LT", "'1.2.3.1'", true),
                row("{'agent':{'version':'1.2.3'}}", "agent.version", "IN", "['1.2.03']", true));
    }

    static Stream<Arguments> number() {
        String a = "hardware.ramMb";
        return Stream.of(
                row(RAM, a, "EQ", "8192", true),
                row(RAM, a, "EQ", "4096", false),
                row(RAM, a, "NE", "8192", false),
                row(RAM, a, "NE", "4096", true),
                row(RAM, a, "LT", "16384", true),
                row(RAM, a, "LT", "8192", false),
                row(RAM, a, "LE", "8192", true),
                row(RAM, a, "GT", "8192", false),
                row(RAM, a, "GT", "8191", true),
                row(RAM, a, "GE", "8192", true),
                row(RAM, a, "IN", "[4096,8192]", true),
                row(RAM, a, "IN", "[1]", false),
                row(RAM, a, "EXISTS", null, true),
                row(RAM, a, "NOT_EXISTS", null, false),
                row(NOTHING, a, "LT", "999999", false),
                row(NOTHING, a, "NE", "0", false),
                row(NOTHING, a, "NOT_EXISTS", null, true),
                row("{'hardware':{'ramMb':'8192'}}", a, "NOT_EXISTS", null, true),
                row("{'hardware':{'ramMb':8192.0}}", a, "EQ", "8192", true),
                row("{'hardware':{'ramMb':8192.5}}", a, "EXISTS", null, false),
                row("{'hardware':{'ramMb':100000000000}}", a, "GT", "4294967296", true));
    }

    static Stream<Arguments> ipv4() {
        String a = "network.ipv4";
        String none = "{'network':{'ipv4':[]}}";
        return Stream.of(
                row(IPS, a, "EQ", "'10.0.0.5'", true),
                row(IPS, a, "EQ", "'10.0.0.6'", false),
                row(IPS, a, "NE", "'10.0.0.6'", true),
                row(IPS, a, "NE", "'10.0.0.5'", false),
                row(IPS, a, "IN", "['10.0.0.0/8']", true),
                row(IPS, a, "IN", "['192.168.1.0/28']", false),
                row(IPS, a, "IN", "['192.168.1.0/27']", true),
                row(IPS, a, "IN", "['172.16.0.0/12','192.168.1.20']", true),
                row(IPS, a, "IN", "['0.0.0.0/0']", true),
                row(IPS, a, "IN", "['10.0.0.4/31']", true),
                row(IPS, a, "IN", "['10.0.0.6/31']", false),
                row(IPS, a, "IN", "['128.0.0.0/1']", true),
                row(IPS, a, "CONTAINS", "'168'", true),
                row(IPS, a, "STARTS_WITH", "'192.'", true),
                row(IPS, a, "STARTS_WITH", "'172.'", false),
                row(IPS, a, "ENDS_WITH", "'.5'", true),
                row(IPS, a, "REGEX", "'^10\\\\.'", true),
                row(IPS, a, "REGEX", "'^10\\\\.1\\\\.'", false),
                row(IPS, a, "EXISTS", null, true),
                row(IPS, a, "NOT_EXISTS", null, false),
                row(none, a, "EQ", "'10.0.0.5'", false),
                row(none, a, "NE", "'10.0.0.5'", true),
                row(none, a, "IN", "['0.0.0.0/0']", false),
                row(none, a, "EXISTS", null, false),
                row(none, a, "NOT_EXISTS", null, true),
                row(NOTHING, a, "NE", "'10.0.0.5'", true),
                row(NOTHING, a, "NOT_EXISTS", null, true),
                row("{'network':{'ipv4':['999.1.1.1','fe80::1', 3]}}", a, "NOT_EXISTS", null, true),
                row("{'network':{'ipv4':['10.0.0.5/24']}}", a, "EQ", "'10.0.0.5'", true),
                row("{'network':{'ipv4':'10.0.0.5'}}", a, "EXISTS", null, false));
    }

    static Stream<Arguments> textList() {
        String a = "tags";
        String none = "{'tags':[]}";
        return Stream.of(
                row(TAGS, a, "EQ", "'server'", true),
                row(TAGS, a, "EQ", "'serv'", false),
                row(TAGS, a, "NE", "'server'", false),
                row(TAGS, a, "NE", "'laptop'", true),
                row(TAGS, a, "CONTAINS", "'erv'", true),
                row(TAGS, a, "CONTAINS", "'xyz'", false),
                row(TAGS, a, "STARTS_WITH", "'vi'", true),
                row(TAGS, a, "ENDS_WITH", "'ER'", true),
                row(TAGS, a, "ENDS_WITH", "'ve'", false),
                row(TAGS, a, "IN", "['laptop','vip']", true),
                row(TAGS, a, "IN", "['laptop']", false),
                row(TAGS, a, "REGEX", "'^v.p$'", true),
                row(TAGS, a, "REGEX", "'^erv'", false),
                row(TAGS, a, "EXISTS", null, true),
                row(TAGS, a, "NOT_EXISTS", null, false),
                row(none, a, "EQ", "'server'", false),
                row(none, a, "NE", "'server'", true),
                row(none, a, "CONTAINS", "''", false),
                row(none, a, "EXISTS", null, false),
                row(none, a, "NOT_EXISTS", null, true),
                row(NOTHING, a, "NE", "'server'", true),
                row(NOTHING, a, "IN", "['server']", false),
                row(NOTHING, a, "NOT_EXISTS", null, true),
                row("{'tags':[true, 1, '', null]}", a, "NOT_EXISTS", null, true),
                row(PRODUCTS, "products.name", "EQ", "'chrome'", true),
                row(PRODUCTS, "products.name", "CONTAINS", "'eset'", true),
                row(PRODUCTS, "products.name", "NE", "'Chrome'", false),
                row(PRODUCTS, "products.name", "NE", "'Firefox'", true),
                row("{'products':[{'version':'1.0'}]}", "products.name", "NOT_EXISTS", null, true));
    }

    static Stream<Arguments> versionList() {
        String a = "products.version";
        return Stream.of(
                row(PRODUCTS, a, "LT", "'10.2'", true),
                row(PRODUCTS, a, "LT", "'10.1'", false),
                row(PRODUCTS, a, "GT", "'200'", false),
                row(PRODUCTS, a, "GT", "'100'", true),
                row(PRODUCTS, a, "LE", "'10.1.2045.0'", true),
                row(PRODUCTS, a, "GE", "'120.0.6099.111'", false),
                row(PRODUCTS, a, "EQ", "'10.1.2045.0'", true),
                row(PRODUCTS, a, "EQ", "'10.1.2045'", false),
                row(PRODUCTS, a, "NE", "'9'", true),
                row(PRODUCTS, a, "NE", "'120.0.6099.110'", false),
                row(PRODUCTS, a, "IN", "['1','120.0.6099.110']", true),
                row(PRODUCTS, a, "IN", "['1','2']", false),
                row(PRODUCTS, a, "CONTAINS", "'6099'", true),
                row(PRODUCTS, a, "STARTS_WITH", "'120.'", true),
                row(PRODUCTS, a, "ENDS_WITH", "'.0'", true),
                row(PRODUCTS, a, "REGEX", "'^\\\\d+\\\\.1\\\\.'", true),
                row(PRODUCTS, a, "EXISTS", null, true),
                row(NOTHING, a, "NE", "'1'", true),
                row(NOTHING, a, "LT", "'99'", false),
                row(NOTHING, a, "NOT_EXISTS", null, true));
    }

    @ParameterizedTest(name = "platform: {1} on {0} is {2}")
    @MethodSource("platform")
    void platformConditions(String inventory, String condition, boolean expected) {
        assertEquals(expected, matches(inventory, condition));
    }

    @ParameterizedTest(name = "text: {1} on {0} is {2}")
    @MethodSource("text")
    void textConditions(String inventory, String condition, boolean expected) {
        assertEquals(expected, matches(inventory, condition));
    }

    @ParameterizedTest(name = "version: {1} on {0} is {2}")
    @MethodSource("version")
    void versionConditions(String inventory, String condition, boolean expected) {
        assertEquals(expected, matches(inventory, condition));
    }

    @ParameterizedTest(name = "number: {1} on {0} is {2}")
    @MethodSource("number")
    void numberConditions(String inventory, String condition, boolean expected) {
        assertEquals(expected, matches(inventory, condition));
    }

    @ParameterizedTest(name = "ipv4: {1} on {0} is {2}")
    @MethodSource("ipv4")
    void ipv4Conditions(String inventory, String condition, boolean expected) {
        assertEquals(expected, matches(inventory, condition));
    }

    @ParameterizedTest(name = "text list: {1} on {0} is {2}")
    @MethodSource("textList")
    void textListConditions(String inventory, String condition, boolean expected) {
        assertEquals(expected, matches(inventory, condition));
    }

    @ParameterizedTest(name = "version list: {1} on {0} is {2}")
    @MethodSource("versionList")
    void versionListConditions(String inventory, String condition, boolean expected) {
        assertEquals(expected, matches(inventory, condition));
    }

    @Test
    void everySupportedOperatorOfEveryAttributeIsCovered() {
        List<String> missing = new ArrayList<>();
        List<String> rows = Stream.of(platform(), text(), version(), number(), ipv4(), textList(), versionList())
                .flatMap(s -> s).map(r -> (String) r.get()[1]).toList();
        for (AttributeType type : AttributeType.values()) {
            for (Operator operator : type.operators()) {
                boolean covered = rows.stream().anyMatch(r -> r.contains("'operator':'" + operator + "'")
                        && Stream.of(Attribute.values()).filter(a -> a.type() == type)
                        .anyMatch(a -> r.contains("'attribute':'" + a.jsonName() + "'")));
                if (!covered) {
                    missing.add(type + " " + operator);
                }
            }
        }
        assertEquals(List.of(), missing);
    }

    // ----------------------------------------------------------------------------------------------- groups

    private static final String TRUE = c("hostname", "EXISTS", null);
    private static final String FALSE = c("hostname", "NOT_EXISTS", null);

    static Stream<Arguments> truthTable() {
        List<Arguments> rows = new ArrayList<>();
        for (Op op : Op.values()) {
            for (int n = 0; n <= 3; n++) {
                for (int bits = 0; bits < (1 << n); bits++) {
                    boolean[] children = new boolean[n];
                    for (int i = 0; i < n; i++) {
                        children[i] = (bits & (1 << i)) != 0;
                    }
                    rows.add(arguments(op, children));
                }
            }
        }
        return rows.stream();
    }

    @ParameterizedTest(name = "{0} of {1}")
    @MethodSource("truthTable")
    void groupsCombineTheirChildren(Op op, boolean[] children) {
        boolean and = true;
        boolean or = false;
        List<String> rules = new ArrayList<>();
        for (boolean child : children) {
            and &= child;
            or |= child;
            rules.add(child ? TRUE : FALSE);
        }
        boolean expected = switch (op) {
            case AND -> and;
            case OR -> or;
            case NAND -> !and;
            case NOR -> !or;
        };
        Rule rule = RuleParser.parse(json("{'op':'" + op + "','rules':[" + String.join(",", rules) + "]}"));
        assertEquals(expected, RuleEvaluator.matches(rule, DeviceFacts.from(json(HOST))));
    }

    @Test
    void emptyGroupsFollowTheIdentities() {
        DeviceFacts any = DeviceFacts.from(json(HOST));
        assertTrue(RuleEvaluator.matches(new Rule.Group(Op.AND, List.of()), any));
        assertFalse(RuleEvaluator.matches(new Rule.Group(Op.OR, List.of()), any));
        assertFalse(RuleEvaluator.matches(new Rule.Group(Op.NAND, List.of()), any));
        assertTrue(RuleEvaluator.matches(new Rule.Group(Op.NOR, List.of()), any));
    }

    @Test
    void nestedGroups() {
        // Windows machines of the office without ESET, or any server
        String rule = """
                {'op':'OR','rules':[
                  {'op':'AND','rules':[
                    {'attribute':'os.platform','operator':'EQ','value':'WINDOWS'},
                    {'attribute':'hostname','operator':'STARTS_WITH','value':'office-'},
                    {'op':'NOR','rules':[{'attribute':'products.name','operator':'CONTAINS','value':'eset'}]}]},
                  {'attribute':'tags','operator':'EQ','value':'server'}]}""";
        Rule parsed = RuleParser.parse(json(rule));
        assertTrue(RuleEvaluator.matches(parsed, facts("{'os':{'platform':'WINDOWS'},'hostname':'office-1'}")));
        assertFalse(RuleEvaluator.matches(parsed, facts(
                "{'os':{'platform':'WINDOWS'},'hostname':'office-1','products':[{'name':'ESET Security'}]}")));
        assertFalse(RuleEvaluator.matches(parsed, facts("{'os':{'platform':'LINUX'},'hostname':'office-1'}")));
        assertTrue(RuleEvaluator.matches(parsed, facts("{'os':{'platform':'LINUX'},'tags':['SERVER']}")));
        assertFalse(RuleEvaluator.matches(parsed, facts(null)));
    }

    @Test
    void thirtyTwoLevelsEvaluate() {
        // nested(32): alternating AND / NOR around "tags EXISTS"; 16 NORs cancel out
        Rule rule = RuleParser.parse(RuleParserTest.nested(32));
        assertTrue(RuleEvaluator.matches(rule, facts("{'tags':['x']}")));
        assertFalse(RuleEvaluator.matches(rule, facts("{}")));
    }

    private static DeviceFacts facts(String inventory) {
        return DeviceFacts.from(inventory == null ? null : json(inventory));
    }

    // --------------------------------------------------------------------------------------- case-insensitivity

    @Test
    void textsCompareCaseInsensitivelyIncludingNonAscii() {
        assertTrue(matches("{'tags':['ÄRGER']}", c("tags", "EQ", "'ärger'")));
        assertTrue(matches("{'hostname':'ÉCOLE-01'}", c("hostname", "STARTS_WITH", "'école'")));
        assertTrue(matches("{'os':{'name':'macOS Sonoma'}}", c("os.name", "EQ", "'MACOS SONOMA'")));
        assertTrue(matches("{'os':{'platform':'macos'}}", c("os.platform", "EQ", "'MACOS'")));
        assertTrue(matches("{'products':[{'name':'Google CHROME'}]}", c("products.name", "IN", "['google chrome']")));
        assertTrue(matches("{'hostname':'ÉCOLE'}", c("hostname", "REGEX", "'^É'")));
        assertTrue(matches("{'hostname':'école'}", c("hostname", "REGEX", "'^[À-Ý]'")));
    }

    // ------------------------------------------------------------------------------------------------- regex

    @Test
    void regexSearchesAnywhereUnlessAnchored() {
        assertTrue(matches(HOST, c("hostname", "REGEX", "'office'")));
        assertFalse(matches(HOST, c("hostname", "REGEX", "'^office'")));
        assertTrue(matches(HOST, c("hostname", "REGEX", "'_01$'")));
    }

    @Test
    void regexSubsetHasOneMeaning() {
        // $ is the very end, not before a final line break; . matches line breaks
        assertFalse(matches("{'hostname':'abc\\n'}", c("hostname", "REGEX", "'c$'")));
        assertTrue(matches("{'hostname':'a\\nb'}", c("hostname", "REGEX", "'^a.b$'")));
        // \d and \w are ASCII only
        assertFalse(matches("{'hostname':'٣'}", c("hostname", "REGEX", "'\\\\d'")));
        assertFalse(matches("{'hostname':'é'}", c("hostname", "REGEX", "'\\\\w'")));
        assertTrue(matches("{'hostname':'a b'}", c("hostname", "REGEX", "'a\\\\sb'")));
        for (String space : List.of("\\t", "\\n", "\\u000b", "\\f", "\\r")) {
            assertTrue(matches("{'hostname':'a" + space + "b'}", c("hostname", "REGEX", "'^a\\\\sb$'")), space);
        }
        assertFalse(matches("{'hostname':'a\\u00a0b'}", c("hostname", "REGEX", "'a\\\\sb'")));
        // classes: ranges, negation (case-insensitively), literal ] first and - last, escapes
        assertTrue(matches("{'hostname':'c'}", c("hostname", "REGEX", "'^[A-F]$'")));
        assertFalse(matches("{'hostname':'a'}", c("hostname", "REGEX", "'^[^A]$'")));
        assertTrue(matches("{'hostname':']'}", c("hostname", "REGEX", "'[]x]'")));
        assertTrue(matches("{'hostname':'-'}", c("hostname", "REGEX", "'[x-]'")));
        assertTrue(matches("{'hostname':'a.b'}", c("hostname", "REGEX", "'a\\\\.b'")));
        assertFalse(matches("{'hostname':'axb'}", c("hostname", "REGEX", "'a\\\\.b'")));
        assertTrue(matches("{'hostname':'a\\\\b'}", c("hostname", "REGEX", "'a\\\\\\\\b'")));
        // metacharacters of either engine inside classes are literal
        assertTrue(matches("{'hostname':'&'}", c("hostname", "REGEX", "'[a&&b]'")));
        assertTrue(matches("{'hostname':'['}", c("hostname", "REGEX", "'[[]'")));
        // repetition and alternation
        assertTrue(matches("{'hostname':'aaab'}", c("hostname", "REGEX", "'^a{2,3}b$'")));
        assertFalse(matches("{'hostname':'aaaab'}", c("hostname", "REGEX", "'^a{2,3}b$'")));
        assertTrue(matches("{'hostname':'srv-1'}", c("hostname", "REGEX", "'^(pc|srv)-[0-9]+$'")));
    }

    @Test
    void regexOnVeryLongTextsDoesNotMatch() {
        String limit = "a".repeat(4096);
        assertTrue(matches("{'hostname':'" + limit + "'}", c("hostname", "REGEX", "'a'")));
        assertFalse(matches("{'hostname':'" + limit + "a'}", c("hostname", "REGEX", "'a'")));
        // the limit counts code points, as PostgreSQL's char_length does
        String emoji = "😀".repeat(4096);
        assertTrue(matches("{'hostname':'" + emoji + "'}", c("hostname", "REGEX", "'^.'")));
        assertFalse(matches("{'tags':['" + limit + "a']}", c("tags", "REGEX", "'a'")));
    }

    @Test
    void patternsThatDefeatBacktrackingEnginesRunInLinearTime() {
        // (.*a){12}b takes seconds in java.util.regex on 30 characters; x at the end matches
        Rule rule = RuleParser.parse(json("{'op':'AND','rules':[" + c("hostname", "REGEX", "'(.*a){12}b|x$'") + "]}"));
        DeviceFacts facts = DeviceFacts.from(json("{'hostname':'" + "a".repeat(4000) + "x'}"));
        boolean result = assertTimeoutPreemptively(Duration.ofSeconds(2), () -> RuleEvaluator.matches(rule, facts));
        assertTrue(result);
        assertFalse(RuleEvaluator.matches(rule, DeviceFacts.from(json("{'hostname':'" + "a".repeat(4000) + "'}"))));
    }

    @Test
    void repeatedGroupsDoNotOverflowTheStackOnLongTexts() {
        // java.util.regex recurses per iteration of (a|b)* and overflows a 1 MB stack at about 2000 characters
        SafeRegex regex = RuleEvaluator.regex("^(a|b)*0$");
        assertTrue(regex.find("ab".repeat(2047) + "0"));
        assertFalse(regex.find("ab".repeat(2047) + "c"));
    }

    @Test
    void theWorstCaseCostIsBounded() {
        // the largest automaton the limits allow, on the longest text that can match
        SafeRegex regex = RuleEvaluator.regex("(.{1,45}){20}y|" + "(a|b)*".repeat(20) + "y");
        String text = "a".repeat(4096);
        regex.find(text); // warm up
        long start = System.nanoTime();
        assertFalse(regex.find(text));
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(millis < 1_000, "took " + millis + " ms");
    }
}
