package io.palisade.tenant.hierarchy;

import static io.palisade.tenant.support.Api.as;
import static io.palisade.tenant.support.IsolationFixture.allItems;
import static io.palisade.tenant.support.ProblemAssertions.assertInvalidField;
import static io.palisade.tenant.support.ProblemAssertions.assertProblem;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.palisade.events.AuditRecorded;
import io.palisade.events.CloudEvent;
import io.palisade.events.TenantEvents;
import io.palisade.events.Topics;
import io.palisade.kit.testing.TestEvents;
import io.palisade.kit.testing.TopicProbe;
import io.palisade.tenant.support.Api;
import io.palisade.tenant.support.IsolationFixture;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /api/v1/tenants/batch}: every tenant of a batch is created under its existing parent, in request order,
 * with its event and audit entry, or none is; a failure names its entry; foreign parents answer like missing ones.
 * Also the audit consumer, which stores {@code palisade.audit} a poll at a time: each entry exactly once.
 */
@QuarkusTest
class TenantBatchTest {

    private static final String TENANTS = "/api/v1/tenants";
    private static final String BATCH = TENANTS + "/batch";
    private static final String AUDIT = "/api/v1/audit";
    private static final Duration WAIT = Duration.ofSeconds(90);

    private String token;

    @BeforeEach
    void signIn() {
        token = Api.adminToken();
    }

    // ---- creating ----

    @Test
    void aBatchCreatesEveryTenantInRequestOrderUnderItsParent() {
        String dist = top("DISTRIBUTOR");
        String manager = top("MSP_MANAGER");
        String distPath = node(dist).getString("path");
        String managerPath = node(manager).getString("path");
        String msp = Api.unique("Batch MSP");
        String subManager = Api.unique("Batch Mgr");
        String customer = Api.unique("Batch Cust");
        String managed = Api.unique("Batch Managed");

        Response response = batch(token, List.of(
                entry(msp, "MSP", dist, "ext-msp"),
                entry(subManager, "MSP_MANAGER", dist, null),
                entry("  " + customer + "  ", "CUSTOMER", manager, "ext-cust"),
                entry(managed, "MANAGED_MSP", manager, "ext-managed")));

        response.then().statusCode(201)
                .body("nextCursor", nullValue())
                .body("items.name", contains(msp, subManager, customer, managed))
                .body("items.type", contains("MSP", "MSP_MANAGER", "CUSTOMER", "MANAGED_MSP"))
                .body("items.parentId", contains(dist, dist, manager, manager))
                .body("items.externalId", contains("ext-msp", null, "ext-cust", "ext-managed"));
        List<Map<String, Object>> items = response.jsonPath().getList("items");
        List<String> ids = items.stream().map(i -> (String) i.get("id")).toList();
        List<String> parentPaths = List.of(distPath, distPath, managerPath, managerPath);
        for (int i = 0; i < items.size(); i++) {
            assertEquals(parentPaths.get(i) + ids.get(i) + "/", items.get(i).get("path"), "path of item " + i);
            assertThat(items.get(i).get("createdAt"), notNullValue());
            assertEquals(items.get(i), as(token).get(TENANTS + "/" + ids.get(i)).then().statusCode(200)
                    .extract().jsonPath().getMap("$"), "GET answers what the batch answered for item " + i);
        }
        assertThat(new HashSet<>(ids).size(), equalTo(4));
        assertThat(childIds(dist), containsInAnyOrder(ids.get(0), ids.get(1)));
        assertThat(childIds(manager), containsInAnyOrder(ids.get(2), ids.get(3)));
    }

    @Test
    void rootOperatorsMayCreateTopLevelTenantsInABatch() {
        String name = Api.unique("Batch Top");
        String dist = top("DISTRIBUTOR");

        Response response = batch(token, List.of(entry(name, "MSP", null, null), entry(Api.unique("Batch Under"), "MSP", dist, null)));

        response.then().statusCode(201).body("items.parentId", contains(null, dist));
        String id = response.path("items[0].id");
        assertThat(response.path("items[0].path"), equalTo("/" + id + "/"));
        assertThat(node(id).getString("parentId"), nullValue());
    }

