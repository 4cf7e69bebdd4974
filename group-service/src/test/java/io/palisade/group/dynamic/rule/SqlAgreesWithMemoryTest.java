package io.palisade.group.dynamic.rule;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.palisade.local.LocalPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The SQL path ({@link SqlCompiler} over the columns written from {@link DeviceFacts#values()}) and the memory path
 * ({@link RuleEvaluator} over {@link DeviceFacts}) select the same devices, on random rules over a table of random
 * inventories in a real PostgreSQL (schema V1__group_schema.sql).
 *
 * <p>Randomized with plain JUnit: the generators below draw from {@link Gen}, seeded by {@code -Dpalisade.seed=...}
 * (or a random seed, printed at the start); every failure says how to reproduce it. There is no automatic shrinking:
 * a failing rule is reduced greedily (children, nested groups and IN items removed while SQL and memory still
 * disagree) and reported as canonical JSON with its SQL, parameters and the devices that differ.
 */
@ExtendWith(Gen.ReportSeed.class)
class SqlAgreesWithMemoryTest {
    private static final int DEVICES = 200;
    private static final int RULE_TRIES = 1000;
    private static final int REGEX_TRIES = 500;
    private static final int VERSION_TRIES = 100;
    /** At most this many differing devices are shown in a failure. */
    private static final int SHOWN_DEVICES = 10;
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private static LocalPostgres postgres;
    private static Connection db;
    private static List<Device> devices;

    record Device(UUID id, JsonNode inventory, DeviceFacts facts) {
    }

    // ------------------------------------------------------------------------------------------------- vocabulary

    static final List<String> PLATFORMS = List.of("WINDOWS", "MACOS", "LINUX");
    static final List<String> OS_NAMES = List.of("Windows 10 Pro", "Windows 11 Enterprise", "Windows Server 2022",
            "macOS Sonoma", "Ubuntu 22.04 LTS", "Debian GNU/Linux 12", "ÉCOLE Édition", "100% Linux_Box");
    static final List<String> VERSIONS = List.of("10.0.19045", "10.0.9", "10.0.22631", "10.0.19045.3693", "14.2.1",
            "14.10", "22.04", "12", "1.0", "1.00", "1.0.0", "2.0-beta", "2.0_RC1", "2.0", "v3", "10.0.0009", "1.0-é",
            "1.0-f", "1.0-E", "1.0 Beta");
    static final List<String> HOSTNAMES = List.of("pc-01", "PC-02", "pc-10", "srv-db-1", "SRV-WEB-2",
            "laptop.acme.local", "Kiosk_7", "mac-ÄÖÜ", "host%1", "a\\b", "line\nbreak", "Straße-😀");
    static final List<String> AGENT_VERSIONS = List.of("1.2.3", "1.10.0", "1.9.9", "1.10", "2.0.0-rc1", "1.2.03");
    static final List<Long> RAM = List.of(2048L, 4096L, 8192L, 16384L, 32768L, 0L, -1L);
    static final List<String> ADDRESSES = List.of("10.0.0.1", "10.0.0.2", "10.0.1.5", "10.1.2.3", "192.168.1.10",
            "192.168.1.200", "192.168.2.20", "172.16.0.1", "127.0.0.1", "0.0.0.0", "255.255.255.255");
    static final List<String> BAD_ADDRESSES = List.of("10.0.0.1/24", " 10.0.0.7 ", "999.1.1.1", "abc", "fe80::1",
            "010.0.0.1");
    static final List<String> BLOCKS = List.of("10.0.0.0/8", "10.0.0.0/24", "192.168.0.0/16", "192.168.1.0/25",
            "0.0.0.0/0", "172.16.0.1", "10.0.1.5/32", "128.0.0.0/1", "255.255.255.254/31");
    static final List<String> PRODUCTS = List.of("ESET Endpoint Security", "ESET Server Security", "Google Chrome",
            "Mozilla Firefox", "7-Zip");
    static final List<String> PRODUCT_VERSIONS = List.of("10.1.2045.0", "9.0.2032", "11.0.2032.6",
            "120.0.6099.110", "23.01", "10.1", "10.1-é", "10.1-f");
    static final List<String> STATUSES = List.of("protected", "AT_RISK", "Unprotected", "degraded");
    static final List<String> TAGS = List.of("server", "Laptop", "VIP", "test", "prod", "eu-west", "eu_west", "ÄRGER");
    static final List<String> REGEXES = List.of("^pc-\\d+$", "SRV", "^(srv|pc)-", "\\.local$", "[0-9]{2}", "^10\\.",
            "\\.1$", "^192\\.168\\.[12]\\.", "windows (10|11)", "^eset", "security$", "_", "[_-]", "^.{5,6}$", "ä",
            "[À-Ü]", "[^a-z]", "^[a-z]+$", "\\s", "\\w+\\s\\w+", "e.*e", "(a|e|i|o|u){2}", "^$|x", "%", "\\\\",
            "[]a]", "^[-a-z0-9.]+$", "😀", "ss", "ß", "^2\\.0", "beta|rc", "^1\\.(9|10)");

    static List<String> textPool(Attribute attribute) {
        return switch (attribute) {
            case OS_PLATFORM -> PLATFORMS;
            case OS_NAME -> OS_NAMES;
            case OS_VERSION -> VERSIONS;
            case HOSTNAME -> HOSTNAMES;
            case AGENT_VERSION -> AGENT_VERSIONS;
            case NETWORK_IPV4 -> ADDRESSES;
            case PRODUCTS_NAME -> PRODUCTS;
            case PRODUCTS_VERSION -> PRODUCT_VERSIONS;
            case PROTECTION_STATUS -> STATUSES;
            case TAGS -> TAGS;
            case HARDWARE_RAM_MB -> throw new IllegalArgumentException();
        };
    }

    // ------------------------------------------------------------------------------------------------ the database

    @BeforeAll
    static void startDatabase() throws Exception {
        System.out.printf("SqlAgreesWithMemoryTest: seed %d (%s)%n", Gen.SEED, Gen.reproduce());
        postgres = LocalPostgres.start(null, 0);
        String database = "rule_engine_test";
        try (Connection admin = DriverManager.getConnection(postgres.jdbcUrl("postgres"), postgres.username(),
                postgres.password()); Statement s = admin.createStatement()) {
            // a non-C collation where the server has ICU, to show that nothing depends on the database collation
            try {
                s.execute("CREATE DATABASE " + database + " ENCODING 'UTF8' TEMPLATE template0 "
                        + "LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'");
            } catch (SQLException noIcu) {
                s.execute("CREATE DATABASE " + database + " ENCODING 'UTF8' TEMPLATE template0");
            }
        }
        db = DriverManager.getConnection(postgres.jdbcUrl(database), postgres.username(), postgres.password());
        try (Statement s = db.createStatement()) {
            s.execute(schema());
            try (ResultSet rs = s.executeQuery("SELECT datlocprovider, datcollate, pg_encoding_to_char(encoding)"
                    + " FROM pg_database WHERE datname = current_database()")) {
                rs.next();
                System.out.printf("rule engine test database: provider %s, collate %s, encoding %s%n",
                        rs.getString(1), rs.getString(2), rs.getString(3));
            }
        }
        UUID group = UUID.randomUUID();
        try (PreparedStatement ps = db.prepareStatement("INSERT INTO group_node (id, name, kind, tenant_path, group_path)"
                + " VALUES (?, 'All', 'STATIC', '/', ?)")) {
            ps.setObject(1, group);
            ps.setString(2, "/" + group + "/");
            ps.executeUpdate();
        }
        // the table of inventories depends on the seed too
        Gen random = Gen.forTry("inventories", 0);
        devices = new ArrayList<>();
        String insert = "INSERT INTO device (id, name, customer_id, tenant_path, static_group_id, status, inventory, "
                + String.join(", ", DeviceFacts.columns()) + ") VALUES (?, ?, ?, '/', ?, 'ACTIVE', ?::jsonb, "
                + jdbc(String.join(", ", DeviceFacts.placeholders(1))) + ")";
        try (PreparedStatement ps = db.prepareStatement(insert)) {
            for (int i = 0; i < DEVICES; i++) {
                JsonNode inventory = i == 0 ? null : i == 1 ? JSON.objectNode() : inventory(random);
                DeviceFacts facts = DeviceFacts.from(inventory);
                UUID id = new UUID(0, i);
                devices.add(new Device(id, inventory, facts));
                ps.setObject(1, id);
                ps.setString(2, "device-" + i);
                ps.setObject(3, group);
                ps.setObject(4, group);
                ps.setString(5, inventory == null ? null : Texts.sanitize(inventory.toString()));
                List<Object> values = facts.values();
                for (int c = 0; c < values.size(); c++) {
                    Object value = values.get(c);
                    // empty lists are written as NULL by values(); half of them as '{}' here: both must work
                    if (value == null && c >= 9 && random.coin()) {
                        value = new String[0];
                    }
                    bind(ps, 6 + c, value);
                }
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    @AfterAll
    static void stopDatabase() throws SQLException {
        try {
            if (db != null) {
                db.close();
            }
        } finally {
            if (postgres != null) {
                postgres.close();
            }
        }
    }

    private static String schema() throws IOException {
        try (InputStream in = SqlAgreesWithMemoryTest.class.getResourceAsStream(
                "/db/migration/V1__group_schema.sql")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** $n placeholders to JDBC's ?. */
    private static String jdbc(String sql) {
        return sql.replaceAll("\\$\\d+", "?");
    }

    private static void bind(PreparedStatement ps, int index, Object value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.OTHER);
        } else if (value instanceof String s) {
            ps.setString(index, s);
        } else if (value instanceof Long l) {
            ps.setLong(index, l);
        } else if (value instanceof String[] a) {
            ps.setArray(index, ps.getConnection().createArrayOf("text", a));
        } else if (value instanceof Long[] a) {
            ps.setArray(index, ps.getConnection().createArrayOf("bigint", a));
        } else {
            throw new IllegalArgumentException("unexpected parameter type " + value.getClass());
        }
    }

    private static Set<UUID> select(SqlPredicate predicate, String where) throws SQLException {
        try (PreparedStatement ps = db.prepareStatement("SELECT id FROM device d WHERE " + where)) {
            for (int i = 0; i < predicate.parameters().size(); i++) {
                bind(ps, i + 1, predicate.parameters().get(i));
            }
            Set<UUID> ids = new HashSet<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getObject(1, UUID.class));
                }
            }
            return ids;
        }
    }

    // -------------------------------------------------------------------------------------------------- inventories

    private static JsonNode inventory(Gen r) {
        ObjectNode inv = JSON.objectNode();
        if (!r.oneIn(10)) {
            inv.set("hostname", r.oneIn(30) ? JSON.numberNode(7) : JSON.textNode(r.pick(HOSTNAMES)));
        }
        if (!r.oneIn(10)) {
            ObjectNode os = inv.putObject("os");
            if (!r.oneIn(8)) {
                String platform = r.pick("WINDOWS", "Windows", "windows", "macOS", "MACOS", "Linux", "linux",
                        "FreeBSD", "");
                os.set("platform", r.oneIn(30) ? JSON.numberNode(1) : JSON.textNode(platform));
            }
            if (!r.oneIn(8)) {
                os.put("name", scramble(r, r.pick(OS_NAMES)));
            }
            if (!r.oneIn(8)) {
                os.put("version", scramble(r, r.pick(VERSIONS)));
            }
        } else if (r.coin()) {
            inv.put("os", "garbage");
        }
        if (!r.oneIn(10)) {
            inv.putObject("agent").put("version", r.pick(AGENT_VERSIONS));
        }
        if (!r.oneIn(8)) {
            ObjectNode hw = inv.putObject("hardware");
            switch (r.below(12)) {
                case 0 -> hw.put("ramMb", "8192");
                case 1 -> hw.put("ramMb", 8192.0);
                case 2 -> hw.put("ramMb", 1.5);
                case 3 -> { }
                default -> hw.put("ramMb", r.pick(RAM));
            }
            hw.put("cpu", "x86_64");
        }
        if (!r.oneIn(8)) {
            ArrayNode ips = inv.putObject("network").putArray("ipv4");
            int n = r.below(4);
            for (int i = 0; i < n; i++) {
                if (r.oneIn(8)) {
                    ips.add(r.pick(BAD_ADDRESSES));
                } else if (r.oneIn(20)) {
                    ips.add(42);
                } else {
                    ips.add(r.pick(ADDRESSES));
                }
            }
        }
        if (!r.oneIn(8)) {
            ArrayNode products = inv.putArray("products");
            int n = r.below(4);
            for (int i = 0; i < n; i++) {
                ObjectNode p = products.addObject();
                if (!r.oneIn(8)) {
                    p.put("name", scramble(r, r.pick(PRODUCTS)));
                }
                if (!r.oneIn(6)) {
                    p.put("version", r.pick(PRODUCT_VERSIONS));
                }
            }
            if (r.oneIn(20)) {
                products.add("not an object");
            }
        }
        if (!r.oneIn(8)) {
            inv.putObject("protection").put("status", scramble(r, r.pick(STATUSES)));
        }
        if (!r.oneIn(8)) {
            ArrayNode tags = inv.putArray("tags");
            int n = r.below(4);
            for (int i = 0; i < n; i++) {
                tags.add(r.oneIn(25) ? JSON.booleanNode(true) : JSON.textNode(scramble(r, r.pick(TAGS))));
            }
        } else if (r.oneIn(10)) {
            inv.put("tags", "server");
        }
        return inv;
    }

    private static String scramble(Gen r, String s) {
        return switch (r.below(4)) {
            case 0 -> s.toUpperCase(Locale.ROOT);
            case 1 -> s.toLowerCase(Locale.ROOT);
            default -> s;
        };
    }

    // ------------------------------------------------------------------------------------------------------ checks

    @Test
    void storedColumnsAreTheFacts() throws SQLException {
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("SELECT id, os_platform, os_version_key, "
                + "ram_mb, array(SELECT host(x) FROM unnest(ipv4) x ORDER BY x) AS ips, product_version_keys, tags "
                + "FROM device")) {
            int rows = 0;
            while (rs.next()) {
                rows++;
                Device d = devices.get((int) rs.getObject(1, UUID.class).getLeastSignificantBits());
                DeviceFacts f = d.facts();
                String where = "device " + d.id() + " inventory " + d.inventory() + ": ";
                assertEquals(f.osPlatform(), rs.getString(2), where + "os_platform");
                assertEquals(f.osVersionKey(), rs.getString(3), where + "os_version_key");
                assertEquals(f.ramMb(), rs.getObject(4), where + "ram_mb");
                assertEquals(new TreeSet<>(f.ipv4()), new TreeSet<>(List.of((String[]) rs.getArray(5).getArray())),
                        where + "ipv4");
                String[] keys = rs.getArray(6) == null ? new String[0] : (String[]) rs.getArray(6).getArray();
                assertEquals(f.productVersionKeys(), List.of(keys), where + "product_version_keys");
                String[] tags = rs.getArray(7) == null ? new String[0] : (String[]) rs.getArray(7).getArray();
                assertEquals(f.tags(), List.of(tags), where + "tags");
            }
            assertEquals(DEVICES, rows);
        }
        // the table is varied enough for the property to mean something
        long platforms = devices.stream().filter(d -> d.facts().osPlatform() != null).count();
        assertTrue(platforms > 100, "only " + platforms + " devices with a platform");
        long tagged = devices.stream().filter(d -> d.facts().tags().size() > 1).count();
        assertTrue(tagged > 20, "only " + tagged + " devices with more than one tag");
    }

    /**
     * The service talks to PostgreSQL through the Vert.x client: it binds the parameters as they are (String, Long,
     * String[], Long[]) for every attribute and operator, and the fact columns through {@link DeviceFacts#assignments}.
     */
    @Test
    void theVertxClientBindsEveryKindOfParameter() throws Exception {
        io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
        try {
            io.vertx.pgclient.PgConnectOptions options = new io.vertx.pgclient.PgConnectOptions()
                    .setHost(postgres.host()).setPort(postgres.port()).setDatabase(db.getCatalog())
                    .setUser(postgres.username()).setPassword(postgres.password());
            io.vertx.sqlclient.Pool pool = io.vertx.pgclient.PgBuilder.pool().connectingTo(options).using(vertx).build();
            try {
                int checked = 0;
                for (Attribute attribute : Attribute.values()) {
                    for (Operator operator : attribute.type().operators()) {
                        Object value = operator.valueless() ? null : sample(attribute, operator);
                        Rule rule = RuleParser.parse(RuleParser.toJson(new Rule.Group(Op.AND,
                                List.of(new Rule.Condition(attribute, operator, value)))));
                        Set<UUID> expected = devices.stream().filter(d -> RuleEvaluator.matches(rule, d.facts()))
                                .map(Device::id).collect(Collectors.toSet());
                        SqlPredicate predicate = SqlCompiler.compile(rule, "d", 2);
                        List<Object> args = new ArrayList<>();
                        args.add("ACTIVE");
                        args.addAll(predicate.parameters());
                        io.vertx.sqlclient.RowSet<io.vertx.sqlclient.Row> rows = pool
                                .preparedQuery("SELECT id FROM device d WHERE d.status = $1 AND " + predicate.sql())
                                .execute(io.vertx.sqlclient.Tuple.from(args)).toCompletionStage().toCompletableFuture()
                                .get(30, TimeUnit.SECONDS);
                        Set<UUID> selected = new HashSet<>();
                        rows.forEach(row -> selected.add(row.getUUID(0)));
                        assertEquals(expected, selected, () -> "Vert.x client, " + attribute.jsonName() + " "
                                + operator + " (" + Gen.reproduce() + ")\n"
                                + explain(rule, predicate, expected, selected));
                        checked++;
                    }
                }
                assertTrue(checked > 80, "only " + checked + " attribute × operator pairs");

                // writing the facts the way the service does: UPDATE ... SET <assignments>
                DeviceFacts facts = DeviceFacts.from(RuleParserTest.json("{'hostname':'Vertx','network':{'ipv4':"
                        + "['10.9.8.7']},'hardware':{'ramMb':1},'tags':['A'],'products':[{'name':'P','version':'1.0'}]}"));
                UUID id = devices.get(0).id();
                try {
                    writeFacts(pool, id, facts);
                    Rule rule = RuleParser.parse(RuleParserTest.json("{'op':'AND','rules':[{'attribute':'network.ipv4',"
                            + "'operator':'IN','value':['10.9.0.0/16']},{'attribute':'hostname','operator':'EQ',"
                            + "'value':'VERTX'}]}"));
                    SqlPredicate predicate = SqlCompiler.compile(rule, "d", 1, false,
                            SqlCompiler.Placeholders.QUESTION_MARK);
                    Set<UUID> selected = select(predicate, predicate.sql());
                    assertEquals(Set.of(id), selected, () -> "facts written through DeviceFacts.assignments\n"
                            + explain(rule, predicate, Set.of(id), selected));
                } finally {
                    // put the original facts back for the other checks
                    writeFacts(pool, id, devices.get(0).facts());
                }
            } finally {
                pool.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            }
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    private static void writeFacts(io.vertx.sqlclient.Pool pool, UUID id, DeviceFacts facts) throws Exception {
        List<Object> args = new ArrayList<>();
        args.add(id);
        args.addAll(facts.values());
        pool.preparedQuery("UPDATE device SET " + DeviceFacts.assignments(2) + " WHERE id = $1")
                .execute(io.vertx.sqlclient.Tuple.from(args)).toCompletionStage().toCompletableFuture()
                .get(30, TimeUnit.SECONDS);
    }

    /** A value from the vocabulary that fits the attribute and operator (IN: a list of two). */
    private static Object sample(Attribute attribute, Operator operator) {
        Object item;
        if (attribute == Attribute.HARDWARE_RAM_MB) {
            item = 8192L;
        } else if (operator == Operator.REGEX) {
            item = "^[a-z0-9]+[.-]";
        } else if (attribute == Attribute.NETWORK_IPV4 && operator == Operator.IN) {
            item = "10.0.0.0/24";
        } else if (attribute == Attribute.NETWORK_IPV4 && operator.substring()) {
            item = "0.";
        } else if (operator.substring()) {
            item = textPool(attribute).get(0).substring(0, 3);
        } else {
            item = textPool(attribute).get(0);
        }
        if (operator == Operator.IN) {
            return attribute == Attribute.HARDWARE_RAM_MB ? List.of(4096L, 8192L)
                    : List.of(item, textPool(attribute).get(1));
        }
        return item;
    }

    @Test
    void sqlSelectsExactlyTheDevicesTheEvaluatorMatches() {
        Map<String, Integer> selection = new TreeMap<>();
        for (int t = 0; t < RULE_TRIES; t++) {
            Rule generated = rule(Gen.forTry("rules", t));
            String where = "rule try " + t + " of " + RULE_TRIES + " (" + Gen.reproduce() + ")";

            // the generated rule is valid, and its canonical form (e.g. 10.0.1.5/32 -> 10.0.1.5) round-trips
            Rule rule;
            try {
                rule = RuleParser.parse(RuleParser.toJson(generated));
            } catch (RuleValidationException e) {
                throw new AssertionError(where + ": the generated rule is invalid: " + e.getMessage()
                        + "\nrule " + RuleParser.toJson(generated), e);
            }
            assertEquals(rule, RuleParser.parse(RuleParser.toJson(rule)),
                    where + ": the canonical form does not round-trip: " + RuleParser.toJson(rule));

            Set<UUID> expected = matching(rule);
            selection.merge(expected.isEmpty() ? "none" : expected.size() == DEVICES ? "all" : "some", 1, Integer::sum);

            String disagreement = disagreement(rule);
            if (disagreement != null) {
                fail(where + ": SQL and memory disagree\n" + shrink(rule, disagreement));
            }
        }
        System.out.printf("random rules: %d tries, selected devices %s%n", RULE_TRIES, percentages(selection));
        // the rules are varied enough for the property to mean something
        assertTrue(selection.getOrDefault("some", 0) > RULE_TRIES / 4,
                "too few rules select some but not all devices: " + selection);
    }

    private static Set<UUID> matching(Rule rule) {
        Predicate<DeviceFacts> memory = RuleEvaluator.compile(rule);
        return devices.stream().filter(d -> memory.test(d.facts())).map(Device::id).collect(Collectors.toSet());
    }

    /**
     * Null when SQL (compile, NOT booleanSql, compileNot) selects exactly the devices the evaluator matches (and
     * the others); else what differs.
     */
    private static String disagreement(Rule rule) {
        SqlPredicate predicate = null;
        try {
            Set<UUID> expected = matching(rule);
            Set<UUID> others = devices.stream().map(Device::id).filter(id -> !expected.contains(id))
                    .collect(Collectors.toSet());

            predicate = SqlCompiler.compile(rule, "d", 1, false, SqlCompiler.Placeholders.QUESTION_MARK);
            Set<UUID> selected = select(predicate, predicate.sql());
            if (!selected.equals(expected)) {
                return "WHERE sql(): " + explain(rule, predicate, expected, selected);
            }
            Set<UUID> notBoolean = select(predicate, "NOT " + predicate.booleanSql());
            if (!notBoolean.equals(others)) {
                return "WHERE NOT booleanSql(): " + explain(rule, predicate, others, notBoolean);
            }
            predicate = SqlCompiler.compile(rule, "d", 1, true, SqlCompiler.Placeholders.QUESTION_MARK);
            Set<UUID> negated = select(predicate, predicate.sql());
            if (!negated.equals(others)) {
                return "WHERE compileNot: " + explain(rule, predicate, others, negated);
            }
            return null;
        } catch (SQLException | RuntimeException e) {
            return "error " + e + "\nrule " + RuleParser.toJson(rule)
                    + (predicate == null ? "" : "\nsql " + predicate.sql() + "\nparameters " + parameters(predicate));
        }
    }

    /**
     * Greedily removes children, nested groups and IN items while SQL and memory still disagree; the smallest rule
     * found, with what differs, and the original rule.
     */
    private static String shrink(Rule failing, String disagreement) {
        Rule current = failing;
        String why = disagreement;
        int steps = 0;
        boolean smaller = true;
        while (smaller && steps < 500) {
            smaller = false;
            for (Rule candidate : smaller(current)) {
                Rule valid;
                try {
                    valid = RuleParser.parse(RuleParser.toJson(candidate));
                } catch (RuleValidationException e) {
                    continue;
                }
                String still = disagreement(valid);
                if (still != null) {
                    current = valid;
                    why = still;
                    steps++;
                    smaller = true;
                    break;
                }
            }
        }
        if (steps == 0) {
            return why;
        }
        return "generated rule " + RuleParser.toJson(failing) + "\nreduced in " + steps + " steps (" + size(failing)
                + " -> " + size(current) + " nodes) to the rule below, which still fails\n" + why;
    }

    /** Every rule one step smaller than the rule: a child removed, a group replaced by a child, an IN item removed. */
    private static List<Rule> smaller(Rule rule) {
        List<Rule> out = new ArrayList<>();
        if (rule instanceof Rule.Group g) {
            List<Rule> children = g.rules();
            for (int i = 0; i < children.size(); i++) {
                List<Rule> without = new ArrayList<>(children);
                without.remove(i);
                out.add(new Rule.Group(g.op(), without));
            }
            for (Rule child : children) {
                if (child instanceof Rule.Group) {
                    out.add(child);
                }
            }
            for (int i = 0; i < children.size(); i++) {
                for (Rule s : smaller(children.get(i))) {
                    List<Rule> replaced = new ArrayList<>(children);
                    replaced.set(i, s);
                    out.add(new Rule.Group(g.op(), replaced));
                }
            }
        } else if (rule instanceof Rule.Condition c && c.value() instanceof List<?> items && items.size() > 1) {
            for (int i = 0; i < items.size(); i++) {
                List<Object> without = new ArrayList<>(items);
                without.remove(i);
                out.add(new Rule.Condition(c.attribute(), c.operator(), without));
            }
        }
        return out;
    }

    private static int size(Rule rule) {
        return rule instanceof Rule.Group g ? 1 + g.rules().stream().mapToInt(SqlAgreesWithMemoryTest::size).sum() : 1;
    }

    @Test
    void regexMatchesInMemoryAsInPostgres() throws Exception {
        Map<String, Integer> matches = new TreeMap<>();
        for (int t = 0; t < REGEX_TRIES; t++) {
            Gen r = Gen.forTry("regexes", t);
            String pattern = regex(r);
            List<String> random = texts(r);
            SafeRegex regex = SafeRegex.compile(pattern);
            List<String> texts = new ArrayList<>(regexTexts());
            random.stream().map(Texts::lower).filter(x -> !texts.contains(x)).distinct().forEach(texts::add);
            Set<String> java = texts.stream().filter(regex::find).collect(Collectors.toSet());
            matches.merge(java.isEmpty() ? "none" : java.size() == texts.size() ? "all" : "some", 1, Integer::sum);
            Set<String> pg = new HashSet<>();
            try (PreparedStatement ps = db.prepareStatement("SELECT t FROM unnest(?::text[]) AS t WHERE t ~ ?::text")) {
                ps.setArray(1, db.createArrayOf("text", texts.toArray()));
                ps.setString(2, regex.postgresPattern());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        pg.add(rs.getString(1));
                    }
                }
            }
            if (!java.equals(pg)) {
                Set<String> onlyJava = new TreeSet<>(java);
                onlyJava.removeAll(pg);
                Set<String> onlyPg = new TreeSet<>(pg);
                onlyPg.removeAll(java);
                fail("regex try " + t + " of " + REGEX_TRIES + " (" + Gen.reproduce() + "): pattern " + quote(pattern)
                        + ", postgres pattern " + quote(regex.postgresPattern())
                        + "\nmatched only in memory: " + quoted(onlyJava)
                        + "\nmatched only in PostgreSQL: " + quoted(onlyPg));
            }
        }
        System.out.printf("random regexes: %d tries, matching texts %s%n", REGEX_TRIES, percentages(matches));
    }

    @Test
    void theLargestPatternsOfTheSubsetAgreeOnTheLongestTexts() throws Exception {
        List<String> patterns = List.of(
                "(a{50}){20}",
                "(".repeat(127) + "a" + ")".repeat(127),
                "[a-z]{100}[0-9]{100}",
                "(.*a){12}b|x$",
                "^(a|b|c|d|e|f|g|h|i|j|k|l|m|n|o|p|q|r|s|t|u|v|w|x|y|z)*x$",
                "^(.{1,49}){1,20}x$",
                "^((a|b)*)*x",
                "[^\\w\\s\\d]{0,100}x{1,}y?z*");
        List<String> texts = List.of("a".repeat(4095) + "x", "a".repeat(4096) + "x", "ab".repeat(2000) + "x",
                "a".repeat(4095) + "y");
        try (Statement s = db.createStatement()) {
            s.execute("SET statement_timeout = '10s'");
        }
        try {
            for (String pattern : patterns) {
                SafeRegex regex = SafeRegex.compile(pattern);
                for (String text : texts) {
                    long start = System.nanoTime();
                    boolean pg;
                    try (PreparedStatement ps = db.prepareStatement(
                            "SELECT char_length(?::text) <= 4096 AND ?::text ~ ?::text")) {
                        ps.setString(1, text);
                        ps.setString(2, text);
                        ps.setString(3, regex.postgresPattern());
                        try (ResultSet rs = ps.executeQuery()) {
                            rs.next();
                            pg = rs.getBoolean(1);
                        }
                    }
                    long pgMicros = (System.nanoTime() - start) / 1_000;
                    start = System.nanoTime();
                    boolean memory = regex.find(text);
                    long memoryMicros = (System.nanoTime() - start) / 1_000;
                    System.out.printf("%-32.32s on %4d chars: postgres %-5s %6d µs, memory %-5s %6d µs%n", pattern,
                            text.length(), pg, pgMicros, memory, memoryMicros);
                    assertEquals(pg, memory, "memory vs postgres for " + pattern + " on " + text.length()
                            + " characters (" + text.substring(0, 8) + "…" + text.substring(text.length() - 4) + ")");
                }
            }
        } finally {
            try (Statement s = db.createStatement()) {
                s.execute("RESET statement_timeout");
            }
        }
    }

    @Test
    void versionKeysSortAlikeInJavaAndPostgres() throws SQLException {
        for (int t = 0; t < VERSION_TRIES; t++) {
            List<String> versions = versionList(Gen.forTry("versions", t));
            List<String> keys = versions.stream().map(v -> Texts.versionKey(Texts.lower(v))).toList();
            List<String> java = keys.stream().sorted(Texts::compareCodePoints).toList();
            List<String> pg = new ArrayList<>();
            try (PreparedStatement ps = db.prepareStatement(
                    "SELECT k FROM unnest(?::text[]) AS k ORDER BY k COLLATE \"C\"")) {
                ps.setArray(1, db.createArrayOf("text", keys.toArray()));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        pg.add(rs.getString(1));
                    }
                }
            }
            int tryIndex = t;
            assertEquals(java, pg, () -> "version try " + tryIndex + " of " + VERSION_TRIES + " (" + Gen.reproduce()
                    + "): keys sorted in Java vs PostgreSQL COLLATE \"C\"; versions " + quoted(versions));
        }
    }

    private static String explain(Rule rule, SqlPredicate predicate, Set<UUID> expected, Set<UUID> actual) {
        StringBuilder out = new StringBuilder("rule ").append(RuleParser.toJson(rule)).append("\nsql ")
                .append(predicate.sql()).append("\nparameters ").append(parameters(predicate));
        int missing = 0;
        int extra = 0;
        for (Device d : devices) {
            if (expected.contains(d.id()) != actual.contains(d.id())) {
                if (expected.contains(d.id())) {
                    missing++;
                } else {
                    extra++;
                }
                if (missing + extra <= SHOWN_DEVICES) {
                    out.append("\n").append(expected.contains(d.id()) ? "missing " : "extra ").append(d.id())
                            .append(" facts ").append(d.facts()).append(" inventory ").append(d.inventory());
                }
            }
        }
        if (missing + extra > SHOWN_DEVICES) {
            out.append("\n... and ").append(missing + extra - SHOWN_DEVICES).append(" more devices");
        }
        return out.insert(0, "expected " + expected.size() + " devices, selected " + actual.size() + " (" + missing
                + " missing, " + extra + " extra)\n").toString();
    }

    private static List<String> parameters(SqlPredicate predicate) {
        return predicate.parameters().stream()
                .map(p -> p instanceof Object[] a ? Arrays.toString(a) : String.valueOf(p)).toList();
    }

    private static String percentages(Map<String, Integer> counts) {
        int total = counts.values().stream().mapToInt(Integer::intValue).sum();
        return counts.entrySet().stream().map(e -> e.getKey() + " " + e.getValue() + " (" + (100 * e.getValue() / total)
                + " %)").collect(Collectors.joining(", "));
    }

    private static String quote(String s) {
        return JSON.textNode(s).toString();
    }

    private static String quoted(java.util.Collection<String> texts) {
        return texts.stream().map(SqlAgreesWithMemoryTest::quote).collect(Collectors.joining(", ", "[", "]"));
    }

    // ---------------------------------------------------------------------------------------------------- rules

    /** A random root group. */
    static Rule rule(Gen r) {
        return group(r, 1);
    }

    private static Rule group(Gen r, int depth) {
        Op op = r.pick(Op.values());
        // 1 in 13 groups is empty; the others have 1 to 3 (root) or 4 children, a quarter of them groups up to depth 4
        List<Rule> children = r.oneIn(13) ? List.of() : r.list(1, depth == 1 ? 3 : 4,
                () -> depth >= 4 ? condition(r) : r.frequency(3, () -> condition(r), 1, () -> group(r, depth + 1)));
        return new Rule.Group(op, children);
    }

    private static Rule condition(Gen r) {
        Attribute attribute = r.pick(Attribute.values());
        Operator operator = r.pick(List.copyOf(attribute.type().operators()));
        return new Rule.Condition(attribute, operator, value(r, attribute, operator));
    }

    private static Object value(Gen r, Attribute attribute, Operator operator) {
        if (operator.valueless()) {
            return null;
        }
        if (operator == Operator.IN) {
            return List.copyOf(r.list(1, 4, () -> item(r, attribute, operator)));
        }
        return item(r, attribute, operator);
    }

    private static Object item(Gen r, Attribute attribute, Operator operator) {
        if (attribute == Attribute.HARDWARE_RAM_MB) {
            return r.frequency(4, () -> r.pick(RAM), 1,
                    () -> r.oneIn(5) ? r.pick(-10L, -1L, 0L, 1L, 40_000L) : r.between(-10L, 40_000L));
        }
        if (operator == Operator.REGEX) {
            return r.frequency(3, () -> r.pick(REGEXES), 1, () -> regex(r));
        }
        if (attribute == Attribute.NETWORK_IPV4 && operator == Operator.IN) {
            return r.coin() ? r.pick(BLOCKS) : r.pick(ADDRESSES);
        }
        if (attribute == Attribute.OS_PLATFORM) {
            return r.pick(PLATFORMS);
        }
        String text = r.pick(textPool(attribute));
        if (operator.substring() && r.coin()) {
            text = part(r, text, operator);
        }
        return switch (r.below(3)) {
            case 0 -> text.toUpperCase(Locale.ROOT);
            case 1 -> text.toLowerCase(Locale.ROOT);
            default -> text;
        };
    }

    /** A piece of a pool value that fits the operator (prefix, suffix or infix), cut between code points. */
    private static String part(Gen r, String s, Operator operator) {
        int[] cps = s.codePoints().toArray();
        int a = r.between(0, cps.length);
        int b = r.between(a, cps.length);
        return switch (operator) {
            case STARTS_WITH -> new String(cps, 0, b);
            case ENDS_WITH -> new String(cps, a, cps.length - a);
            default -> new String(cps, a, b - a);
        };
    }

    // -------------------------------------------------------------------------------------------------- regexes

    private static final List<String> REGEX_ATOMS = List.of("a", "b", "c", "A", "0", "1", "é", "É", " ", "_", "%",
            ".", ".", "\\.", "\\-", "\\\\", "\\d", "\\w", "\\s", "[a-c]", "[^ab]", "[A-C]", "[\\d.]", "[-a]", "[]a]",
            "[a-]", "[^\\w]", "[À-Ý]", "[\\s\\-]", "^", "$", "😀", "ß", "\n", "ǅ");
    private static final List<String> QUANTIFIERS = List.of("", "", "", "", "*", "+", "?", "{2}", "{1,}", "{0,2}",
            "{1,3}", "{0}", "{3,}", "{0,1}");

    /** A random pattern that {@link SafeRegex} accepts. */
    static String regex(Gen r) {
        for (int attempt = 0; attempt < 10_000; attempt++) {
            String pattern = regexBranch(r, 0) + (r.oneIn(4) ? "|" + regexBranch(r, 0) : "");
            if (valid(pattern)) {
                return pattern;
            }
        }
        throw new AssertionError("no valid random regex in 10000 attempts (" + Gen.reproduce() + ")");
    }

    private static boolean valid(String pattern) {
        try {
            SafeRegex.compile(pattern);
            return true;
        } catch (SafeRegex.SyntaxError e) {
            return false;
        }
    }

    private static String regexBranch(Gen r, int depth) {
        StringBuilder out = new StringBuilder();
        int n = 1 + r.below(depth == 0 ? 3 : 4);
        for (int i = 0; i < n; i++) {
            String atom;
            if (depth < 3 && r.oneIn(5)) {
                atom = "(" + regexBranch(r, depth + 1) + (r.coin() ? "|" + regexBranch(r, depth + 1) : "") + ")";
            } else {
                atom = r.pick(REGEX_ATOMS);
            }
            out.append(atom);
            if (!atom.equals("^") && !atom.equals("$")) {
                out.append(r.pick(QUANTIFIERS));
            }
        }
        return out.toString();
    }

    private static List<String> regexTexts;

    private static synchronized List<String> regexTexts() {
        if (regexTexts == null) {
            Set<String> texts = new TreeSet<>();
            for (List<String> pool : List.of(OS_NAMES, VERSIONS, HOSTNAMES, TAGS, PRODUCTS, ADDRESSES, STATUSES)) {
                pool.forEach(s -> texts.add(Texts.lower(s)));
            }
            texts.addAll(List.of("", "a", "b", "ab", "abc", "aaa", "ba", "a.b", "a-b", "a\\b", "[x]", "ab\n", "\nab",
                    "a\nb", "é", "éé", "a0", "00", "a b", "_", "%", "ß", "ss", "😀", "a😀b", "ǆ", "ǅ", "\t", "0.1-2"));
            regexTexts = List.copyOf(texts);
        }
        return regexTexts;
    }

    /** Up to 20 short texts: nine in ten from a small alphabet (up to 12 chars), the others with emoji. */
    private static List<String> texts(Gen r) {
        return r.list(0, 20, () -> r.frequency(9, () -> r.string("ab0.-_ éxAÉ\n", 12), 1,
                () -> r.pick("😀", "a😀b", "😀😀x")));
    }

    /** 2 to 30 versions: half from the vocabulary, half random (up to 12 chars, unpaired surrogates included). */
    private static List<String> versionList(Gen r) {
        return r.list(2, 30, () -> r.coin() ? r.pick(VERSIONS) : r.string("0123456789.-_abZ ~é😀!", 12));
    }
}
