package io.palisade.group.dynamic.rule;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.palisade.local.LocalPostgres;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

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
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The SQL path ({@link SqlCompiler} over the columns written from {@link DeviceFacts#values()}) and the memory path
 * ({@link RuleEvaluator} over {@link DeviceFacts}) select the same devices, on random rules over a fixed table of
 * random inventories in a real PostgreSQL (schema V1__group_schema.sql).
 */
class SqlAgreesWithMemoryProperties {
    private static final int DEVICES = 200;
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
            "[]a]", "^[-a-z0-9.]+$", "😀", "ss", "ß", "^2\\.0", "beta|rc", "^1\\.(9|10)\\b".replace("\\b", ""));

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

    @BeforeContainer
    static void startDatabase() throws Exception {
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
        Random random = new Random(20_240_917L);
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
                    if (value == null && c >= 9 && random.nextBoolean()) {
                        value = new String[0];
                    }
                    bind(ps, 6 + c, value);
                }
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    @AfterContainer
    static void stopDatabase() throws SQLException {
        if (db != null) {
            db.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    private static String schema() throws IOException {
        try (InputStream in = SqlAgreesWithMemoryProperties.class.getResourceAsStream(
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

    private static JsonNode inventory(Random r) {
        ObjectNode inv = JSON.objectNode();
        if (r.nextInt(10) > 0) {
            inv.set("hostname", r.nextInt(30) == 0 ? JSON.numberNode(7) : JSON.textNode(pick(r, HOSTNAMES)));
        }
        if (r.nextInt(10) > 0) {
            ObjectNode os = inv.putObject("os");
            if (r.nextInt(8) > 0) {
                String platform = pick(r, List.of("WINDOWS", "Windows", "windows", "macOS", "MACOS", "Linux", "linux",
                        "FreeBSD", ""));
                os.set("platform", r.nextInt(30) == 0 ? JSON.numberNode(1) : JSON.textNode(platform));
            }
            if (r.nextInt(8) > 0) {
                os.put("name", scramble(r, pick(r, OS_NAMES)));
            }
            if (r.nextInt(8) > 0) {
                os.put("version", scramble(r, pick(r, VERSIONS)));
            }
        } else if (r.nextBoolean()) {
            inv.put("os", "garbage");
        }
        if (r.nextInt(10) > 0) {
            inv.putObject("agent").put("version", pick(r, AGENT_VERSIONS));
        }
        if (r.nextInt(8) > 0) {
            ObjectNode hw = inv.putObject("hardware");
            switch (r.nextInt(12)) {
                case 0 -> hw.put("ramMb", "8192");
                case 1 -> hw.put("ramMb", 8192.0);
                case 2 -> hw.put("ramMb", 1.5);
                case 3 -> { }
                default -> hw.put("ramMb", pick(r, RAM));
            }
            hw.put("cpu", "x86_64");
        }
        if (r.nextInt(8) > 0) {
            ArrayNode ips = inv.putObject("network").putArray("ipv4");
            int n = r.nextInt(4);
            for (int i = 0; i < n; i++) {
                if (r.nextInt(8) == 0) {
                    ips.add(pick(r, BAD_ADDRESSES));
                } else if (r.nextInt(20) == 0) {
                    ips.add(42);
                } else {
                    ips.add(pick(r, ADDRESSES));
                }
            }
        }
        if (r.nextInt(8) > 0) {
            ArrayNode products = inv.putArray("products");
            int n = r.nextInt(4);
            for (int i = 0; i < n; i++) {
                ObjectNode p = products.addObject();
                if (r.nextInt(8) > 0) {
                    p.put("name", scramble(r, pick(r, PRODUCTS)));
                }
                if (r.nextInt(6) > 0) {
                    p.put("version", pick(r, PRODUCT_VERSIONS));
                }
            }
            if (r.nextInt(20) == 0) {
                products.add("not an object");
            }
        }
        if (r.nextInt(8) > 0) {
            inv.putObject("protection").put("status", scramble(r, pick(r, STATUSES)));
        }
        if (r.nextInt(8) > 0) {
            ArrayNode tags = inv.putArray("tags");
            int n = r.nextInt(4);
            for (int i = 0; i < n; i++) {
                tags.add(r.nextInt(25) == 0 ? JSON.booleanNode(true) : JSON.textNode(scramble(r, pick(r, TAGS))));
            }
        } else if (r.nextInt(10) == 0) {
            inv.put("tags", "server");
        }
        return inv;
    }

    private static <T> T pick(Random r, List<T> list) {
        return list.get(r.nextInt(list.size()));
    }

    private static String scramble(Random r, String s) {
        return switch (r.nextInt(4)) {
            case 0 -> s.toUpperCase(Locale.ROOT);
            case 1 -> s.toLowerCase(Locale.ROOT);
            default -> s;
        };
    }

    // -------------------------------------------------------------------------------------------------- properties

    @Example
    void storedColumnsAreTheFacts() throws SQLException {
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("SELECT id, os_platform, os_version_key, "
                + "ram_mb, array(SELECT host(x) FROM unnest(ipv4) x ORDER BY x) AS ips, product_version_keys, tags "
                + "FROM device")) {
            int rows = 0;
            while (rs.next()) {
                rows++;
                DeviceFacts f = devices.get((int) rs.getObject(1, UUID.class).getLeastSignificantBits()).facts();
                assertEquals(f.osPlatform(), rs.getString(2));
                assertEquals(f.osVersionKey(), rs.getString(3));
                assertEquals(f.ramMb(), rs.getObject(4));
                assertEquals(new TreeSet<>(f.ipv4()), new TreeSet<>(List.of((String[]) rs.getArray(5).getArray())));
                String[] keys = rs.getArray(6) == null ? new String[0] : (String[]) rs.getArray(6).getArray();
                assertEquals(f.productVersionKeys(), List.of(keys));
                String[] tags = rs.getArray(7) == null ? new String[0] : (String[]) rs.getArray(7).getArray();
                assertEquals(f.tags(), List.of(tags));
            }
            assertEquals(DEVICES, rows);
        }
        // the table is varied enough for the property to mean something
        assertTrue(devices.stream().filter(d -> d.facts().osPlatform() != null).count() > 100);
        assertTrue(devices.stream().filter(d -> d.facts().tags().size() > 1).count() > 20);
    }

    /**
     * The service talks to PostgreSQL through the Vert.x client: it binds the parameters as they are (String, Long,
     * String[], Long[]) for every attribute and operator, and the fact columns through {@link DeviceFacts#assignments}.
     */
    @Example
    void theVertxClientBindsEveryKindOfParameter() throws Exception {
        io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
        try {
            io.vertx.pgclient.PgConnectOptions options = new io.vertx.pgclient.PgConnectOptions()
                    .setHost(postgres.host()).setPort(postgres.port()).setDatabase(db.getCatalog())
                    .setUser(postgres.username()).setPassword(postgres.password());
            io.vertx.sqlclient.Pool pool = io.vertx.pgclient.PgBuilder.pool().connectingTo(options).using(vertx).build();
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
                            .get(30, java.util.concurrent.TimeUnit.SECONDS);
                    Set<UUID> selected = new HashSet<>();
                    rows.forEach(row -> selected.add(row.getUUID(0)));
                    assertEquals(expected, selected, () -> explain(rule, predicate, expected, selected));
                    checked++;
                }
            }
            assertTrue(checked > 80);

            // writing the facts the way the service does: UPDATE ... SET <assignments>
            DeviceFacts facts = DeviceFacts.from(RuleParserTest.json("{'hostname':'Vertx','network':{'ipv4':"
                    + "['10.9.8.7']},'hardware':{'ramMb':1},'tags':['A'],'products':[{'name':'P','version':'1.0'}]}"));
            UUID id = devices.get(0).id();
            List<Object> args = new ArrayList<>();
            args.add(id);
            args.addAll(facts.values());
            pool.preparedQuery("UPDATE device SET " + DeviceFacts.assignments(2) + " WHERE id = $1")
                    .execute(io.vertx.sqlclient.Tuple.from(args)).toCompletionStage().toCompletableFuture()
                    .get(30, java.util.concurrent.TimeUnit.SECONDS);
            Rule rule = RuleParser.parse(RuleParserTest.json("{'op':'AND','rules':[{'attribute':'network.ipv4',"
                    + "'operator':'IN','value':['10.9.0.0/16']},{'attribute':'hostname','operator':'EQ','value':'VERTX'}]}"));
            SqlPredicate predicate = SqlCompiler.compile(rule, "d", 1, false, SqlCompiler.Placeholders.QUESTION_MARK);
            assertEquals(Set.of(id), select(predicate, predicate.sql()));
            // put the original facts back for the other properties
            args.clear();
            args.add(id);
            args.addAll(devices.get(0).facts().values());
            pool.preparedQuery("UPDATE device SET " + DeviceFacts.assignments(2) + " WHERE id = $1")
                    .execute(io.vertx.sqlclient.Tuple.from(args)).toCompletionStage().toCompletableFuture()
                    .get(30, java.util.concurrent.TimeUnit.SECONDS);
            pool.close().toCompletionStage().toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS);
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS);
        }
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
                    : List.of(item, textPool(attribute == Attribute.HARDWARE_RAM_MB ? Attribute.TAGS : attribute).get(1));
        }
        return item;
    }

    @Property(tries = 1000)
    void sqlSelectsExactlyTheDevicesTheEvaluatorMatches(@ForAll("rules") Rule generated) throws SQLException {
        // the generated rule is valid, and its canonical form (e.g. 10.0.1.5/32 -> 10.0.1.5) round-trips
        Rule rule = RuleParser.parse(RuleParser.toJson(generated));
        assertEquals(rule, RuleParser.parse(RuleParser.toJson(rule)));

        Predicate<DeviceFacts> memory = RuleEvaluator.compile(rule);
        Set<UUID> expected = devices.stream().filter(d -> memory.test(d.facts())).map(Device::id)
                .collect(Collectors.toSet());
        Set<UUID> all = devices.stream().map(Device::id).collect(Collectors.toSet());
        Set<UUID> others = new HashSet<>(all);
        others.removeAll(expected);
        Statistics.label("selected devices").collect(expected.isEmpty() ? "none" : others.isEmpty() ? "all" : "some");

        SqlPredicate predicate = SqlCompiler.compile(rule, "d", 1, false, SqlCompiler.Placeholders.QUESTION_MARK);
        Set<UUID> selected = select(predicate, predicate.sql());
        assertEquals(expected, selected, () -> explain(rule, predicate, expected, selected));

        Set<UUID> notBoolean = select(predicate, "NOT " + predicate.booleanSql());
        assertEquals(others, notBoolean, () -> "NOT booleanSql(): " + explain(rule, predicate, others, notBoolean));

        SqlPredicate negation = SqlCompiler.compile(rule, "d", 1, true, SqlCompiler.Placeholders.QUESTION_MARK);
        Set<UUID> negated = select(negation, negation.sql());
        assertEquals(others, negated, () -> "compileNot: " + explain(rule, negation, others, negated));
    }

    @Property(tries = 500)
    void regexMatchesInMemoryAsInPostgres(@ForAll("regexes") String pattern, @ForAll("texts") List<String> random)
            throws Exception {
        SafeRegex regex = SafeRegex.compile(pattern);
        List<String> texts = new ArrayList<>(regexTexts());
        random.stream().map(Texts::lower).filter(t -> !texts.contains(t)).distinct().forEach(texts::add);
        Set<String> java = texts.stream().filter(t -> regex.find(t)).collect(Collectors.toSet());
        Statistics.label("matching texts").collect(java.isEmpty() ? "none" : java.size() == texts.size() ? "all" : "some");
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
        assertEquals(java, pg, () -> "pattern " + pattern + ", postgres " + regex.postgresPattern());
    }

    @Example
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
                assertEquals(pg, memory, pattern + " on " + text.length() + " characters");
            }
        }
        try (Statement s = db.createStatement()) {
            s.execute("RESET statement_timeout");
        }
    }

    @Property(tries = 100)
    void versionKeysSortAlikeInJavaAndPostgres(@ForAll("versionLists") List<String> versions) throws SQLException {
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
        assertEquals(java, pg);
    }

    private static String explain(Rule rule, SqlPredicate predicate, Set<UUID> expected, Set<UUID> actual) {
        StringBuilder out = new StringBuilder("rule ").append(RuleParser.toJson(rule)).append("\nsql ")
                .append(predicate.sql()).append("\nparameters ").append(predicate.parameters().stream()
                        .map(p -> p instanceof Object[] a ? Arrays.toString(a) : String.valueOf(p)).toList());
        for (Device d : devices) {
            if (expected.contains(d.id()) != actual.contains(d.id())) {
                out.append("\n").append(expected.contains(d.id()) ? "missing " : "extra ").append(d.id())
                        .append(" facts ").append(d.facts()).append(" inventory ").append(d.inventory());
            }
        }
        return out.toString();
    }

    // ---------------------------------------------------------------------------------------------------- rules

    @Provide
    Arbitrary<Rule> rules() {
        return group(1);
    }

    private Arbitrary<Rule> group(int depth) {
        Arbitrary<Rule> child = depth >= 4 ? condition()
                : Arbitraries.frequencyOf(Tuple.of(3, condition()), Tuple.of(1, Arbitraries.lazy(() -> group(depth + 1))));
        Arbitrary<List<Rule>> children = Arbitraries.frequencyOf(
                Tuple.of(1, child.list().ofMaxSize(0)),
                Tuple.of(12, child.list().ofMinSize(1).ofMaxSize(depth == 1 ? 3 : 4)));
        return Combinators.combine(Arbitraries.of(Op.class), children).as(Rule.Group::new);
    }

    private Arbitrary<Rule> condition() {
        return Arbitraries.of(Attribute.class).flatMap(attribute -> Arbitraries.of(attribute.type().operators())
                .flatMap(operator -> value(attribute, operator)
                        .map(value -> (Rule) new Rule.Condition(attribute, operator, value))));
    }

    private Arbitrary<Object> value(Attribute attribute, Operator operator) {
        if (operator.valueless()) {
            return Arbitraries.just(null);
        }
        if (operator == Operator.IN) {
            return item(attribute, operator).list().ofMinSize(1).ofMaxSize(4).map(l -> (Object) List.copyOf(l));
        }
        return item(attribute, operator);
    }

    private Arbitrary<Object> item(Attribute attribute, Operator operator) {
        if (attribute == Attribute.HARDWARE_RAM_MB) {
            return Arbitraries.frequencyOf(Tuple.of(4, Arbitraries.of(RAM)),
                    Tuple.of(1, Arbitraries.longs().between(-10, 40_000))).map(l -> (Object) l);
        }
        if (operator == Operator.REGEX) {
            return Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.of(REGEXES)), Tuple.of(1, regexes()))
                    .map(s -> (Object) s);
        }
        if (attribute == Attribute.NETWORK_IPV4 && operator == Operator.IN) {
            return Arbitraries.oneOf(Arbitraries.of(BLOCKS), Arbitraries.of(ADDRESSES)).map(s -> (Object) s);
        }
        if (attribute == Attribute.OS_PLATFORM) {
            return Arbitraries.of(PLATFORMS).map(s -> (Object) s);
        }
        Arbitrary<String> whole = Arbitraries.of(textPool(attribute));
        Arbitrary<String> text = operator.substring() ? Arbitraries.oneOf(whole, whole.flatMap(s -> part(s, operator)))
                : whole;
        return text.flatMap(s -> Arbitraries.of(s, s.toUpperCase(Locale.ROOT), s.toLowerCase(Locale.ROOT)))
                .map(s -> (Object) s);
    }

    /** A piece of a pool value that fits the operator (prefix, suffix or infix), cut between code points. */
    private static Arbitrary<String> part(String s, Operator operator) {
        int[] cps = s.codePoints().toArray();
        return Arbitraries.integers().between(0, cps.length).flatMap(a -> Arbitraries.integers().between(a, cps.length)
                .map(b -> switch (operator) {
                    case STARTS_WITH -> new String(cps, 0, b);
                    case ENDS_WITH -> new String(cps, a, cps.length - a);
                    default -> new String(cps, a, b - a);
                }));
    }

    @Provide
    Arbitrary<String> regexes() {
        return Arbitraries.randomValue(SqlAgreesWithMemoryProperties::randomRegex)
                .filter(SqlAgreesWithMemoryProperties::valid);
    }

    private static boolean valid(String pattern) {
        try {
            SafeRegex.compile(pattern);
            return true;
        } catch (SafeRegex.SyntaxError e) {
            return false;
        }
    }

    private static final List<String> REGEX_ATOMS = List.of("a", "b", "c", "A", "0", "1", "é", "É", " ", "_", "%",
            ".", ".", "\\.", "\\-", "\\\\", "\\d", "\\w", "\\s", "[a-c]", "[^ab]", "[A-C]", "[\\d.]", "[-a]", "[]a]",
            "[a-]", "[^\\w]", "[À-Ý]", "[\\s\\-]", "^", "$", "😀", "ß", "\n", "ǅ");
    private static final List<String> QUANTIFIERS = List.of("", "", "", "", "*", "+", "?", "{2}", "{1,}", "{0,2}",
            "{1,3}", "{0}", "{3,}", "{0,1}");

    private static String randomRegex(Random r) {
        return regexBranch(r, 0) + (r.nextInt(4) == 0 ? "|" + regexBranch(r, 0) : "");
    }

    private static String regexBranch(Random r, int depth) {
        StringBuilder out = new StringBuilder();
        int n = 1 + r.nextInt(depth == 0 ? 3 : 4);
        for (int i = 0; i < n; i++) {
            String atom;
            if (depth < 3 && r.nextInt(5) == 0) {
                atom = "(" + regexBranch(r, depth + 1) + (r.nextBoolean() ? "|" + regexBranch(r, depth + 1) : "") + ")";
            } else {
                atom = REGEX_ATOMS.get(r.nextInt(REGEX_ATOMS.size()));
            }
            out.append(atom);
            if (!atom.equals("^") && !atom.equals("$")) {
                out.append(QUANTIFIERS.get(r.nextInt(QUANTIFIERS.size())));
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

    @Provide
    Arbitrary<List<String>> texts() {
        Arbitrary<String> small = Arbitraries.strings().withChars("ab0.-_ éxAÉ\n").ofMaxLength(12);
        Arbitrary<String> emoji = Arbitraries.of("😀", "a😀b", "😀😀x");
        return Arbitraries.frequencyOf(Tuple.of(9, small), Tuple.of(1, emoji)).list().ofMaxSize(20);
    }

    @Provide
    Arbitrary<List<String>> versionLists() {
        Arbitrary<String> version = Arbitraries.strings().withChars("0123456789.-_abZ ~é😀!").ofMaxLength(12);
        return Arbitraries.oneOf(version, Arbitraries.of(VERSIONS)).list().ofMinSize(2).ofMaxSize(30);
    }
}