    @Test
    void theSameNameMayRepeatUnderDifferentParentsOfOneBatch() {
        String msp = top("MSP");
        String msp2 = top("MSP");
        String name = Api.unique("Batch Twin");

        Response response = batch(token, List.of(entry(name, "CUSTOMER", msp, null), entry(name.toUpperCase(), "CUSTOMER", msp2, null)));

        response.then().statusCode(201).body("items.parentId", contains(msp, msp2));
        assertThat(childIds(msp), contains((String) response.path("items[0].id")));
        assertThat(childIds(msp2), contains((String) response.path("items[1].id")));
    }

    // ---- all or nothing ----

    @Test
    void aNameRepeatedWithinTheBatchInAnyCaseIsRefusedNamingItAndCreatesNothing() {
        String msp = top("MSP");
        String name = Api.unique("Batch Shop");

        JsonPath problem = assertProblem(batch(token, List.of(
                entry(name, "CUSTOMER", msp, null),
                entry(Api.unique("Batch Other"), "CUSTOMER", msp, null),
                entry(" " + name.toUpperCase() + " ", "CUSTOMER", msp, null))), 409, "duplicate-name");

        assertThat(problem.getList("errors.field", String.class), contains("tenants[2].name"));
        assertThat("nothing of the batch was created", childIds(msp), empty());
    }

    @Test
    void aNameAnExistingSiblingHoldsIsRefusedNamingItAndCreatesNothing() {
        String msp = top("MSP");
        String name = Api.unique("Batch Taken");
        String existing = Api.tenant(token, name, "CUSTOMER", msp);

        JsonPath problem = assertProblem(batch(token, List.of(
                entry(Api.unique("Batch Fresh"), "CUSTOMER", msp, null),
                entry(name.toLowerCase(), "CUSTOMER", msp, null))), 409, "duplicate-name");

        assertThat(problem.getList("errors.field", String.class), contains("tenants[1].name"));
        assertThat("only the sibling that was there before", childIds(msp), contains(existing));
    }

    @Test
    void aTopLevelNameTakenInAnyCaseIsRefusedNamingItAndCreatesNothing() {
        String name = Api.unique("BatchTopTaken");
        String existing = top("DISTRIBUTOR", name);
        String fresh = Api.unique("BatchTopFresh");

        JsonPath problem = assertProblem(batch(token, List.of(
                entry(fresh, "MSP", null, null),
                entry(name.toUpperCase(), "MSP", null, null))), 409, "duplicate-name");

        assertThat(problem.getList("errors.field", String.class), contains("tenants[1].name"));
        assertThat(namedAnywhere(name), contains(existing));
        assertThat(namedAnywhere(fresh), empty());
    }

    @Test
    void aHierarchyRuleViolationIsRefusedNamingTheEntryAndCreatesNothing() {
        String msp = top("MSP");
        String customer = Api.tenant(token, Api.unique("Batch Leaf"), "CUSTOMER", msp);
        String tag = Api.unique("BatchRule");

        JsonPath underLeaf = assertProblem(batch(token, List.of(
                entry(tag + " ok", "CUSTOMER", msp, null),
                entry(tag + " under leaf", "CUSTOMER", customer, null))), 409, "hierarchy-rule");
        JsonPath mspUnderMsp = assertProblem(batch(token, List.of(
                entry(tag + " ok", "CUSTOMER", msp, null),
                entry(tag + " ok too", "CUSTOMER", msp, null),
                entry(tag + " msp", "MSP", msp, null))), 409, "hierarchy-rule");
        JsonPath customerAtTop = assertProblem(batch(token, List.of(entry(tag + " top", "CUSTOMER", null, null))),
                409, "hierarchy-rule");

        assertThat(underLeaf.getList("errors.field", String.class), contains("tenants[1].type"));
        assertThat(mspUnderMsp.getList("errors.field", String.class), contains("tenants[2].type"));
        assertThat(customerAtTop.getList("errors.field", String.class), contains("tenants[0].type"));
        assertThat(childIds(msp), contains(customer));
        assertThat(childIds(customer), empty());
        assertThat(namedAnywhere(tag), empty());
    }

