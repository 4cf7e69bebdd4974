package io.palisade.group.dynamic.rule;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The typed, normalised facts of one inventory document: what rules test, and what the device table's fact columns
 * hold ({@link #columns()} / {@link #values()}). Texts are lower-cased ({@link java.util.Locale#ROOT}) after NUL and
 * unpaired surrogates are replaced by U+FFFD; versions carry their sortable key; lists are de-duplicated and sorted
 * and never null (empty when absent). A scalar is null when absent.
 *
 * @param osPlatform         {@code os.platform}, lower-cased ("windows")
 * @param osName             {@code os.name}
 * @param osVersion          {@code os.version}
 * @param osVersionKey       the sortable key of {@code os.version}
 * @param hostname           {@code hostname}
 * @param agentVersion       {@code agent.version}
 * @param agentVersionKey    the sortable key of {@code agent.version}
 * @param ramMb              {@code hardware.ramMb}
 * @param protectionStatus   {@code protection.status}
 * @param ipv4               {@code network.ipv4}: canonical dotted-quad addresses (a "/n" suffix is dropped)
 * @param productNames       {@code products[].name}
 * @param productVersions    {@code products[].version}
 * @param productVersionKeys the sortable keys of {@code products[].version}
 * @param tags               {@code tags}
 */
public record DeviceFacts(
        String osPlatform,
        String osName,
        String osVersion,
        String osVersionKey,
        String hostname,
        String agentVersion,
        String agentVersionKey,
        Long ramMb,
        String protectionStatus,
        List<String> ipv4,
        List<String> productNames,
        List<String> productVersions,
        List<String> productVersionKeys,
        List<String> tags) {

    private static final List<String> COLUMNS = List.of(
            "os_platform", "os_name", "os_version", "os_version_key", "hostname", "agent_version", "agent_version_key",
            "ram_mb", "protection_status", "ipv4", "product_names", "product_versions", "product_version_keys", "tags");
    /** The SQL cast of each column's parameter (so that Vert.x binds a String[] to the INET[] column). */
    private static final List<String> CASTS = List.of(
            "::text", "::text", "::text", "::text", "::text", "::text", "::text",
            "::bigint", "::text", "::text[]::inet[]", "::text[]", "::text[]", "::text[]", "::text[]");

    /** A device without any facts. */
    public static final DeviceFacts NONE = new DeviceFacts(null, null, null, null, null, null, null, null, null,
            List.of(), List.of(), List.of(), List.of(), List.of());

    public DeviceFacts {
        ipv4 = ipv4 == null ? List.of() : List.copyOf(ipv4);
        productNames = productNames == null ? List.of() : List.copyOf(productNames);
        productVersions = productVersions == null ? List.of() : List.copyOf(productVersions);
        productVersionKeys = productVersionKeys == null ? List.of() : List.copyOf(productVersionKeys);
        tags = tags == null ? List.of() : List.copyOf(tags);
    }

    /**
     * The facts of an inventory document {@code {hostname, os: {platform, name, version}, agent: {version},
     * hardware: {ramMb, cpu}, network: {ipv4: [...]}, products: [{name, version}], protection: {status}, tags: []}}.
     * Never throws: a null or non-object document, a missing part, a part of the wrong JSON type (e.g. a number for
     * a text, a string for ramMb, an object for a list) or an empty string make that fact absent; list elements of
     * the wrong type, empty strings and non-IPv4 addresses are skipped. ramMb must be an integral JSON number (a
     * float with an integral value is accepted).
     */
    public static DeviceFacts from(JsonNode inventory) {
        if (inventory == null || !inventory.isObject()) {
            return NONE;
        }
        String osVersion = text(inventory.path("os").path("version"));
        String agentVersion = text(inventory.path("agent").path("version"));
        List<String> productVersions = new ArrayList<>();
        List<String> productNames = new ArrayList<>();
        JsonNode products = inventory.path("products");
        if (products.isArray()) {
            for (JsonNode product : products) {
                if (product.isObject()) {
                    add(productNames, text(product.get("name")));
                    add(productVersions, text(product.get("version")));
                }
            }
        }
        List<String> ipv4 = new ArrayList<>();
        JsonNode addresses = inventory.path("network").path("ipv4");
        if (addresses.isArray()) {
            for (JsonNode address : addresses) {
                add(ipv4, address.isTextual() ? Ipv4.canonicalInventoryAddress(address.textValue()) : null);
            }
        }
        List<String> tags = new ArrayList<>();
        JsonNode tagNodes = inventory.path("tags");
        if (tagNodes.isArray()) {
            for (JsonNode tag : tagNodes) {
                add(tags, text(tag));
            }
        }
        return new DeviceFacts(
                text(inventory.path("os").path("platform")),
                text(inventory.path("os").path("name")),
                osVersion,
                Texts.versionKey(osVersion),
                text(inventory.path("hostname")),
                agentVersion,
                Texts.versionKey(agentVersion),
                integer(inventory.path("hardware").path("ramMb")),
                text(inventory.path("protection").path("status")),
                sorted(ipv4, Function.identity()),
                sorted(productNames, Function.identity()),
                sorted(productVersions, Function.identity()),
                sorted(productVersions, Texts::versionKey),
                sorted(tags, Function.identity()));
    }

    /** The device table's fact columns, in the order of {@link #values()}. */
    public static List<String> columns() {
        return COLUMNS;
    }

    /**
     * The column values in {@link #columns()} order, ready for a Vert.x {@code Tuple} or JDBC: String, Long, and
     * {@code String[]} for the array columns (null when the list is empty). Bind the arrays with the casts of
     * {@link #placeholders(int)}; the {@code ipv4} column (INET[]) needs {@code $n::text[]::inet[]}.
     */
    public List<Object> values() {
        return Arrays.asList(osPlatform, osName, osVersion, osVersionKey, hostname, agentVersion, agentVersionKey,
                ramMb, protectionStatus, array(ipv4), array(productNames), array(productVersions),
                array(productVersionKeys), array(tags));
    }

    /**
     * The parameter expressions for {@link #values()} in column order, numbered from {@code firstParameterIndex}
     * ({@code $5::text}, ..., {@code $14::text[]::inet[]}, ...), for {@code INSERT ... VALUES (...)}.
     */
    public static List<String> placeholders(int firstParameterIndex) {
        List<String> out = new ArrayList<>(COLUMNS.size());
        for (int i = 0; i < COLUMNS.size(); i++) {
            out.add("$" + (firstParameterIndex + i) + CASTS.get(i));
        }
        return out;
    }

    /**
     * {@code os_platform = $n::text, ..., tags = $m::text[]}: the SET list of an UPDATE binding {@link #values()}
     * from {@code firstParameterIndex} on.
     */
    public static String assignments(int firstParameterIndex) {
        List<String> placeholders = placeholders(firstParameterIndex);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < COLUMNS.size(); i++) {
            if (i > 0) {
                out.append(", ");
            }
            out.append(COLUMNS.get(i)).append(" = ").append(placeholders.get(i));
        }
        return out.toString();
    }

    /**
     * The parameters of {@link #unnestArguments(int)} for many devices: one array per column in {@link #columns()} order,
     * element {@code i} being {@code facts.get(i)}'s value. Text columns are {@code String[]}, {@code ram_mb} is
     * {@code Long[]}, and each list column is a {@code String[]} of PostgreSQL array literals ({@code {"a","b"}},
     * null for an empty list), since an array of arrays cannot be unnested row by row.
     */
    public static List<Object> unnestValues(List<DeviceFacts> facts) {
        int n = facts.size();
        List<Object[]> columns = new ArrayList<>(COLUMNS.size());
        for (String cast : CASTS) {
            columns.add("::bigint".equals(cast) ? new Long[n] : new String[n]);
        }
        for (int i = 0; i < n; i++) {
            List<Object> values = facts.get(i).values();
            for (int c = 0; c < COLUMNS.size(); c++) {
                Object value = values.get(c);
                columns.get(c)[i] = CASTS.get(c).endsWith("[]") ? arrayLiteral((String[]) value) : value;
            }
        }
        return new ArrayList<>(columns);
    }

    /**
     * {@code $n::text[], ..., $m::text[]}: the arguments of an {@code unnest(...)} that binds the arrays of
     * {@link #unnestValues(List)} from {@code firstParameterIndex} on, naming its columns {@link #columns()}; pair it
     * with {@link #bulkAssignments(String)} in {@code UPDATE device d SET ... FROM unnest(...) AS u (...)}.
     */
    public static String unnestArguments(int firstParameterIndex) {
        StringBuilder args = new StringBuilder();
        for (int i = 0; i < COLUMNS.size(); i++) {
            boolean list = CASTS.get(i).endsWith("[]");
            if (i > 0) {
                args.append(", ");
            }
            args.append('$').append(firstParameterIndex + i).append(list ? "::text[]" : CASTS.get(i) + "[]");
        }
        return args.toString();
    }

    /** {@code os_platform = u.os_platform, ..., ipv4 = u.ipv4::inet[], tags = u.tags::text[]}: the SET list for {@link #unnestArguments(int)}. */
    public static String bulkAssignments(String alias) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < COLUMNS.size(); i++) {
            String cast = CASTS.get(i);
            if (i > 0) {
                out.append(", ");
            }
            out.append(COLUMNS.get(i)).append(" = ").append(alias).append('.').append(COLUMNS.get(i));
            if (cast.endsWith("[]")) {
                out.append(cast.substring(cast.lastIndexOf("::")));
            }
        }
        return out.toString();
    }

    /** {@code u.os_platform, ..., u.ipv4::inet[], u.tags::text[]}: the select list for {@link #unnestArguments(int)} in an {@code INSERT ... SELECT}. */
    public static String bulkValues(String alias) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < COLUMNS.size(); i++) {
            String cast = CASTS.get(i);
            if (i > 0) {
                out.append(", ");
            }
            out.append(alias).append('.').append(COLUMNS.get(i));
            if (cast.endsWith("[]")) {
                out.append(cast.substring(cast.lastIndexOf("::")));
            }
        }
        return out.toString();
    }

    /** A PostgreSQL array literal of texts, every element quoted ({@code {"a b","c\"d"}}); null for null. */
    static String arrayLiteral(String[] values) {
        if (values == null) {
            return null;
        }
        StringBuilder out = new StringBuilder("{");
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append('"').append(values[i].replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
        }
        return out.append('}').toString();
    }

    private static String[] array(List<String> list) {
        return list.isEmpty() ? null : list.toArray(String[]::new);
    }

    private static String text(JsonNode node) {
        if (node == null || !node.isTextual() || node.textValue().isEmpty()) {
            return null;
        }
        return Texts.lower(node.textValue());
    }

    private static Long integer(JsonNode node) {
        if (node == null || !node.isNumber()) {
            return null;
        }
        if (node.isIntegralNumber()) {
            return node.canConvertToLong() ? node.longValue() : null;
        }
        if (node.isBigDecimal()) {
            try {
                return node.decimalValue().longValueExact();
            } catch (ArithmeticException e) {
                return null;
            }
        }
        double d = node.doubleValue();
        if (Double.isFinite(d) && d == Math.rint(d) && Math.abs(d) < 0x1p62) {
            return (long) d;
        }
        return null;
    }

    private static void add(List<String> list, String value) {
        if (value != null) {
            list.add(value);
        }
    }

    private static List<String> sorted(List<String> values, Function<String, String> mapping) {
        TreeSet<String> set = new TreeSet<>(Texts::compareCodePoints);
        for (String v : values) {
            set.add(Objects.requireNonNull(mapping.apply(v)));
        }
        return List.copyOf(set);
    }
}
