package io.palisade.migration;

import static io.palisade.migration.support.Exports.all;
import static io.palisade.migration.support.Exports.condition;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.palisade.migration.apply.CrashPoints;
import io.palisade.migration.support.Exports;
import io.palisade.migration.support.Snapshot;
import io.palisade.migration.support.World;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Apply against the real tenant-service and group-service: version rules, idempotence, crash and resume. */
@QuarkusTest
class ApplyTest {

    static String admin;

    @Inject
    CrashPoints crashes;

    @BeforeAll
    static void world() {
        admin = World.admin();
    }

    /** A fresh target: a distributor at the root with an operator of its own. */
    record Target(String tenantId, String token) {
    }

    static Target distributor() {
        String id = World.tenant(admin, World.unique("Apply Distribution"), "DISTRIBUTOR", null);
        return new Target(id, World.operator(admin, id, World.MIGRATOR));
    }

    static String plan(Target t, String json) {
        return given().contentType("application/json").header("Authorization", "Bearer " + t.token()).body(json)
                .post("/api/v1/migrations").then().statusCode(201).extract().path("id");
    }

    static void apply(Target t, String id) {
        given().header("Authorization", "Bearer " + t.token()).post("/api/v1/migrations/" + id + "/apply").then().statusCode(202);
    }

