package io.palisade.kit.scope;

import java.util.List;
import java.util.Set;

/** Every permission an operator can hold (CONTRACT.md). */
public final class Permissions {
    public static final String TENANTS_READ = "tenants.read";
    public static final String TENANTS_WRITE = "tenants.write";
    public static final String OPERATORS_READ = "operators.read";
    public static final String OPERATORS_WRITE = "operators.write";
    public static final String GROUPS_READ = "groups.read";
    public static final String GROUPS_WRITE = "groups.write";
    public static final String DEVICES_READ = "devices.read";
    public static final String DEVICES_WRITE = "devices.write";
    public static final String INSTALLERS_WRITE = "installers.write";
    public static final String TASKS_WRITE = "tasks.write";
    public static final String MIGRATIONS_RUN = "migrations.run";
    public static final String AUDIT_READ = "audit.read";

    public static final List<String> ALL = List.of(TENANTS_READ, TENANTS_WRITE, OPERATORS_READ, OPERATORS_WRITE,
            GROUPS_READ, GROUPS_WRITE, DEVICES_READ, DEVICES_WRITE, INSTALLERS_WRITE, TASKS_WRITE, MIGRATIONS_RUN,
            AUDIT_READ);

    private static final Set<String> KNOWN = Set.copyOf(ALL);

    private Permissions() {
    }

    public static boolean isKnown(String permission) {
        return KNOWN.contains(permission);
    }
}
