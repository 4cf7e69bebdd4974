package io.palisade.group.tree;

import static io.palisade.group.support.Fleet.WAIT;
import static io.palisade.group.support.Fleet.as;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.palisade.events.CloudEvent;
import io.palisade.events.TenantEvents;
import io.palisade.events.Topics;
import io.palisade.group.common.SystemGroups;
import io.palisade.group.support.Fleet;
import io.palisade.group.support.Fleet.Tenant;
import io.palisade.kit.testing.TestEvents;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The MSP tree of groups follows the tenants: created, renamed, moved, deleted; duplicates and replays change nothing. */
@QuarkusTest
class MspTreeProjectionTest {

    @Test
    void eachTenantGetsOneManagedGroupUnderItsParentsGroup() {
        Tenant dist = Fleet.tenant(Fleet.unique("Dist"), "DISTRIBUTOR", null);
        Tenant msp = Fleet.tenant(Fleet.unique("MSP"), "MSP", dist);
        Tenant customer = Fleet.tenant(Fleet.unique("Cust"), "CUSTOMER", msp);
        String root = Fleet.root();
        as(root).get("/api/v1/groups/" + dist.groupId()).then().statusCode(200)
                .body("parentId", equalTo(SystemGroups.ALL.toString())).body("managed", equalTo(true))
                .body("name", equalTo(dist.name())).body("kind", equalTo("STATIC"));
        as(root).get("/api/v1/groups/" + msp.groupId()).then().body("parentId", equalTo(dist.groupId().toString()));
        as(root).get("/api/v1/groups/" + customer.groupId()).then().body("parentId", equalTo(msp.groupId().toString()))
                .body("tenantId", equalTo(customer.id().toString()));
    }

    @Test
    void renameMoveAndDeleteFollowTheTenant() {
        Tenant distA = Fleet.tenant(Fleet.unique("DistA"), "DISTRIBUTOR", null);
        Tenant distB = Fleet.tenant(Fleet.unique("DistB"), "DISTRIBUTOR", null);
        Tenant msp = Fleet.tenant(Fleet.unique("MSP"), "MSP", distA);
        Tenant customer = Fleet.tenant(Fleet.unique("Cust"), "CUSTOMER", msp);
        String root = Fleet.root();

        String renamed = Fleet.unique("Renamed");
        TestEvents.publish(new TenantEvents.Renamed(msp.id().toString(), renamed, "MSP", distA.id().toString(), msp.path(), 1,
                msp.name()), msp.path(), "/tenant-service");
        await().atMost(WAIT).untilAsserted(() -> as(root).get("/api/v1/groups/" + msp.groupId()).then().body("name", equalTo(renamed)));

        String newPath = distB.path() + msp.id() + "/";
        TestEvents.publish(new TenantEvents.Moved(msp.id().toString(), renamed, "MSP", distB.id().toString(), newPath, 2,
                distA.id().toString(), msp.path()), newPath, "/tenant-service");
        await().atMost(WAIT).untilAsserted(() -> as(root).get("/api/v1/groups/" + msp.groupId()).then()
                .body("parentId", equalTo(distB.groupId().toString())));
        // the customer's group moved with it, and an operator of distB now sees it
        as(Fleet.operatorWithAll(new Tenant(distB.id(), distB.name(), "DISTRIBUTOR", distB.path(), distB.groupId())))
                .get("/api/v1/groups/" + customer.groupId()).then().statusCode(200);
        as(Fleet.operatorWithAll(distA)).get("/api/v1/groups/" + customer.groupId()).then().statusCode(404);

        String customerPath = newPath + customer.id() + "/";
        TestEvents.publish(new TenantEvents.Deleted(customer.id().toString(), customer.name(), "CUSTOMER", msp.id().toString(),
                customerPath, 1), customerPath, "/tenant-service");
        await().atMost(WAIT).untilAsserted(() -> as(root).get("/api/v1/groups/" + customer.groupId()).then().statusCode(404));
    }

    @Test
    void duplicatedAndStaleEventsChangeNothing() {
        Tenant dist = Fleet.tenant(Fleet.unique("Dist"), "DISTRIBUTOR", null);
        String root = Fleet.root();
        String newer = Fleet.unique("Newer");
        CloudEvent rename = TestEvents.publish(new TenantEvents.Renamed(dist.id().toString(), newer, "DISTRIBUTOR", null,
                dist.path(), 5, dist.name()), dist.path(), "/tenant-service");
        await().atMost(WAIT).untilAsserted(() -> as(root).get("/api/v1/groups/" + dist.groupId()).then().body("name", equalTo(newer)));

        // an older version arrives late, and the same event is delivered again
        TestEvents.publish(new TenantEvents.Renamed(dist.id().toString(), "Stale name", "DISTRIBUTOR", null, dist.path(), 3,
                dist.name()), dist.path(), "/tenant-service");
        TestEvents.publish(Topics.TENANTS, dist.id().toString(), rename);
        TestEvents.publish(new TenantEvents.Created(dist.id().toString(), dist.name(), "DISTRIBUTOR", null, dist.path(), 0, null),
                dist.path(), "/tenant-service");
        // a marker event after them, so we know they have been processed
        Tenant marker = Fleet.tenant(Fleet.unique("Marker"), "DISTRIBUTOR", null);
        as(root).get("/api/v1/groups/" + marker.groupId()).then().statusCode(200);
        as(root).get("/api/v1/groups/" + dist.groupId()).then().body("name", equalTo(newer));
        List<Map<String, Object>> managed = as(root).queryParam("tenantId", dist.id()).queryParam("limit", 500)
                .get("/api/v1/groups").then().extract().path("items.findAll { it.managed && it.tenantId == '" + dist.id() + "' }");
        assertEquals(1, managed.size(), "exactly one managed group per tenant");
    }

    @Test
    void aChildSeenBeforeItsParentLandsUnderTheParentOnceItArrives() {
        UUID parentId = UUID.randomUUID();
        UUID childId = UUID.randomUUID();
        String parentPath = "/" + parentId + "/";
        String childPath = parentPath + childId + "/";
        String parentName = Fleet.unique("Late parent");
        TestEvents.publish(new TenantEvents.Created(childId.toString(), Fleet.unique("Early child"), "CUSTOMER", parentId.toString(),
                childPath, 0, null), childPath, "/tenant-service");
        UUID childGroup = Fleet.awaitManagedGroup(childId);
        TestEvents.publish(new TenantEvents.Created(parentId.toString(), parentName, "MSP", null, parentPath, 0, null),
                parentPath, "/tenant-service");
        String root = Fleet.root();
        await().atMost(WAIT).untilAsserted(() -> {
            String parentGroup = as(root).get("/api/v1/groups/" + childGroup).then().extract().path("parentId");
            as(root).get("/api/v1/groups/" + parentGroup).then().body("name", equalTo(parentName))
                    .body("parentId", equalTo(SystemGroups.ALL.toString()));
        });
    }

    @Test
    void managedGroupsRefuseManualChange() {
        Tenant dist = Fleet.tenant(Fleet.unique("Dist"), "DISTRIBUTOR", null);
        String root = Fleet.root();
        as(root).body(Map.of("name", "Hijacked")).patch("/api/v1/groups/" + dist.groupId()).then().statusCode(409)
                .body("type", endsWith("/managed-group"));
        as(root).delete("/api/v1/groups/" + dist.groupId()).then().statusCode(409);
        as(root).body(Map.of("parentId", SystemGroups.LOST_AND_FOUND.toString())).post("/api/v1/groups/" + dist.groupId() + "/move")
                .then().statusCode(409);
    }
}