    static JsonPath awaitStatus(Target t, String id, String status) {
        JsonPath[] last = new JsonPath[1];
        Awaitility.await(id + " " + status).atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() -> {
            last[0] = given().header("Authorization", "Bearer " + t.token()).get("/api/v1/migrations/" + id).then()
                    .statusCode(200).extract().jsonPath();
            String now = last[0].getString("status");
            if (!status.equals("FAILED") && now.equals("FAILED")) {
                throw new AssertionError("the job failed: " + last[0].prettify());
            }
            return now.equals(status);
        });
        return last[0];
    }

    /** The snapshot once group-service has mirrored every tenant (it follows tenant events). */
    static List<String> settled(Target t, int tenants) {
        List<String>[] snap = new List[1];
        Awaitility.await("the MSP tree mirrored").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
            snap[0] = Snapshot.of(t.token(), t.tenantId());
            // every tenant's group, each with its name: a child's event may reach group-service before its parent's
            // (another partition), which leaves the parent's group "(pending) <id>" until the parent's event arrives
            return snap[0].stream().filter(s -> s.startsWith("group ") && s.contains(" managed")).count() == tenants
                    && snap[0].stream().noneMatch(s -> s.contains("(pending) "));
        });
        return snap[0];
    }

    static Exports esmc70() {
        return PlanningTest.esmc70();
    }

    @Test
    void a70ImportCreatesTheTreeAndKeepsEveryLegacyGroupExactlyAsItWas() {
        Target t = distributor();
        String id = plan(t, esmc70().json());
        apply(t, id);
        JsonPath done = awaitStatus(t, id, "COMPLETED");
        assertThat(done.getInt("progress.tenants.done")).isEqualTo(3);
        assertThat(done.getInt("progress.staticGroups.done")).isEqualTo(3);
        assertThat(done.getInt("progress.dynamicGroups.done")).isEqualTo(2);
        assertThat(done.getInt("progress.devices.done")).isEqualTo(4);
        assertThat(done.getMap("report")).doesNotContainKey("notImported");

        List<String> snapshot = settled(t, 3);
        String windows = "rule={\"op\":\"AND\",\"rules\":[{\"attribute\":\"os.platform\",\"operator\":\"EQ\",\"value\":\"WINDOWS\"}]}";
        String oldWindows = "rule={\"op\":\"AND\",\"rules\":[{\"attribute\":\"os.version\",\"operator\":\"STARTS_WITH\",\"value\":\"6.\"}]}";
        assertThat(snapshot).containsExactlyInAnyOrder(
                "tenant Northwind MSP externalId=c1",
                "tenant Northwind/Contoso CUSTOMER externalId=c3",
                "tenant Northwind/Fabrikam CUSTOMER externalId=c2",
                "group Northwind STATIC managed",
                "group Northwind/Contoso STATIC managed",
                "group Northwind/Fabrikam STATIC managed",
                "group Servers STATIC",
                "group Fabrikam PCs STATIC",
                "group Fabrikam PCs/Laptops STATIC",
                "group Windows DYNAMIC " + windows,
                "group Windows/Old Windows DYNAMIC " + oldWindows,
                // every device awaits its agent in its legacy group, a member of the legacy dynamic groups it matches
                "device pc-01 tenant=Northwind/Fabrikam group=Fabrikam PCs dynamic=[Windows] AWAITING_AGENT",
                "device pc-02 tenant=Northwind/Fabrikam group=Fabrikam PCs dynamic=[Windows] AWAITING_AGENT",
                "device srv-01 tenant=Northwind/Contoso group=Servers dynamic=[Windows] AWAITING_AGENT",
                "device srv-02 tenant=(target) group=Servers dynamic=[Windows] AWAITING_AGENT");

        // Applying again creates nothing twice.
        apply(t, id);
        awaitStatus(t, id, "COMPLETED");
        assertThat(Snapshot.of(t.token(), t.tenantId())).isEqualTo(snapshot);

        // The moves were recommended, not performed; /moves performs them, once, each audited.
        JsonPath moves = given().header("Authorization", "Bearer " + t.token()).get("/api/v1/migrations/" + id + "/moves")
                .then().statusCode(200).extract().jsonPath();
        assertThat(moves.getList("items.kind")).containsExactlyInAnyOrder("GROUP", "DEVICE");
        assertThat(moves.getList("items.status")).containsOnly("RECOMMENDED");
        assertThat(moves.getString("items.find { it.kind == 'GROUP' }.legacyId")).isEqualTo("g3");
        assertThat(moves.getString("items.find { it.kind == 'GROUP' }.companyId")).isEqualTo("c2");
        assertThat(moves.getString("items.find { it.kind == 'DEVICE' }.legacyId")).isEqualTo("u3");
        given().header("Authorization", "Bearer " + t.token()).contentType("application/json").body(Map.of("moves", "ALL"))
                .post("/api/v1/migrations/" + id + "/moves").then().statusCode(202)
                .body("performed", equalTo(2)).body("unavailable", equalTo(0)).body("failed.size()", equalTo(0));
        List<String> moved = Snapshot.of(t.token(), t.tenantId());
        assertThat(moved).contains("group Northwind/Fabrikam/Fabrikam PCs STATIC", "group Northwind/Fabrikam/Fabrikam PCs/Laptops STATIC",
                        "device srv-01 tenant=Northwind/Contoso group=Northwind/Contoso dynamic=[Windows] AWAITING_AGENT",
                        "device pc-01 tenant=Northwind/Fabrikam group=Northwind/Fabrikam/Fabrikam PCs dynamic=[Windows] AWAITING_AGENT")
                .doesNotContain("group Fabrikam PCs STATIC");
        given().header("Authorization", "Bearer " + t.token()).contentType("application/json").body(Map.of("moves", "ALL"))
                .post("/api/v1/migrations/" + id + "/moves").then().statusCode(202).body("performed", equalTo(0));
        assertThat(Snapshot.of(t.token(), t.tenantId())).isEqualTo(moved);
        Awaitility.await("the move is audited").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300)).until(() ->
                World.tenantApi(admin).get("/api/v1/audit?action=migration.move&limit=500").then().statusCode(200).extract()
                        .jsonPath().getList("items.targetId").contains(id));
    }

    @Test
    void movesWaitForACompletedApplyAndRefuseUnknownIds() {
        Target t = distributor();
        String id = plan(t, esmc70().json());
        given().header("Authorization", "Bearer " + t.token()).contentType("application/json").body(Map.of("moves", "ALL"))
                .post("/api/v1/migrations/" + id + "/moves").then().statusCode(409);
        given().header("Authorization", "Bearer " + t.token()).contentType("application/json")
                .body(Map.of("moves", List.of(java.util.UUID.randomUUID().toString())))
                .post("/api/v1/migrations/" + id + "/moves").then().statusCode(409);
        given().header("Authorization", "Bearer " + t.token()).contentType("application/json").body(Map.of("moves", 5))
                .post("/api/v1/migrations/" + id + "/moves").then().statusCode(400);
    }

    @Test
    void a72ImportKeepsTheTreeAndTheGroupsAsTheyAre() {
        Target t = distributor();
        String msp = World.tenant(admin, World.unique("Apply MSP"), "MSP", t.tenantId());
        Target target = new Target(msp, t.token());
        String json = Exports.esmc("7.2.1266.0")
                .company("c1", "Acme", "CUSTOMER", null)
                .company("c2", "Globex", "CUSTOMER", null)
                .staticGroup("g1", "All", null, null)
                .staticGroup("g2", "Acme", "g1", "c1")
                .staticGroup("g3", "Workstations", "g2", null)
                .staticGroup("g4", "Globex Servers", "g1", "c2")
                .staticGroup("g5", "Lab", "g1", null)
                .dynamicGroup("d1", "Linux", "g3", all(condition("os.platform", "EQ", "LINUX")))
                .json();
        String id = given().contentType("application/json").header("Authorization", "Bearer " + t.token()).body(json)
                .queryParam("targetTenantId", msp).post("/api/v1/migrations").then().statusCode(201).extract().path("id");
        apply(t, id);
        awaitStatus(t, id, "COMPLETED");
        assertThat(settled(target, 2)).containsExactlyInAnyOrder(
                "tenant Acme CUSTOMER externalId=c1",
                "tenant Globex CUSTOMER externalId=c2",
                "group Acme STATIC managed",
                "group Acme/Workstations STATIC",
                "group Acme/Workstations/Linux DYNAMIC rule={\"op\":\"AND\",\"rules\":[{\"attribute\":\"os.platform\",\"operator\":\"EQ\",\"value\":\"LINUX\"}]}",
                "group Globex STATIC managed",
                "group Globex/Globex Servers STATIC",
                "group Lab STATIC");
    }

    @Test
    void killedAtAnyPointAnApplyResumesToTheSameStateWithoutDuplicates() {
        Target reference = distributor();
        String ref = plan(reference, esmc70().json());
        apply(reference, ref);
        awaitStatus(reference, ref, "COMPLETED");
        List<String> expected = settled(reference, 3);

        List<Object[]> points = List.of(
                new Object[] {"TENANT", "c2", CrashPoints.Point.BEFORE_CALL},
                new Object[] {"TENANT", "c2", CrashPoints.Point.AFTER_CALL},
                new Object[] {"STATIC_GROUP", "g2", CrashPoints.Point.BEFORE_CALL},
                new Object[] {"STATIC_GROUP", "g3", CrashPoints.Point.AFTER_CALL},
                new Object[] {"STATIC_GROUP", "g4", CrashPoints.Point.AFTER_CALL},
                new Object[] {"DYNAMIC_GROUP", "d1", CrashPoints.Point.BEFORE_CALL},
                new Object[] {"DYNAMIC_GROUP", "d2", CrashPoints.Point.AFTER_CALL},
                new Object[] {"DEVICE", "u1", CrashPoints.Point.BEFORE_CALL},
                new Object[] {"DEVICE", "u1", CrashPoints.Point.AFTER_CALL});
        for (Object[] point : points) {
            Target t = distributor();
            String id = plan(t, esmc70().json());
            crashes.arm((String) point[0], (String) point[1], (CrashPoints.Point) point[2]);
            apply(t, id);
            JsonPath died = awaitStatus(t, id, "FAILED");
            assertThat(died.getString("report.reason")).as("%s", List.of(point)).contains("stopped without finishing");
            apply(t, id);
            awaitStatus(t, id, "COMPLETED");
            assertThat(settled(t, 3)).as("killed at %s", List.of(point)).isEqualTo(expected);
        }
    }

    @Test
    void aFailedApplyNamesTheCauseAndResumesOnceItIsFixed() {
        Target t = distributor();
        String[] found = new String[1];
        Awaitility.await("group-service mirrors the new distributor").atMost(Duration.ofSeconds(30)).until(() -> {
            int status = World.groupApi(t.token()).get("/api/v1/groups?tenantId=" + t.tenantId()).statusCode();
            if (status != 200) {
                return false;
            }
            found[0] = World.groupsOf(t.token(), t.tenantId()).stream()
                    .filter(g -> Boolean.TRUE.equals(g.get("managed")) && t.tenantId().equals(g.get("tenantId")))
                    .findFirst().map(g -> g.get("id").toString()).orElse(null);
            return found[0] != null;
        });
        String targetGroup = found[0];
        String squatter = World.groupApi(t.token()).body(Map.of("name", "Servers", "parentId", targetGroup, "kind", "STATIC"))
                .post("/api/v1/groups").then().statusCode(201).extract().path("id");
        String id = plan(t, esmc70().json());
        apply(t, id);
        JsonPath failed = awaitStatus(t, id, "FAILED");
        assertThat(failed.getString("report.failedItem.legacyId")).isEqualTo("g2");
        assertThat(failed.getString("report.reason")).contains("Servers").contains("already exists");
        assertThat(failed.getInt("progress.tenants.done")).isEqualTo(3);

        World.groupApi(t.token()).delete("/api/v1/groups/" + squatter).then().statusCode(204);
        apply(t, id);
        JsonPath done = awaitStatus(t, id, "COMPLETED");
        assertThat(done.getInt("progress.staticGroups.done")).isEqualTo(3);
        assertThat(settled(t, 3)).contains("group Servers STATIC", "tenant Northwind MSP externalId=c1");
    }

    @Test
    void aBatchOfDynamicGroupsWithATakenNameFailsNamingItAndResumes() {
        Target t = distributor();
        String targetGroup = managedGroup(t);
        String json = Exports.esmc("7.2.0").staticGroup("g1", "All", null, null)
                .dynamicGroup("d1", "Linux", "g1", all(condition("os.platform", "EQ", "LINUX")))
                .dynamicGroup("d2", "Mac", "g1", all(condition("os.platform", "EQ", "MACOS")))
                .dynamicGroup("d3", "Windows", "g1", all(condition("os.platform", "EQ", "WINDOWS"))).json();
        String squatter = World.groupApi(t.token()).body(Map.of("name", "Mac", "parentId", targetGroup, "kind", "STATIC"))
                .post("/api/v1/groups").then().statusCode(201).extract().path("id");
        String id = plan(t, json);
        apply(t, id);
        JsonPath failed = awaitStatus(t, id, "FAILED");
        assertThat(failed.getString("report.failedItem.legacyId")).isEqualTo("d2");
        assertThat(failed.getString("report.reason")).contains("Mac");
        World.groupApi(t.token()).delete("/api/v1/groups/" + squatter).then().statusCode(204);
        apply(t, id);
        JsonPath done = awaitStatus(t, id, "COMPLETED");
        assertThat(done.getInt("progress.dynamicGroups.done")).isEqualTo(3);
        List<String> snapshot = Snapshot.of(t.token(), t.tenantId());
        assertThat(snapshot.stream().filter(g -> g.contains(" DYNAMIC "))).hasSize(3);
        assertThat(World.templatesOf(t.token(), t.tenantId())).hasSize(3);
    }

    @Test
    void aBatchOfTenantsWithATakenNameFailsNamingItAndResumes() {
        Target t = distributor();
        String json = Exports.esmc("7.0.0").company("a1", "Alpha", "MSP", null).company("b1", "Beta", "MSP", null)
                .company("c1", "Gamma", "MSP", null).staticGroup("g1", "All", null, null).json();
        // a tenant of the same name that this export did not create (no externalId)
        String squatter = World.tenant(t.token(), "beta", "MSP", t.tenantId());
        String id = plan(t, json);
        apply(t, id);
        JsonPath failed = awaitStatus(t, id, "FAILED");
        // the batch of three was refused as a whole, then each was tried alone: Alpha and Gamma exist once, Beta is named
        assertThat(failed.getString("report.failedItem.legacyId")).isEqualTo("b1");
        assertThat(failed.getString("report.reason")).contains("Beta").contains("already exists");
        assertThat(failed.getInt("progress.tenants.done")).isEqualTo(1);

        World.tenantApi(t.token()).delete("/api/v1/tenants/" + squatter).then().statusCode(204);
        apply(t, id);
        JsonPath done = awaitStatus(t, id, "COMPLETED");
        assertThat(done.getInt("progress.tenants.done")).isEqualTo(3);
        assertThat(World.tenantsUnder(t.token(), t.tenantId()).stream().filter(n -> !t.tenantId().equals(n.get("id")))
                .map(n -> n.get("name") + " " + n.get("externalId")).toList())
                .containsExactlyInAnyOrder("Alpha a1", "Beta b1", "Gamma c1");
    }

    static String managedGroup(Target t) {
        String[] found = new String[1];
        Awaitility.await("group-service mirrors the new distributor").atMost(Duration.ofSeconds(30)).until(() -> {
            if (World.groupApi(t.token()).get("/api/v1/groups?tenantId=" + t.tenantId()).statusCode() != 200) {
                return false;
            }
            found[0] = World.groupsOf(t.token(), t.tenantId()).stream()
                    .filter(g -> Boolean.TRUE.equals(g.get("managed")) && t.tenantId().equals(g.get("tenantId")))
                    .findFirst().map(g -> g.get("id").toString()).orElse(null);
            return found[0] != null;
        });
        return found[0];
    }

    @Test
    void concurrentApplyCallsRunOneJob() throws Exception {
        Target reference = distributor();
        String ref = plan(reference, esmc70().json());
        apply(reference, ref);
        awaitStatus(reference, ref, "COMPLETED");
        List<String> expected = settled(reference, 3);

        Target t = distributor();
        String id = plan(t, esmc70().json());
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<Integer>> calls = new java.util.ArrayList<>();
            for (int i = 0; i < 4; i++) {
                calls.add(pool.submit(() -> given().header("Authorization", "Bearer " + t.token())
                        .post("/api/v1/migrations/" + id + "/apply").statusCode()));
            }
            for (java.util.concurrent.Future<Integer> call : calls) {
                assertThat(call.get()).isEqualTo(202);
            }
        } finally {
            pool.shutdown();
        }
        awaitStatus(t, id, "COMPLETED");
        assertThat(settled(t, 3)).isEqualTo(expected);
    }

    @Test
    void applyNeedsThePermissionsTheJobUses() {
        Target t = distributor();
        String id = plan(t, esmc70().json());
        String planner = World.operator(admin, t.tenantId(), List.of("migrations.run", "tenants.read"));
        given().header("Authorization", "Bearer " + planner).post("/api/v1/migrations/" + id + "/apply").then().statusCode(403)
                .body("detail", org.hamcrest.Matchers.containsString("groups.write"));
        given().header("Authorization", "Bearer " + t.token()).get("/api/v1/migrations/" + id).then().statusCode(200)
                .body("status", equalTo("PLANNED"));
    }
}
