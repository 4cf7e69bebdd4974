package io.palisade.tenant.hierarchy;

import java.util.EnumSet;
import java.util.Set;

/** The five kinds of party in the MSP tree and which kinds each may have directly below it. */
public enum TenantType {
    DISTRIBUTOR, MSP_MANAGER, MSP, MANAGED_MSP, CUSTOMER;

    /** Kinds allowed at the top level, directly under the root. */
    public static final Set<TenantType> TOP_LEVEL = EnumSet.of(DISTRIBUTOR, MSP_MANAGER, MSP);

    public Set<TenantType> allowedChildren() {
        return switch (this) {
            case DISTRIBUTOR -> EnumSet.of(MSP_MANAGER, MSP);
            case MSP_MANAGER -> EnumSet.of(MANAGED_MSP, CUSTOMER);
            case MSP, MANAGED_MSP -> EnumSet.of(CUSTOMER);
            case CUSTOMER -> EnumSet.noneOf(TenantType.class);
        };
    }

    /** Whether a node of kind {@code child} may sit under {@code parent} (null = the root). */
    public static boolean allowed(TenantType parent, TenantType child) {
        return parent == null ? TOP_LEVEL.contains(child) : parent.allowedChildren().contains(child);
    }
}
