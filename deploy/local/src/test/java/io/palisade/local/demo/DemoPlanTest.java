package io.palisade.local.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The standard demo is what the issue asks for, and every part of it obeys the rules the services enforce. */
class DemoPlanTest {

    private static final DemoPlan PLAN = DemoPlan.standard();

    /** CONTRACT.md: allowed children per parent type ("ROOT" for top-level nodes). */
    private static final Map<String, Set<String>> CHILDREN = Map.of(
            "ROOT", Set.of("DISTRIBUTOR", "MSP_MANAGER", "MSP"),
            "DISTRIBUTOR", Set.of("MSP_MANAGER", "MSP"),
            "MSP_MANAGER", Set.of("MANAGED_MSP", "CUSTOMER"),
            "MSP", Set.of("CUSTOMER"),
            "MANAGED_MSP", Set.of("CUSTOMER"),
            "CUSTOMER", Set.of());

    @Test
    void hasADistributorAnMspManagerWithTwoManagedMspsAnMspAndADozenCustomers() {
        assertEquals(1, count("DISTRIBUTOR"));
        assertEquals(1, count("MSP_MANAGER"));
        assertEquals(2, count("MANAGED_MSP"));
        assertEquals(1, count("MSP"));
        assertEquals(12, count("CUSTOMER"));
        String manager = PLAN.tenants().stream().filter(n -> n.type().equals("MSP_MANAGER")).findFirst().orElseThrow().name();
        assertTrue(PLAN.tenants().stream().filter(n -> n.type().equals("MANAGED_MSP")).allMatch(n -> n.parent().equals(manager)));
    }

    @Test
    void everyNodeObeysTheHierarchyRulesAndComesAfterItsParent() {
        Set<String> seen = new HashSet<>();
        for (DemoPlan.Node node : PLAN.tenants()) {
            String parentType = node.parent() == null ? "ROOT" : PLAN.node(node.parent()).orElseThrow().type();
            assertTrue(CHILDREN.get(parentType).contains(node.type()), node.name() + " under " + parentType);
            assertTrue(node.parent() == null || seen.contains(node.parent()), node.name() + " comes after its parent");
            assertTrue(seen.add(node.name()), "names are unique: " + node.name());
            assertTrue(node.isCustomer() == node.agents() > 0, node.name() + ": only customers have computers");
        }
        Set<String> lower = new HashSet<>();
        PLAN.tenants().forEach(n -> assertTrue(lower.add(n.name().toLowerCase(Locale.ROOT)), "case-insensitively unique"));
        assertNull(PLAN.tenants().get(0).parent(), "the first node is the top one");
    }

    @Test
    void operatorsWithAndWithoutTotpLiveAtNodesOfTheTree() {
        assertTrue(PLAN.operators().stream().anyMatch(DemoPlan.Staff::totp));
        assertTrue(PLAN.operators().stream().anyMatch(s -> !s.totp()));
        assertTrue(PLAN.operators().stream().anyMatch(s -> s.role() == DemoPlan.Role.READ_ONLY));
        Set<String> usernames = new HashSet<>();
        for (DemoPlan.Staff staff : PLAN.operators()) {
            assertTrue(PLAN.node(staff.home()).isPresent(), staff.username() + "'s home exists");
            assertFalse(PLAN.node(staff.home()).orElseThrow().isCustomer(), "customers do not use the product themselves");
            assertTrue(staff.username().matches("[A-Za-z0-9._@-]{3,100}"), staff.username());
            assertTrue(usernames.add(staff.username()));
        }
        assertTrue(PLAN.operators().stream().anyMatch(s -> s.home().equals(PLAN.dynamicGroupHome())
                && s.role() == DemoPlan.Role.FULL), "someone can act on the dynamic group");
    }

    @Test
    void someCustomersAreBehindTheProxyAndTheMspHasComputers() {
        List<DemoPlan.Node> customers = PLAN.customers();
        assertTrue(customers.stream().anyMatch(DemoPlan.Node::proxied));
        assertTrue(customers.stream().anyMatch(n -> !n.proxied()));
        assertTrue(customers.stream().filter(n -> PLAN.isWithin(n.name(), PLAN.dynamicGroupHome()))
                .mapToInt(DemoPlan.Node::agents).sum() >= 20, "enough machines under the MSP for its dynamic group");
        assertEquals("MSP", PLAN.node(PLAN.dynamicGroupHome()).orElseThrow().type());
        assertTrue(PLAN.agentCount() >= 50 && PLAN.agentCount() <= 100, "a swarm, not a load test: " + PLAN.agentCount());
    }

    @Test
    void isWithinFollowsParents() {
        assertTrue(PLAN.isWithin("Alpine Dental Care", "Summit Managed Services"));
        assertTrue(PLAN.isWithin("Alpine Dental Care", "Meridian Security Distribution"));
        assertTrue(PLAN.isWithin("Summit Managed Services", "Summit Managed Services"));
        assertFalse(PLAN.isWithin("Granite Construction Co.", "Summit Managed Services"));
        assertFalse(PLAN.isWithin("Unknown", "Summit Managed Services"));
    }

    @Test
    void theRulePicksWindowsWithoutTheProduct() {
        assertEquals("{op=AND, rules=[{attribute=os.platform, operator=EQ, value=WINDOWS}, {op=NOR, rules=[{attribute="
                + "products.name, operator=EQ, value=Palisade Endpoint Security}]}]}", DemoSeeder.rule().toString());
    }

    private static long count(String type) {
        return PLAN.tenants().stream().filter(n -> n.type().equals(type)).count();
    }
}