    // ---- isolation ----

    @Test
    void aBatchNamingAForeignParentAnswersLikeAMissingOneAndCreatesNothing() {
        IsolationFixture f = IsolationFixture.get();
        String tag = Api.unique("iso-batch");
        Set<String> before = subtree(f, f.mgr);
        Function<String, List<Map<String, Object>>> foreignOnly = parent -> List.of(entry(tag + " a", "CUSTOMER", parent, null));
        Function<String, List<Map<String, Object>>> ownAndForeign = parent -> List.of(
                entry(tag + " own", "CUSTOMER", f.mspA, null), entry(tag + " b", "CUSTOMER", parent, null));
        Function<String, List<Map<String, Object>>> foreignAndOwn = parent -> List.of(
                entry(tag + " c", "CUSTOMER", parent, null), entry(tag + " own", "CUSTOMER", f.mspA, null));

        for (var shape : List.of(foreignOnly, ownAndForeign, foreignAndOwn)) {
            Response missing = batch(f.opA.token(), shape.apply(UUID.randomUUID().toString()));
            assertProblem(missing, 404, "not-found");
            for (String foreign : List.of(f.mspB, f.custB, f.mgr)) {
                Response answer = batch(f.opA.token(), shape.apply(foreign));
                assertProblem(answer, 404, "not-found");
                assertEquals(missing.asString(), answer.asString(), "a foreign parent answers exactly like a missing one");
                assertThat(answer.asString(), not(containsString(foreign)));
            }
        }

        assertEquals(before, subtree(f, f.mgr), "nothing was created in A, B or above them");
        assertThat(namedAnywhere(tag), empty());
    }

    @Test
    void anOperatorWithoutTenantsWriteIsForbiddenAndCreatesNothing() {
        IsolationFixture f = IsolationFixture.get();
        String tag = Api.unique("iso-batch-limited");
        Set<String> before = subtree(f, f.mspA);

        assertProblem(batch(f.opLimited.token(), List.of(entry(tag, "CUSTOMER", f.mspA, null))), 403, "forbidden");
        assertProblem(batch(f.opCustA.token(), List.of(entry(tag, "CUSTOMER", f.custA, null))), 403, "forbidden");

        assertEquals(before, subtree(f, f.mspA));
        assertThat(namedAnywhere(tag), empty());
    }

    @Test
    void aNonRootOperatorCannotCreateTopLevelTenantsInABatch() {
        IsolationFixture f = IsolationFixture.get();
        String tag = Api.unique("iso-batch-top");

        assertProblem(batch(f.opMgr.token(), List.of(entry(tag + " top", "MSP", null, null))), 403, "forbidden");
        assertProblem(batch(f.opMgr.token(), List.of(
                entry(tag + " under", "MANAGED_MSP", f.mgr, null), entry(tag + " top2", "MSP", null, null))), 403, "forbidden");
        assertProblem(batch(f.opA.token(), List.of(
                entry(tag + " own", "CUSTOMER", f.mspA, null), entry(tag + " top3", "MSP", null, null))), 403, "forbidden");

        assertThat(namedAnywhere(tag), empty());
    }

    // ---- validation ----

    @Test
    void anEmptyOrMissingListIsRefused() {
        assertInvalidField(as(token).body(Map.of("tenants", List.of())).post(BATCH), "tenants");
        assertInvalidField(as(token).body(Map.of()).post(BATCH), "tenants");
        assertProblem(as(token).body("[]").post(BATCH), 400);
    }

