package io.palisade.group.dynamic.rule;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * An inventory fact a condition can test, with its JSON name, its {@link AttributeType} and the device table
 * column(s) that hold it. Versions have a second column with the sortable key.
 */
public enum Attribute {
    OS_PLATFORM("os.platform", AttributeType.PLATFORM, "os_platform", null),
    OS_NAME("os.name", AttributeType.TEXT, "os_name", null),
    OS_VERSION("os.version", AttributeType.VERSION, "os_version", "os_version_key"),
    HOSTNAME("hostname", AttributeType.TEXT, "hostname", null),
    AGENT_VERSION("agent.version", AttributeType.VERSION, "agent_version", "agent_version_key"),
    HARDWARE_RAM_MB("hardware.ramMb", AttributeType.NUMBER, "ram_mb", null),
    NETWORK_IPV4("network.ipv4", AttributeType.IPV4_LIST, "ipv4", null),
    PRODUCTS_NAME("products.name", AttributeType.TEXT_LIST, "product_names", null),
    PRODUCTS_VERSION("products.version", AttributeType.VERSION_LIST, "product_versions", "product_version_keys"),
    PROTECTION_STATUS("protection.status", AttributeType.TEXT, "protection_status", null),
    TAGS("tags", AttributeType.TEXT_LIST, "tags", null);

    private static final Map<String, Attribute> BY_JSON_NAME =
            Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(Attribute::jsonName, Function.identity()));

    private final String jsonName;
    private final AttributeType type;
    private final String column;
    private final String keyColumn;

    Attribute(String jsonName, AttributeType type, String column, String keyColumn) {
        this.jsonName = jsonName;
        this.type = type;
        this.column = column;
        this.keyColumn = keyColumn;
    }

    /** The name used in rules, e.g. {@code os.platform}. */
    public String jsonName() {
        return jsonName;
    }

    public AttributeType type() {
        return type;
    }

    /** The device table column with the (lower-cased) value. */
    public String column() {
        return column;
    }

    /** The device table column with the sortable version key; empty unless the type is a version type. */
    public Optional<String> keyColumn() {
        return Optional.ofNullable(keyColumn);
    }

    /** The attribute with this JSON name (exact, case-sensitive). */
    public static Optional<Attribute> fromJsonName(String name) {
        return Optional.ofNullable(name == null ? null : BY_JSON_NAME.get(name));
    }

    /** The JSON names of all attributes, in declaration order. */
    public static List<String> jsonNames() {
        return Arrays.stream(values()).map(Attribute::jsonName).toList();
    }
}
