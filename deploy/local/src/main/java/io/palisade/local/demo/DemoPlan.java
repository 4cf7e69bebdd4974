package io.palisade.local.demo;

import java.util.List;
import java.util.Optional;

/**
 * What {@code ./palisade up --demo} builds: an MSP tree with realistic names, operators with and without TOTP, and
 * how many simulated computers each customer has (some behind an HTTP proxy). Pure data; {@link DemoSeeder} makes it
 * real through the public APIs.
 *
 * @param tenants          the tree, parents before children
 * @param operators        the MSP staff accounts
 * @param dynamicGroupHome the MSP whose "Windows without the security product" group the demo fills
 */
public record DemoPlan(List<Node> tenants, List<Staff> operators, String dynamicGroupHome) {

    /** The dynamic group's (and its template's) name. */
    public static final String DYNAMIC_GROUP = "Windows without the security product";
    /** The product the dynamic group looks for, as the reference agent names it. */
    public static final String SECURITY_PRODUCT = "Palisade Endpoint Security";

    /**
     * A node of the tree.
     *
     * @param name    unique in the plan (and so among siblings)
     * @param type    DISTRIBUTOR, MSP_MANAGER, MSP, MANAGED_MSP or CUSTOMER
     * @param parent  the parent's name, null for a top-level node
     * @param agents  simulated computers (customers only)
     * @param proxied whether they reach the gateway through the HTTP proxy (when one runs)
     */
    public record Node(String name, String type, String parent, int agents, boolean proxied) {
        public boolean isCustomer() {
            return "CUSTOMER".equals(type);
        }
    }

    /** What an operator may do. */
    public enum Role {
        FULL("Full access", List.of("tenants.read", "tenants.write", "operators.read", "operators.write", "groups.read",
                "groups.write", "devices.read", "devices.write", "installers.write", "tasks.write", "audit.read")),
        READ_ONLY("Read only", List.of("tenants.read", "groups.read", "devices.read", "audit.read"));

        private final String setName;
        private final List<String> permissions;

        Role(String setName, List<String> permissions) {
            this.setName = setName;
            this.permissions = permissions;
        }

        /** The permission set's name (one per role and home tenant). */
        public String setName() {
            return setName;
        }

        public List<String> permissions() {
            return permissions;
        }
    }

    /**
     * An operator account.
     *
     * @param username the sign-in name
     * @param home     the tenant (name) it lives at
     * @param role     its permissions
     * @param totp     whether two-factor sign-in is set up for it
     */
    public record Staff(String username, String home, Role role, boolean totp) {
    }

    /** The standard demo: a distributor, an MSP Manager with two managed MSPs, an MSP and a dozen customers. */
    public static DemoPlan standard() {
        String distributor = "Meridian Security Distribution";
        String manager = "Blue Harbor MSP Group";
        String north = "Harbor IT North";
        String south = "Harbor IT South";
        String msp = "Summit Managed Services";
        List<Node> tenants = List.of(
                new Node(distributor, "DISTRIBUTOR", null, 0, false),
                new Node(manager, "MSP_MANAGER", distributor, 0, false),
                new Node(north, "MANAGED_MSP", manager, 0, false),
                new Node(south, "MANAGED_MSP", manager, 0, false),
                new Node(msp, "MSP", distributor, 0, false),
                new Node("Alpine Dental Care", "CUSTOMER", msp, 6, false),
                new Node("Brookside Law Partners", "CUSTOMER", msp, 5, false),
                new Node("Cedar Ridge Veterinary Clinic", "CUSTOMER", msp, 4, true),
                new Node("Driftwood Hotels", "CUSTOMER", msp, 8, true),
                new Node("Evergreen Accounting", "CUSTOMER", msp, 5, false),
                new Node("Granite Construction Co.", "CUSTOMER", north, 6, false),
                new Node("Harborview Medical Clinic", "CUSTOMER", north, 7, true),
                new Node("Ironwood Logistics", "CUSTOMER", north, 5, false),
                new Node("Juniper Schools Trust", "CUSTOMER", south, 8, true),
                new Node("Keystone Insurance Brokers", "CUSTOMER", south, 4, false),
                new Node("Lakeside Realty", "CUSTOMER", south, 3, true),
                new Node("Maple Street Bakery", "CUSTOMER", manager, 2, false));
        List<Staff> operators = List.of(
                new Staff("maria.lopez", msp, Role.FULL, true),
                new Staff("tom.becker", msp, Role.READ_ONLY, false),
                new Staff("anna.kowalski", manager, Role.FULL, true),
                new Staff("li.wei", north, Role.FULL, false),
                new Staff("james.okafor", south, Role.FULL, true),
                new Staff("nina.berg", distributor, Role.READ_ONLY, false));
        return new DemoPlan(tenants, operators, msp);
    }

    public Optional<Node> node(String name) {
        return tenants.stream().filter(n -> n.name().equals(name)).findFirst();
    }

    public List<Node> customers() {
        return tenants.stream().filter(Node::isCustomer).toList();
    }

    /** Whether {@code name} is {@code ancestor} or lies below it. */
    public boolean isWithin(String name, String ancestor) {
        for (String n = name; n != null; n = node(n).map(Node::parent).orElse(null)) {
            if (n.equals(ancestor)) {
                return true;
            }
        }
        return false;
    }

    public int agentCount() {
        return customers().stream().mapToInt(Node::agents).sum();
    }
}