    @Test
    void moreThan500EntriesAreRefusedAndCreateNothing() {
        String msp = top("MSP");
        String tag = Api.unique("Batch Over");
        List<Map<String, Object>> entries = IntStream.range(0, 501)
                .mapToObj(i -> entry(tag + " " + i, "CUSTOMER", msp, null)).toList();

        assertInvalidField(batch(token, entries), "tenants");

        assertThat(childIds(msp), empty());
    }

    @Test
    void badEntriesAreRefusedNamingTheirFieldAndCreateNothing() {
        String msp = top("MSP");
        String tag = Api.unique("Batch Bad");
        Map<String, Object> good = entry(tag + " good", "CUSTOMER", msp, null);

        assertInvalidField(batch(token, List.of(good, entry(tag + " bell\u0007", "CUSTOMER", msp, null))), "tenants[1].name");
        assertInvalidField(batch(token, List.of(good, entry(tag + "\nnewline", "CUSTOMER", msp, null))), "tenants[1].name");
        assertInvalidField(batch(token, List.of(entry(tag + " ext", "CUSTOMER", msp, "ext\u001b[31m"), good)), "tenants[0].externalId");
        assertInvalidField(batch(token, List.of(good, entry("   ", "CUSTOMER", msp, null))), "tenants[1].name");
        assertInvalidField(batch(token, List.of(good, entry("n".repeat(201), "CUSTOMER", msp, null))), "tenants[1].name");
        assertInvalidField(batch(token, List.of(good, entry(tag + " untyped", null, msp, null))), "tenants[1].type");
        assertInvalidField(batch(token, List.of(good, entry(tag + " bogus", "BOGUS", msp, null))), "tenants[1].type");
        assertInvalidField(batch(token, List.of(good, entry(tag + " nul\u0000", "CUSTOMER", msp, null))), "body");
        List<Map<String, Object>> withNull = new ArrayList<>();
        withNull.add(good);
        withNull.add(null);
        assertProblem(batch(token, withNull), 400);

        assertThat(childIds(msp), empty());
    }

    // ---- events and audit ----

