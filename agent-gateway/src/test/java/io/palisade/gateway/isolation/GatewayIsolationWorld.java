package io.palisade.gateway.isolation;

import static org.assertj.core.api.Assertions.assertThat;

import io.palisade.gateway.support.TestAgent;
import io.palisade.gateway.support.TestAgent.Answer;
import io.palisade.gateway.support.World;
import io.palisade.gateway.support.World.Installer;
import io.palisade.gateway.support.World.Tenant;
import io.palisade.kit.scope.Permissions;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The tree the gateway's isolation tests share, built once (lazily) from real tenant events, real
 * installers and real enrolments:
 *
 * <pre>
 * dist (DISTRIBUTOR)
 * ├── mspA (MSP_MANAGER)
 * │   ├── custA1 (CUSTOMER)    installer a1 (device a1 enrolled with it)
 * │   ├── custA2 (CUSTOMER)    installer a2 (device a2)
 * │   └── subA (MANAGED_MSP)
 * │       └── custSub (CUSTOMER) installer sub (device sub)
 * └── mspB (MSP)
 *     └── custB (CUSTOMER)     installer b (device b)
 * </pre>
 *
 * Nothing else is ever created under mspA or mspB (tests that need victims create them in these
 * customers only), so "every installer an operator of A may see" is exactly the installers of custA1,
 * custA2 and custSub. Tokens are minted on demand (they expire after 15 minutes).
 */
final class GatewayIsolationWorld {

    /** Large enough that the tests' own enrolments never use an installer up. */
    static final int MAX_USES = 1000;

    private static GatewayIsolationWorld instance;
    private static Throwable failure;

    /**
     * One customer and what lives in it: an installer (with its one-time token) and an enrolled agent.
     * {@link #ghost()} gives a side of random ids, to compare "outside my scope" with "missing".
     */
    record Side(Tenant customer, Installer installer, TestAgent agent) {

        UUID customerId() {
            return customer.id();
        }

        UUID installerId() {
            return installer.id();
        }

        /** The enrolled device; for a ghost, an id no device has (derived from the ghost customer's). */
        UUID deviceId() {
            return agent == null ? UUID.nameUUIDFromBytes(customer.id().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8))
                    : agent.deviceId;
        }

        static Side ghost() {
            UUID msp = UUID.randomUUID();
            UUID customer = UUID.randomUUID();
            return new Side(new Tenant(customer, "CUSTOMER", "/" + msp + "/" + customer + "/"),
                    new Installer(UUID.randomUUID(), "pit_ghost", null, customer), null);
        }
    }

    final int agentPort;
    final Tenant dist;
    final Tenant mspA;
    final Tenant subA;
    final Tenant mspB;
    final Side a1;
    final Side a2;
    final Side sub;
    final Side b;

    private GatewayIsolationWorld(int agentPort) {
        this.agentPort = agentPort;
        dist = World.tenant("DISTRIBUTOR", null);
        mspA = World.tenant("MSP_MANAGER", dist);
        mspB = World.tenant("MSP", dist);
        subA = World.tenant("MANAGED_MSP", mspA);
        a1 = side(World.customerUnder(mspA));
        a2 = side(World.customerUnder(mspA));
        sub = side(World.customerUnder(subA));
        b = side(World.customerUnder(mspB));
        // the non-customer nodes are known too (POST /installers for them answers 409 or 404, never "unknown")
        World.awaitKnown(mspA);
        World.awaitKnown(subA);
        World.awaitKnown(mspB);
    }

    /** The world, built on first use; if building failed, every later test fails at once with that cause. */
    static synchronized GatewayIsolationWorld get(int agentPort) {
        if (failure != null) {
            throw new IllegalStateException("the isolation world could not be built", failure);
        }
        if (instance == null || instance.agentPort != agentPort) {
            try {
                instance = new GatewayIsolationWorld(agentPort);
            } catch (RuntimeException | AssertionError e) {
                failure = e;
                throw e;
            }
        }
        return instance;
    }

    private Side side(Tenant customer) {
        Installer installer = World.installer(customer, MAX_USES);
        return new Side(customer, installer, enrolled(installer));
    }

    /** A new agent enrolled with {@code installer} that has checked in once. */
    TestAgent enrolled(Installer installer) {
        TestAgent agent = new TestAgent(agentPort, installer.caPem());
        Answer answer = agent.enrol(installer.token());
        assertThat(answer.status()).as(answer.raw()).isEqualTo(201);
        Answer checkin = agent.checkin();
        assertThat(checkin.status()).as(checkin.raw()).isEqualTo(200);
        return agent;
    }

    /** The customers of A's subtree: everything an operator at mspA may see. */
    Set<UUID> customersOfA() {
        return Set.of(a1.customerId(), a2.customerId(), sub.customerId());
    }

    List<Side> sides() {
        return List.of(a1, a2, sub, b);
    }

    // ---- operators ----

    /** Every permission at mspA. */
    String opA() {
        return World.operatorWithAll(mspA);
    }

    /** At mspA with every permission except the two the gateway asks for. */
    String opANoPerms() {
        return World.operator(mspA, Permissions.TENANTS_READ, Permissions.GROUPS_READ, Permissions.GROUPS_WRITE,
                Permissions.DEVICES_READ, Permissions.TASKS_WRITE, Permissions.AUDIT_READ);
    }

    /** At mspA with only the given permissions. */
    String opAWith(String... permissions) {
        return World.operator(mspA, permissions);
    }

    /** installers.write and devices.write at custA1. */
    String opCustA1() {
        return World.operator(a1.customer(), Permissions.INSTALLERS_WRITE, Permissions.DEVICES_WRITE);
    }

    /** At custA1 without installers.write or devices.write. */
    String opCustA1NoPerms() {
        return World.operator(a1.customer(), Permissions.DEVICES_READ, Permissions.GROUPS_READ);
    }

    /** Every permission at custA2 (custA1's sibling). */
    String opCustA2() {
        return World.operatorWithAll(a2.customer());
    }

    /** Every permission at subA (A's managed MSP). */
    String opSub() {
        return World.operatorWithAll(subA);
    }

    /** Every permission at mspB. */
    String opB() {
        return World.operatorWithAll(mspB);
    }

    /** At mspB without installers.write or devices.write. */
    String opBNoPerms() {
        return World.operator(mspB, Permissions.TENANTS_READ, Permissions.DEVICES_READ);
    }
}
