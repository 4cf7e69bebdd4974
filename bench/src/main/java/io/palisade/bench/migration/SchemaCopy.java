package io.palisade.bench.migration;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.palisade.group.dynamic.rule.DeviceFacts;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.postgresql.PGConnection;

/**
 * The second baseline of the migration benchmark: a {@code COPY} of the rows an apply leaves in group-service —
 * tenants (tenant_node), their MSP-tree groups and the legacy static and dynamic groups (group_node), the templates
 * (dynamic_template) and the device records with their inventory and its typed facts (device) — into group-service's
 * own schema (its Flyway scripts, read from its jar, so every index is there), in one transaction. It is the cost of
 * storing what an import stores, without anything an import does besides (APIs, scope checks, audit, events,
 * membership, resumability); the narrow baseline ({@code MigrationBench#copy}) loads five columns into one table.
 */
final class SchemaCopy {

    /** One object of the export, as the benchmark generated it; {@code json}: a dynamic group's rule, a device's
     * inventory, a tenant's type. */
    record ExportRow(String kind, String id, String name, String parent, String company, String hardwareId, String json) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ALL = "00000000-0000-0000-0000-000000000001";
    private static final String[] SCHEMA = {"/db/migration/V1__group_schema.sql", "/db/migration/V2__device_records.sql"};

    private SchemaCopy() {
    }

    /** Creates the schema (not timed), then times the COPY of every row and the commit; answers {seconds, rows}. */
    static double[] run(Connection db, List<ExportRow> export) throws SQLException, IOException {
        try (Statement s = db.createStatement()) {
            for (String script : SCHEMA) {
                try (InputStream in = SchemaCopy.class.getResourceAsStream(script)) {
                    if (in == null) {
                        throw new IllegalStateException(script + " is not on the classpath (group-service's jar)");
                    }
                    s.execute(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                }
            }
        }
        // the import's target: a distributor with its MSP-tree group under All (the schema creates All; not counted)
        UUID target = UUID.randomUUID();
        String targetPath = "/" + target + "/";
        UUID targetGroup = UUID.randomUUID();
        String targetGroupPath = "/" + ALL + "/" + targetGroup + "/";
        try (Statement s = db.createStatement()) {
            s.execute("insert into tenant_node (id, parent_id, name, type, path, version) values ('" + target
                    + "', null, 'Bench Distribution', 'DISTRIBUTOR', '" + targetPath + "', 0)");
            s.execute("insert into group_node (id, name, kind, parent_id, tenant_id, tenant_path, group_path, managed) values ('"
                    + targetGroup + "', 'Bench Distribution', 'STATIC', '" + ALL + "', '" + target + "', '" + targetPath + "', '"
                    + targetGroupPath + "', true)");
        }

        Map<String, UUID> tenantIds = new HashMap<>();
        Map<String, String> tenantPaths = new HashMap<>();
        Map<String, UUID> managedGroups = new HashMap<>();
        Map<String, String> managedPaths = new HashMap<>();
        Map<String, UUID> groupIds = new HashMap<>();
        Map<String, String> groupPaths = new HashMap<>();
        StringBuilder tenants = new StringBuilder();
        StringBuilder groups = new StringBuilder();
        StringBuilder templates = new StringBuilder();
        StringBuilder devices = new StringBuilder();
        String now = Instant.now().toString();
        int rows = 0;
        for (ExportRow r : export) {
            switch (r.kind()) {
                case "tenant" -> {
                    UUID id = UUID.randomUUID();
                    UUID parent = r.parent() == null ? target : tenantIds.get(r.parent());
                    String path = (r.parent() == null ? targetPath : tenantPaths.get(r.parent())) + id + "/";
                    tenantIds.put(r.id(), id);
                    tenantPaths.put(r.id(), path);
                    line(tenants, id, parent, r.name(), r.json(), path, 0);
                    UUID group = UUID.randomUUID();
                    UUID parentGroup = r.parent() == null ? targetGroup : managedGroups.get(r.parent());
                    String groupPath = (r.parent() == null ? targetGroupPath : managedPaths.get(r.parent())) + group + "/";
                    managedGroups.put(r.id(), group);
                    managedPaths.put(r.id(), groupPath);
                    line(groups, group, r.name(), "STATIC", parentGroup, id, path, groupPath, true, null);
                    rows += 2;
                }
                case "group" -> {
                    if (r.parent() == null) {
                        // the legacy root maps to the target's group
                        groupIds.put(r.id(), targetGroup);
                        groupPaths.put(r.id(), targetGroupPath);
                        continue;
                    }
                    UUID id = UUID.randomUUID();
                    String path = groupPaths.get(r.parent()) + id + "/";
                    groupIds.put(r.id(), id);
                    groupPaths.put(r.id(), path);
                    UUID template = null;
                    if (r.json() != null) {
                        template = UUID.randomUUID();
                        line(templates, template, r.name() + " [ESMC " + r.id() + "]", target, targetPath, r.json());
                        rows++;
                    }
                    line(groups, id, r.name(), template == null ? "STATIC" : "DYNAMIC", groupIds.get(r.parent()), target, targetPath,
                            path, false, template);
                    rows++;
                }
                case "device" -> {
                    UUID tenant = tenantIds.get(r.company());
                    List<Object> facts = DeviceFacts.from(JSON.readTree(r.json())).values();
                    Object[] values = new Object[11 + facts.size()];
                    Object[] head = {UUID.randomUUID(), r.name(), tenant, tenantPaths.get(r.company()), groupIds.get(r.parent()),
                            r.hardwareId(), "AWAITING_AGENT", tenant, "esmc:bench:DEVICE:" + r.id(), r.json(), now};
                    System.arraycopy(head, 0, values, 0, head.length);
                    for (int i = 0; i < facts.size(); i++) {
                        values[head.length + i] = facts.get(i);
                    }
                    line(devices, values);
                    rows++;
                }
                default -> throw new IllegalArgumentException(r.kind());
            }
        }
        db.setAutoCommit(false);
        long t = System.nanoTime();
        var copy = db.unwrap(PGConnection.class).getCopyAPI();
        copy.copyIn("copy tenant_node (id, parent_id, name, type, path, version) from stdin", new StringReader(tenants.toString()));
        copy.copyIn("copy dynamic_template (id, name, tenant_id, tenant_path, rule) from stdin", new StringReader(templates.toString()));
        copy.copyIn("copy group_node (id, name, kind, parent_id, tenant_id, tenant_path, group_path, managed, template_id) from stdin",
                new StringReader(groups.toString()));
        copy.copyIn("copy device (id, name, customer_id, tenant_path, static_group_id, hardware_id, status, import_tenant_id, "
                + "import_key, inventory, inventory_at, " + String.join(", ", DeviceFacts.columns()) + ") from stdin",
                new StringReader(devices.toString()));
        db.commit();
        return new double[] {(System.nanoTime() - t) / 1e9, rows};
    }

    /** One line of COPY's text format. */
    private static void line(StringBuilder out, Object... values) {
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                out.append('\t');
            }
            out.append(text(values[i]));
        }
        out.append('\n');
    }

    private static String text(Object value) {
        if (value == null) {
            return "\\N";
        }
        String s;
        if (value instanceof String[] array) {
            StringBuilder literal = new StringBuilder("{");
            for (int i = 0; i < array.length; i++) {
                literal.append(i > 0 ? "," : "").append('"').append(array[i].replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
            }
            s = literal.append('}').toString();
        } else {
            s = value.toString();
        }
        return s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r");
    }
}