    @Test
    void aFullBatchOf500GivesEveryTenantItsCreatedEventAndAuditEntry() {
        String msp = top("MSP");
        String mspPath = node(msp).getString("path");
        String tag = Api.unique("Batch Full");
        List<Map<String, Object>> entries = IntStream.range(0, 500)
                .mapToObj(i -> entry(tag + " " + i, "CUSTOMER", msp, "ext-" + i)).toList();

        Response response = batch(token, entries);

        response.then().statusCode(201);
        List<String> ids = response.jsonPath().getList("items.id", String.class);
        assertThat(response.jsonPath().getList("items.name", String.class),
                contains(IntStream.range(0, 500).mapToObj(i -> tag + " " + i).toArray()));
        assertThat(new HashSet<>(childIds(msp)), equalTo(new HashSet<>(ids)));
        assertThat(ids.size(), equalTo(500));
        Map<String, Integer> indexOf = new HashMap<>();
        for (int i = 0; i < ids.size(); i++) {
            indexOf.put(ids.get(i), i);
        }

        List<Map<String, Object>> audit = allItems(token, AUDIT + "?under=" + msp + "&action=tenant.created");
        List<String> audited = audit.stream().map(e -> (String) e.get("targetId")).filter(id -> !msp.equals(id)).toList();
        assertThat("one entry per created tenant", audited.size(), equalTo(500));
        assertThat(new HashSet<>(audited), equalTo(indexOf.keySet()));
        for (Map<String, Object> e : audit) {
            if (msp.equals(e.get("targetId"))) {
                continue;
            }
            int i = indexOf.get((String) e.get("targetId"));
            assertEquals("tenant", e.get("targetType"));
            assertEquals(e.get("targetId"), e.get("tenantId"));
            assertEquals("SUCCESS", e.get("outcome"));
            assertEquals("created CUSTOMER " + tag + " " + i, e.get("detail"));
        }

        try (TopicProbe probe = new TopicProbe(Topics.TENANTS)) {
            Map<String, CloudEvent> created = new HashMap<>();
            await().atMost(WAIT).until(() -> {
                probe.matching(r -> indexOf.containsKey(r.key()) && TenantEvents.Created.TYPE.equals(r.event().type()))
                        .forEach(r -> created.put(r.key(), r.event()));
                return created.size() == 500;
            });
            created.forEach((id, event) -> {
                int i = indexOf.get(id);
                assertEquals(id, event.data().get("tenantId").asText());
                assertEquals(tag + " " + i, event.data().get("name").asText());
                assertEquals("CUSTOMER", event.data().get("type").asText());
                assertEquals(msp, event.data().get("parentId").asText());
                assertEquals(mspPath + id + "/", event.data().get("path").asText());
                assertEquals(mspPath + id + "/", event.tenantpath());
                assertEquals("ext-" + i, event.data().get("externalId").asText());
            });
        }
        try (TopicProbe probe = new TopicProbe(Topics.AUDIT)) {
            Set<String> auditIds = audit.stream().filter(e -> !msp.equals(e.get("targetId")))
                    .map(e -> (String) e.get("id")).collect(Collectors.toSet());
            Set<String> published = new HashSet<>();
            await().atMost(WAIT).until(() -> {
                probe.matching(r -> AuditRecorded.TYPE.equals(r.event().type()) && auditIds.contains(r.event().id()))
                        .forEach(r -> published.add(r.event().id()));
                return published.size() == 500;
            });
        }
    }

    @Test
    void aBurstOfAuditEventsIsStoredExactlyOnceEachRedeliveriesIncluded() throws Exception {
        String msp = top("MSP");
        String customer = Api.tenant(token, Api.unique("Burst Cust"), "CUSTOMER", msp);
        String path = node(customer).getString("path");
        String action = Api.unique("device.imported");

        List<CloudEvent> burst = publishConcurrently(IntStream.range(0, 300)
                .mapToObj(i -> new AuditRecorded(Instant.now(), "migration-actor", action, "device", "dev-" + i, customer,
                        "SUCCESS", "imported device " + i)).toList(), path);
        for (CloudEvent again : burst.subList(0, 25)) {
            TestEvents.publish(Topics.AUDIT, customer, again); // redeliveries, after the originals
        }
        CloudEvent last = TestEvents.publish(new AuditRecorded(Instant.now(), "migration-actor", action, "device", "dev-last",
                customer, "SUCCESS", "the last one"), path, "/migration-service");

        List<Map<String, Object>> stored = awaitStored(customer, action, last.id());
        Map<String, Long> times = stored.stream().collect(Collectors.groupingBy(e -> (String) e.get("id"), Collectors.counting()));
        Set<String> expected = new HashSet<>();
        burst.forEach(e -> expected.add(e.id()));
        expected.add(last.id());
        assertEquals(expected, times.keySet(), "every event of the burst, and nothing else");
        assertEquals(301, stored.size(), "each exactly once");
        Map<String, Object> first = stored.stream().filter(e -> burst.get(0).id().equals(e.get("id"))).findFirst().orElseThrow();
        assertEquals("dev-0", first.get("targetId"));
        assertEquals("imported device 0", first.get("detail"));
        assertEquals(customer, first.get("tenantId"));
        assertEquals("migration-actor", first.get("actorId"));
    }

