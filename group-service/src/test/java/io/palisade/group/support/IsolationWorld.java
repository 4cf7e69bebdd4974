package io.palisade.group.support;

import static io.palisade.group.support.Fleet.WAIT;
import static io.palisade.group.support.Fleet.as;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.palisade.group.support.Fleet.Tenant;
import io.palisade.kit.scope.Permissions;
import io.palisade.kit.testing.TestTokens;
import java.io.IOException;
import java.util.Map;
import java.util.UUID;

/**
 * The tree the group-service isolation tests share, built once (lazily) from real tenant and device
 * events:
 *
 * <pre>
 * mgr (MSP_MANAGER)          mgrTemplate (WINDOWS), mgrDynamicGroup under mgr's group, mgrTask (RUN_SCAN to mgr's group)
 * ├── mspA (MANAGED_MSP)     templateA (WINDOWS) + victimTemplateA (LINUX, unused); dynamicGroupA under mspA's group
 * │   └── custA (CUSTOMER)   staticGroupA (holds deviceA, Windows inventory), movableGroupA, victimGroupA (both empty);
 * │                          taskA (RUN_SCAN to custA's group)
 * └── mspB (MANAGED_MSP)     the same, side B
 *     └── custB (CUSTOMER)
 * </pre>
 *
 * Tokens are minted on demand (they expire after 15 minutes): opMgr, opA and opB hold every
 * permission at their MSP, opCustA holds groups.read and devices.read at custA, opNoPerms sits at
 * mspA with no permission at all.
 */
public final class IsolationWorld {

    public static final String WINDOWS_RULE = "{\"op\":\"AND\",\"rules\":[{\"attribute\":\"os.platform\",\"operator\":\"EQ\",\"value\":\"WINDOWS\"}]}";
    public static final String LINUX_RULE = "{\"op\":\"AND\",\"rules\":[{\"attribute\":\"os.platform\",\"operator\":\"EQ\",\"value\":\"LINUX\"}]}";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static IsolationWorld instance;
    private static Throwable failure;

    /**
     * One MSP's part of the tree and what lives in it. Every id may also be random ({@link #ghost()}): a
     * side that does not exist, to compare "outside my scope" with "missing".
     */
    public record Side(Tenant msp, Tenant customer, UUID staticGroup, UUID movableGroup, UUID victimGroup, UUID device,
                       String deviceName, UUID template, UUID victimTemplate, UUID dynamicGroup, UUID task) {

        /** A side made of random ids: nothing of it exists. */
        public static Side ghost() {
            UUID msp = UUID.randomUUID();
            UUID customer = UUID.randomUUID();
            return new Side(new Tenant(msp, "ghost-msp", "MANAGED_MSP", "/" + msp + "/", UUID.randomUUID()),
                    new Tenant(customer, "ghost-cust", "CUSTOMER", "/" + msp + "/" + customer + "/", UUID.randomUUID()),
                    UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), "ghost", UUID.randomUUID(),
                    UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID());
        }

