package io.palisade.bench.dynamic;

import java.util.List;

/**
 * A dynamic-group template and the same predicate as a person would write it by hand over the device table (alias
 * {@code d}, values as literals, NULLs handled as the rule semantics require).
 *
 * @param name        short name for the report
 * @param description what the group is, in words
 * @param template    the template's rule, JSON as an operator sends it
 * @param byHand      the hand-written SQL predicate
 */
record Scenario(String name, String description, String template, String byHand) {

    /** The scenarios of the benchmark. */
    static List<Scenario> all() {
        return List.of(
                new Scenario("windows-no-security",
                        "Windows devices without the security product",
                        """
                        {"op": "AND", "rules": [
                          {"attribute": "os.platform", "operator": "EQ", "value": "WINDOWS"},
                          {"attribute": "products.name", "operator": "NE", "value": "Palisade Endpoint Security"}]}""",
                        """
                        d.os_platform = 'windows'
                        and (d.product_names is null or not d.product_names @> array['palisade endpoint security'])"""),
                new Scenario("nested-ram-tags-version",
                        "Windows or Linux, (RAM < 8 GB or NAND(tag server, OS >= 10.0.20348)),"
                                + " NOR(tag kiosk/decommissioning, agent < 7.10)",
                        """
                        {"op": "AND", "rules": [
                          {"attribute": "os.platform", "operator": "IN", "value": ["WINDOWS", "LINUX"]},
                          {"op": "OR", "rules": [
                            {"attribute": "hardware.ramMb", "operator": "LT", "value": 8192},
                            {"op": "NAND", "rules": [
                              {"attribute": "tags", "operator": "EQ", "value": "Server"},
                              {"attribute": "os.version", "operator": "GE", "value": "10.0.20348"}]}]},
                          {"op": "NOR", "rules": [
                            {"attribute": "tags", "operator": "IN", "value": ["Kiosk", "Decommissioning"]},
                            {"attribute": "agent.version", "operator": "LT", "value": "7.10"}]}]}""",
                        // versions compare by their sortable keys (each number 10 digits wide)
                        """
                        d.os_platform in ('windows', 'linux')
                        and (d.ram_mb < 8192
                             or not coalesce(d.tags @> array['server']
                                             and d.os_version_key >= '0000000010.0000000000.0000020348', false))
                        and not coalesce(d.tags && array['kiosk', 'decommissioning'], false)
                        and not coalesce(d.agent_version_key < '0000000007.0000000010', false)"""),
                new Scenario("kiosk-pos-windows",
                        "Windows kiosks and points of sale (selective: about 1 % of devices)",
                        """
                        {"op": "AND", "rules": [
                          {"attribute": "tags", "operator": "IN", "value": ["Kiosk", "POS"]},
                          {"attribute": "os.platform", "operator": "EQ", "value": "WINDOWS"}]}""",
                        """
                        d.tags && array['kiosk', 'pos'] and d.os_platform = 'windows'"""));
    }
}