    @Test
    void anAuditEventThatCannotBeStoredIsSetAsideAloneAndTheRestAreStored() throws Exception {
        String msp = top("MSP");
        String customer = Api.tenant(token, Api.unique("Poison Cust"), "CUSTOMER", msp);
        String path = node(customer).getString("path");
        String action = Api.unique("device.imported");

        List<AuditRecorded> entries = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            String detail = i == 30 ? "poison \u0000 detail" : "imported device " + i;
            entries.add(new AuditRecorded(Instant.now(), "migration-actor", action, "device", "dev-" + i, customer, "SUCCESS", detail));
        }
        List<CloudEvent> published = publishConcurrently(entries, path);
        CloudEvent last = TestEvents.publish(new AuditRecorded(Instant.now(), "migration-actor", action, "device", "dev-last",
                customer, "SUCCESS", "the last one"), path, "/migration-service");

        List<Map<String, Object>> stored = awaitStored(customer, action, last.id());
        Set<String> expected = new HashSet<>();
        for (int i = 0; i < published.size(); i++) {
            if (i != 30) {
                expected.add(published.get(i).id());
            }
        }
        expected.add(last.id());
        assertEquals(expected, stored.stream().map(e -> (String) e.get("id")).collect(Collectors.toSet()));
        assertEquals(60, stored.size(), "59 of the burst and the last one, each once; the poison one set aside");
        assertThat(stored.stream().map(e -> e.get("targetId")).toList(), not(hasItem("dev-30")));
    }

    // ---- helpers ----

    private static Map<String, Object> entry(String name, String type, String parentId, String externalId) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("name", name);
        entry.put("type", type);
        entry.put("parentId", parentId);
        entry.put("externalId", externalId);
        return entry;
    }

    private static Response batch(String token, List<Map<String, Object>> entries) {
        Map<String, Object> body = new HashMap<>();
        body.put("tenants", entries);
        return as(token).body(body).post(BATCH);
    }

    private String top(String type) {
        return top(type, Api.unique(type));
    }

    private String top(String type, String name) {
        return Api.tenant(token, name, type, null);
    }

    private JsonPath node(String id) {
        return as(token).get(TENANTS + "/" + id).then().statusCode(200).extract().jsonPath();
    }

    /** The ids of the direct children of {@code parentId}, as the admin sees them. */
    private List<String> childIds(String parentId) {
        return allItems(token, TENANTS + "?under=" + parentId).stream()
                .filter(t -> parentId.equals(t.get("parentId"))).map(t -> (String) t.get("id")).toList();
    }

    /** Ids of every tenant whose name contains {@code name}, anywhere in the tree. */
    private List<String> namedAnywhere(String name) {
        return allItems(token, TENANTS + "?q=" + name).stream().map(t -> (String) t.get("id")).toList();
    }

    private static Set<String> subtree(IsolationFixture f, String root) {
        return allItems(f.adminToken, TENANTS + "?under=" + root).stream().map(t -> (String) t.get("id")).collect(Collectors.toSet());
    }

    /** Publishes the entries from several threads at once, so they reach the consumer as a burst; answers them in order. */
    private static List<CloudEvent> publishConcurrently(List<AuditRecorded> entries, String path) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<CloudEvent>> sends = entries.stream()
                    .<Callable<CloudEvent>>map(e -> () -> TestEvents.publish(e, path, "/migration-service")).toList();
            List<CloudEvent> events = new ArrayList<>();
            for (Future<CloudEvent> sent : pool.invokeAll(sends)) {
                events.add(sent.get());
            }
            return events;
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Waits until the entry {@code lastId} is stored (every event is keyed by the tenant, so all published before it
     * on the same partition have been consumed by then) and answers the stored entries of {@code action}.
     */
    private List<Map<String, Object>> awaitStored(String tenantId, String action, String lastId) {
        String query = AUDIT + "?under=" + tenantId + "&action=" + action;
        await().atMost(WAIT).untilAsserted(() -> assertThat(
                allItems(token, query).stream().map(e -> e.get("id")).toList(), hasItem(lastId)));
        return allItems(token, query);
    }
}