        /** A token holding every permission at this side's MSP. */
        public String owner() {
            return Fleet.operatorWithAll(msp);
        }
    }

    public final Tenant mgr;
    public final Side a;
    public final Side b;
    public final UUID mgrTemplate;
    public final UUID mgrDynamicGroup;
    public final UUID mgrTask;

    private IsolationWorld() {
        mgr = Fleet.tenant(Fleet.unique("iso-mgr"), "MSP_MANAGER", null);
        a = side(mgr, "MANAGED_MSP", "A");
        b = side(mgr, "MANAGED_MSP", "B");
        String opMgr = opMgr();
        mgrTemplate = template(opMgr, mgr, "iso-mgr-windows", WINDOWS_RULE);
        mgrDynamicGroup = group(opMgr, mgr.groupId(), Fleet.unique("iso-mgr-windows"), "DYNAMIC", mgrTemplate);
        as(opMgr).get("/api/v1/groups/" + mgrDynamicGroup + "/devices").then().statusCode(200)
                .body("items.id", hasItem(a.device().toString())).body("items.id", hasItem(b.device().toString()));
        mgrTask = task(opMgr, mgr.groupId());
    }

    /** The world, built on first use; if building failed, every later test fails at once with that cause. */
    public static synchronized IsolationWorld get() {
        if (failure != null) {
            throw new IllegalStateException("the isolation world could not be built", failure);
        }
        if (instance == null) {
            try {
                instance = new IsolationWorld();
            } catch (RuntimeException | AssertionError e) {
                failure = e;
                throw e;
            }
        }
        return instance;
    }

    public String opMgr() {
        return Fleet.operatorWithAll(mgr);
    }

    public String opA() {
        return Fleet.operatorWithAll(a.msp());
    }

    public String opB() {
        return Fleet.operatorWithAll(b.msp());
    }

    /** Read-only at custA: groups.read and devices.read. */
    public String opCustA() {
        return Fleet.operator(a.customer(), Permissions.GROUPS_READ, Permissions.DEVICES_READ);
    }

    /** At mspA with no permission at all. */
    public String opNoPerms() {
        return Fleet.operator(a.msp());
    }

    public static String root() {
        return Fleet.root();
    }

    /** A token that may only enrol TOTP, at mspA. */
    public String enrolmentOnlyA() {
        return TestTokens.enrolmentOnly(a.msp().id(), a.msp().path());
    }

    /**
     * Builds one MSP (of {@code type}, under {@code parent}) with a customer and everything the tests
     * touch, through the API as the MSP's own operator.
     */
    public static Side side(Tenant parent, String type, String label) {
        Tenant msp = Fleet.tenant(Fleet.unique("iso-msp" + label), type, parent);
        Tenant customer = Fleet.tenant(Fleet.unique("iso-cust" + label), "CUSTOMER", msp);
        String owner = Fleet.operatorWithAll(msp);
        UUID staticGroup = group(owner, customer.groupId(), "Office " + label, "STATIC", null);
        UUID movable = group(owner, customer.groupId(), "Movable " + label, "STATIC", null);
        UUID victim = group(owner, customer.groupId(), "Victim " + label, "STATIC", null);
        String hostname = Fleet.unique("pc" + label.toLowerCase());
        UUID device = Fleet.device(customer, staticGroup, hostname);
        Fleet.inventory(customer, device, Fleet.windows(hostname, false));
        String root = Fleet.root();
        await().atMost(WAIT).untilAsserted(() -> as(root).get("/api/v1/devices/" + device).then().statusCode(200)
                .body("inventory.hostname", equalTo(hostname)).body("staticGroupId", equalTo(staticGroup.toString())));
        UUID template = template(owner, msp, "iso-windows-" + label, WINDOWS_RULE);
        UUID victimTemplate = template(owner, msp, "iso-linux-" + label, LINUX_RULE);
        UUID dynamic = group(owner, msp.groupId(), "Windows " + label, "DYNAMIC", template);
        as(owner).get("/api/v1/groups/" + dynamic + "/devices").then().statusCode(200).body("items.id", hasItem(device.toString()));
        UUID task = task(owner, customer.groupId());
        as(owner).get("/api/v1/tasks/" + task).then().statusCode(200).body("counts.PENDING", equalTo(1));
        return new Side(msp, customer, staticGroup, movable, victim, device, hostname, template, victimTemplate, dynamic, task);
    }

    public static UUID group(String token, UUID parentId, String name, String kind, UUID templateId) {
        Map<String, Object> body = templateId == null
                ? Map.of("name", name, "parentId", parentId.toString(), "kind", kind)
                : Map.of("name", name, "parentId", parentId.toString(), "kind", kind, "templateId", templateId.toString());
        String id = as(token).body(body).post("/api/v1/groups").then().statusCode(201).extract().path("id");
        return UUID.fromString(id);
    }

    public static UUID template(String token, Tenant owner, String name, String rule) {
        String id = as(token).body(Map.of("name", name, "tenantId", owner.id().toString(), "rule", rule(rule)))
                .post("/api/v1/dynamic-templates").then().statusCode(201).extract().path("id");
        return UUID.fromString(id);
    }

    public static UUID task(String token, UUID groupId) {
        String id = as(token).body(Map.of("type", "RUN_SCAN", "groupId", groupId.toString())).post("/api/v1/tasks")
                .then().statusCode(201).extract().path("id");
        return UUID.fromString(id);
    }

    /** A rule as a JSON value for a request body. */
    public static Object rule(String json) {
        try {
            return JSON.readValue(json, Object.class);
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
