package io.palisade.migration.plan;

import java.util.EnumSet;
import java.util.Set;

/** The five kinds of party and their parent/child rules, exactly as tenant-service enforces them (CONTRACT.md). */
public enum TenantTypes {
    DISTRIBUTOR, MSP_MANAGER, MSP, MANAGED_MSP, CUSTOMER;

    public static final Set<TenantTypes> TOP_LEVEL = EnumSet.of(DISTRIBUTOR, MSP_MANAGER, MSP);

    public Set<TenantTypes> allowedChildren() {
        return switch (this) {
            case DISTRIBUTOR -> EnumSet.of(MSP_MANAGER, MSP);
            case MSP_MANAGER -> EnumSet.of(MANAGED_MSP, CUSTOMER);
            case MSP, MANAGED_MSP -> EnumSet.of(CUSTOMER);
            case CUSTOMER -> EnumSet.noneOf(TenantTypes.class);
        };
    }

    /** Whether a node of kind {@code child} may sit under {@code parent} (null = the root). */
    public static boolean allowed(TenantTypes parent, TenantTypes child) {
        return parent == null ? TOP_LEVEL.contains(child) : parent.allowedChildren().contains(child);
    }

    /** The type named {@code name}, or null if there is none. */
    public static TenantTypes parse(String name) {
        if (name == null) {
            return null;
        }
        for (TenantTypes t : values()) {
            if (t.name().equals(name)) {
                return t;
            }
        }
        return null;
    }
}
