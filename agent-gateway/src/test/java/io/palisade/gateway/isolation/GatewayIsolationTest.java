package io.palisade.gateway.isolation;

import static io.palisade.gateway.support.World.as;
import static io.palisade.gateway.support.World.root;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.palisade.events.TenantEvents;
import io.palisade.gateway.agent.AgentServer;
import io.palisade.gateway.isolation.GatewayIsolationWorld.Side;
import io.palisade.gateway.support.TestAgent;
import io.palisade.gateway.support.TestAgent.Answer;
import io.palisade.gateway.support.World;
import io.palisade.gateway.support.World.Installer;
import io.palisade.gateway.support.World.Tenant;
import io.palisade.kit.api.Paging;
import io.palisade.kit.scope.Permissions;
import io.palisade.kit.testing.TestEvents;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Tenant isolation across every operator endpoint of the gateway: an installer, device or customer
 * outside the caller's subtree answers exactly like a missing one (byte for byte) and is left untouched
 * (the installer still enrols, the device still checks in); lists never show foreign installers; a
 * permission missing inside the scope is a 403, outside it stays a 404; tokens are shown only once;
 * paging walks everything exactly once. See {@link GatewayIsolationWorld} for the tree.
 */
@QuarkusTest
class GatewayIsolationTest {

    private static final String INSTALLERS = "/api/v1/installers";
    private static final String DEVICES = "/api/v1/devices";
    private static final String PROBLEM_JSON = "application/problem+json";

    private static final String CREATE = "POST /installers";
    private static final String LIST = "GET /installers?customerId=";
    private static final String GET = "GET /installers/{id}";
    private static final String REVOKE_INSTALLER = "DELETE /installers/{id}";
    private static final String REVOKE_DEVICE = "POST /devices/{id}/revoke";

    /** Every operator endpoint that names a resource, and what its well-formed request answers its owner. */
    private static final Map<String, Integer> ENDPOINTS = endpointTable();

    @Inject
    AgentServer server;

    @Inject
    Pool pool;

    private GatewayIsolationWorld w;

    @BeforeEach
    void world() {
        w = GatewayIsolationWorld.get(server.port());
    }

    static Stream<String> endpoints() {
        return ENDPOINTS.keySet().stream();
    }

    private static Map<String, Integer> endpointTable() {
        Map<String, Integer> t = new LinkedHashMap<>();
        t.put(CREATE, 201);
        t.put(LIST, 200);
        t.put(GET, 200);
        t.put(REVOKE_INSTALLER, 204);
        t.put(REVOKE_DEVICE, 204);
        return t;
    }

    /** A request: method, path (with its query) and JSON body. */
    record Call(String method, String path, Object body) {
        Response by(String token) {
            return send(as(token));
        }

        Response anonymous() {
            return send(given().contentType(ContentType.JSON));
        }

        Response withAuthorization(String header) {
            return send(given().contentType(ContentType.JSON).header("Authorization", header));
        }

        private Response send(RequestSpecification spec) {
            return (body == null ? spec : spec.body(body)).request(method, path);
        }

        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    /** The well-formed request of {@code endpoint} against side {@code s} (every id in it is of s). */
    private static Call wellFormed(String endpoint, Side s) {
        return switch (endpoint) {
            case CREATE -> new Call("POST", INSTALLERS, createBody(s.customerId()));
            case LIST -> new Call("GET", INSTALLERS + "?customerId=" + s.customerId(), null);
            case GET -> new Call("GET", INSTALLERS + "/" + s.installerId(), null);
            case REVOKE_INSTALLER -> new Call("DELETE", INSTALLERS + "/" + s.installerId(), null);
            case REVOKE_DEVICE -> new Call("POST", DEVICES + "/" + s.deviceId() + "/revoke", null);
            default -> throw new IllegalArgumentException(endpoint);
        };
    }

    private static Map<String, Object> createBody(UUID customerId) {
        return Map.of("customerId", customerId.toString(), "expiresAt", Instant.now().plus(Duration.ofDays(1)).toString(),
                "maxUses", 5);
    }

    // ---- the matrix: every endpoint ----

    /** Anchors the rest: each well-formed request succeeds for its owner, so every refusal below is caused by the caller. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("endpoints")
    void theWellFormedRequestSucceedsForItsOwner(String endpoint) {
        // a victim installer and device of custA1, so that revoking them costs the shared world nothing
        Side fresh = new Side(w.a1.customer(), World.installer(w.a1.customer(), 5), w.enrolled(w.a1.installer()));
        for (String owner : List.of(w.opA(), w.opCustA1())) {
            Response r = wellFormed(endpoint, fresh).by(owner);
            assertThat(r.statusCode()).as(endpoint + " answered its owner " + r.asString()).isEqualTo(ENDPOINTS.get(endpoint));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("endpoints")
    void resourcesOutsideTheScopeAnswerExactlyLikeMissingOnesAndStayUnchanged(String endpoint) {
        record Attempt(String who, String token, Side target) {
        }
        List<Attempt> attempts = List.of(
                new Attempt("opA (mspA) on custB", w.opA(), w.b),
                new Attempt("opB (mspB) on custA1", w.opB(), w.a1),
                new Attempt("opB (mspB) on custSub under A's managed MSP", w.opB(), w.sub),
                new Attempt("opCustA1 on its sibling custA2", w.opCustA1(), w.a2),
                new Attempt("opCustA1 on custSub", w.opCustA1(), w.sub),
                new Attempt("opCustA1 on custB", w.opCustA1(), w.b),
                new Attempt("opCustA2 on its sibling custA1", w.opCustA2(), w.a1),
                new Attempt("opSub (A's managed MSP) on its parent's custA1", w.opSub(), w.a1),
                new Attempt("opANoPerms on custB", w.opANoPerms(), w.b),
                new Attempt("opBNoPerms on custA1", w.opBNoPerms(), w.a1),
                new Attempt("opCustA1NoPerms on custA2", w.opCustA1NoPerms(), w.a2));
        for (Attempt attempt : attempts) {
            Map<String, Object> before = state(attempt.target());
            Call foreign = wellFormed(endpoint, attempt.target());
            Response answer = foreign.by(attempt.token());
            Response missing = wellFormed(endpoint, Side.ghost()).by(attempt.token());
            assertSameAsMissing(attempt.who() + ": " + foreign, answer, missing, attempt.target());
            assertThat(state(attempt.target())).as(attempt.who() + ": " + foreign + " changed the target").isEqualTo(before);
        }
        for (Side s : w.sides()) {
            assertStillWorks(s);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("endpoints")
    void insideTheScopeWithoutThePermissionIs403AndOutsideItStays404(String endpoint) {
        record Case(String who, String token, Side own, Side foreign) {
        }
        String otherPermissionOnly = REVOKE_DEVICE.equals(endpoint)
                ? w.opAWith(Permissions.INSTALLERS_WRITE, Permissions.DEVICES_READ)
                : w.opAWith(Permissions.DEVICES_WRITE, Permissions.DEVICES_READ);
        List<Case> cases = List.of(
                new Case("opANoPerms", w.opANoPerms(), w.a1, w.b),
                new Case("opANoPerms (custSub is in its subtree)", w.opANoPerms(), w.sub, w.b),
                new Case("opA with only the other permission", otherPermissionOnly, w.a2, w.b),
                new Case("opCustA1NoPerms", w.opCustA1NoPerms(), w.a1, w.a2),
                new Case("opBNoPerms", w.opBNoPerms(), w.b, w.a1));
        for (Case c : cases) {
            Map<String, Object> ownBefore = state(c.own());
            Map<String, Object> foreignBefore = state(c.foreign());
            Call own = wellFormed(endpoint, c.own());
            assertForbidden(c.who() + ": " + own, own.by(c.token()));
            Call foreign = wellFormed(endpoint, c.foreign());
            assertSameAsMissing(c.who() + ": " + foreign, foreign.by(c.token()), wellFormed(endpoint, Side.ghost()).by(c.token()),
                    c.foreign());
            assertThat(state(c.own())).as(c.who() + ": " + own + " changed something").isEqualTo(ownBefore);
            assertThat(state(c.foreign())).as(c.who() + ": " + foreign + " changed something").isEqualTo(foreignBefore);
        }
        assertStillWorks(w.a1);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("endpoints")
    void withoutAValidTokenEveryEndpointAnswers401AndChangesNothing(String endpoint) {
        Map<String, Object> before = state(w.a1);
        Call call = wellFormed(endpoint, w.a1);
        assertUnauthorized(call + " without a token", call.anonymous());
        for (String header : List.of("Bearer garbage", "Bearer " + w.opA() + "x", "Basic YWRtaW46YWRtaW4=")) {
            assertUnauthorized(call + " with " + header.substring(0, Math.min(header.length(), 14)), call.withAuthorization(header));
        }
        assertThat(state(w.a1)).as(call + " without a valid token changed something").isEqualTo(before);
    }

    @Test
    void theInstallerListWithoutATokenIsA401Problem() {
        Response r = given().get(INSTALLERS);
        assertUnauthorized("GET /api/v1/installers without a token", r);
        assertThat(r.jsonPath().getString("title")).isNotBlank();
        assertThat(r.jsonPath().getInt("status")).isEqualTo(401);
        assertThat(r.jsonPath().getString("detail")).isNotBlank();
        assertThat(r.asString()).doesNotContain("Exception").doesNotContain("io.quarkus");
    }

    // ---- lists ----

    @Test
    void listsShowExactlyTheCallersSubtree() {
        Set<UUID> ofA = new HashSet<>();
        for (UUID customer : w.customersOfA()) {
            ofA.addAll(ids(items(root(), customer, 500)));
        }
        assertThat(ofA).contains(w.a1.installerId(), w.a2.installerId(), w.sub.installerId());

        // mspA: everything of custA1, custA2 and its managed MSP's custSub, nothing of B; through small pages too
        for (Integer limit : new Integer[] {null, 2}) {
            List<Map<String, Object>> seenByA = items(w.opA(), null, limit);
            assertThat(ids(seenByA)).as("opA's list, limit " + limit).containsExactlyInAnyOrderElementsOf(ofA)
                    .doesNotContain(w.b.installerId());
            assertThat(customerIds(seenByA)).isSubsetOf(w.customersOfA());
        }
        // mspB: only custB
        List<Map<String, Object>> seenByB = items(w.opB(), null, 1);
        assertThat(ids(seenByB)).contains(w.b.installerId()).doesNotContainAnyElementsOf(ofA);
        assertThat(customerIds(seenByB)).containsOnly(w.b.customerId());
        // a customer's operator: its own, never its sibling's
        List<Map<String, Object>> seenByCustA1 = items(w.opCustA1(), null, 1);
        assertThat(ids(seenByCustA1)).contains(w.a1.installerId()).doesNotContain(w.a2.installerId(), w.sub.installerId(),
                w.b.installerId());
        assertThat(customerIds(seenByCustA1)).containsOnly(w.a1.customerId());
        assertThat(customerIds(items(w.opCustA2(), null, null))).containsOnly(w.a2.customerId());
        // the managed MSP: its customer only, nothing of its parent's other customers
        List<Map<String, Object>> seenBySub = items(w.opSub(), null, null);
        assertThat(ids(seenBySub)).contains(w.sub.installerId()).doesNotContain(w.a1.installerId(), w.a2.installerId());
        assertThat(customerIds(seenBySub)).containsOnly(w.sub.customerId());

        // filtered by a customer of the subtree
        assertThat(customerIds(items(w.opA(), w.sub.customerId(), null))).containsOnly(w.sub.customerId());
        assertThat(ids(items(w.opA(), w.sub.customerId(), null))).contains(w.sub.installerId());
        assertThat(ids(items(w.opCustA1(), w.a1.customerId(), 1))).contains(w.a1.installerId());

        // filtered by a foreign customer: 404 exactly like a missing one
        record Filter(String who, String token, Side foreign) {
        }
        for (Filter f : List.of(new Filter("opA", w.opA(), w.b), new Filter("opB", w.opB(), w.sub),
                new Filter("opCustA1", w.opCustA1(), w.a2), new Filter("opSub", w.opSub(), w.a1))) {
            Call foreign = wellFormed(LIST, f.foreign());
            assertSameAsMissing(f.who() + ": " + foreign, foreign.by(f.token()), wellFormed(LIST, Side.ghost()).by(f.token()), f.foreign());
        }

        // a hand-made cursor only positions inside the caller's subtree, it never widens it
        Response crafted = as(w.opB()).queryParam("cursor", Paging.encode(new UUID(0, 0).toString())).queryParam("limit", 500)
                .get(INSTALLERS);
        assertThat(crafted.statusCode()).as(crafted.asString()).isEqualTo(200);
        assertThat(crafted.jsonPath().getList("items.customerId", String.class)).containsOnly(w.b.customerId().toString());
        Response past = as(w.opB()).queryParam("cursor", Paging.encode(w.a1.installerId().toString())).get(INSTALLERS);
        assertThat(past.statusCode()).isEqualTo(200);
        assertThat(past.jsonPath().getList("items.customerId", String.class)).isSubsetOf(w.b.customerId().toString());
    }

    @Test
    void theUnfilteredListNeedsThePermission() {
        for (String token : List.of(w.opANoPerms(), w.opCustA1NoPerms(), w.opBNoPerms(), w.opAWith(Permissions.DEVICES_WRITE))) {
            assertForbidden("GET /installers without installers.write", as(token).get(INSTALLERS));
        }
    }

    // ---- a customer's operator, an MSP's reach into its managed MSP ----

    @Test
    void anOperatorAtACustomerSeesItsOwnInstallersButNotItsSiblings() {
        as(w.opCustA1()).get(INSTALLERS + "/" + w.a1.installerId()).then().statusCode(200)
                .body("customerId", org.hamcrest.Matchers.equalTo(w.a1.customerId().toString()));
        for (Side sibling : List.of(w.a2, w.sub)) {
            Call get = wellFormed(GET, sibling);
            assertSameAsMissing("opCustA1: " + get, get.by(w.opCustA1()), wellFormed(GET, Side.ghost()).by(w.opCustA1()), sibling);
        }
        // issuing for itself works, for its sibling it is a missing customer
        Response own = World.createInstaller(w.opCustA1(), createBody(w.a1.customerId()));
        assertThat(own.statusCode()).as(own.asString()).isEqualTo(201);
        assertThat(own.jsonPath().getString("createdBy")).isNotBlank();
    }

    @Test
    void anMspReachesTheCustomersOfItsManagedMspButNotTheOtherWayRound() {
        as(w.opA()).get(INSTALLERS + "/" + w.sub.installerId()).then().statusCode(200)
                .body("customerId", org.hamcrest.Matchers.equalTo(w.sub.customerId().toString()));
        Response created = World.createInstaller(w.opA(), createBody(w.sub.customerId()));
        assertThat(created.statusCode()).as(created.asString()).isEqualTo(201);
        String id = created.path("id");
        String token = created.path("token");
        as(w.opSub()).get(INSTALLERS + "/" + id).then().statusCode(200);
        assertThat(ids(items(w.opSub(), null, null))).contains(UUID.fromString(id));

        // A revokes it; revoking again answers the same; its token enrols nothing from then on
        as(w.opA()).delete(INSTALLERS + "/" + id).then().statusCode(204);
        as(w.opA()).delete(INSTALLERS + "/" + id).then().statusCode(204);
        as(w.opSub()).get(INSTALLERS + "/" + id).then().statusCode(200).body("revoked", org.hamcrest.Matchers.equalTo(true));
        Answer refused = new TestAgent(server.port(), w.sub.installer().caPem()).enrol(token);
        assertThat(refused.status()).as(refused.raw()).isEqualTo(401);

        // the managed MSP reaches nothing of its parent's other customers
        Call up = wellFormed(GET, w.a1);
        assertSameAsMissing("opSub: " + up, up.by(w.opSub()), wellFormed(GET, Side.ghost()).by(w.opSub()), w.a1);
    }

    @Test
    void installersAreIssuedForCustomersOnlyAndNodesAboveTheHomeAreMissing() {
        for (Tenant node : List.of(w.mspA, w.subA)) {
            Response r = World.createInstaller(w.opA(), createBody(node.id()));
            assertThat(r.statusCode()).as(r.asString()).isEqualTo(409);
            assertThat(r.contentType()).startsWith(PROBLEM_JSON);
            assertThat(r.jsonPath().getString("type")).endsWith("/not-a-customer");
        }
        record Attempt(String who, String token, Tenant node) {
        }
        for (Attempt a : List.of(new Attempt("opB on subA", w.opB(), w.subA), new Attempt("opB on mspA", w.opB(), w.mspA),
                new Attempt("opA on its parent dist", w.opA(), w.dist), new Attempt("opCustA1 on its parent mspA", w.opCustA1(), w.mspA),
                new Attempt("opSub on its parent mspA", w.opSub(), w.mspA), new Attempt("opA on mspB", w.opA(), w.mspB))) {
            Response foreign = World.createInstaller(a.token(), createBody(a.node().id()));
            Response missing = World.createInstaller(a.token(), createBody(UUID.randomUUID()));
            assertSameAsMissing(a.who(), foreign, missing, List.of(a.node().id().toString()));
        }
    }

    @Test
    void aDeletedCustomerAnswersLikeAMissingOne() {
        Tenant msp = World.tenant("MSP", null);
        Tenant customer = World.customerUnder(msp);
        String op = World.operatorWithAll(msp);
        World.installer(customer, 5);
        TestEvents.publish(new TenantEvents.Deleted(customer.id().toString(), "gone", "CUSTOMER", msp.id().toString(),
                customer.path(), 1), customer.path(), "/tenant-service");
        await().atMost(World.WAIT).until(() -> as(op).queryParam("customerId", customer.id()).get(INSTALLERS).statusCode() == 404);
        Side deleted = new Side(customer, null, null);
        for (String endpoint : List.of(CREATE, LIST)) {
            Call call = wellFormed(endpoint, deleted);
            assertSameAsMissing("deleted customer: " + call, call.by(op), wellFormed(endpoint, Side.ghost()).by(op),
                    List.of(customer.id().toString()));
        }
    }

    // ---- tokens ----

    @Test
    void theTokenIsShownOnlyInTheAnswerToItsCreation() {
        Response created = World.createInstaller(w.opCustA1(), createBody(w.a1.customerId()));
        assertThat(created.statusCode()).as(created.asString()).isEqualTo(201);
        String token = created.path("token");
        String id = created.path("id");
        assertThat(token).startsWith("pit_").hasSizeGreaterThanOrEqualTo(40);

        List<String> tokens = new ArrayList<>(List.of(token));
        w.sides().forEach(s -> tokens.add(s.installer().token()));
        List<Response> answers = new ArrayList<>();
        for (String op : List.of(w.opCustA1(), w.opA(), root())) {
            Response get = as(op).get(INSTALLERS + "/" + id);
            assertThat(get.statusCode()).isEqualTo(200);
            assertThat(get.jsonPath().getMap("$")).doesNotContainKey("token");
            answers.add(get);
            answers.addAll(pages(op, w.a1.customerId(), 2));
        }
        for (Side s : w.sides()) {
            answers.add(as(root()).get(INSTALLERS + "/" + s.installerId()));
        }
        answers.addAll(pages(w.opA(), null, null));
        answers.addAll(pages(w.opB(), null, null));
        for (Response answer : answers) {
            assertThat(answer.statusCode()).isEqualTo(200);
            for (String t : tokens) {
                assertThat(answer.asString()).doesNotContain(t).doesNotContain(t.substring(4));
            }
        }
        for (Response page : answers.stream().filter(r -> r.jsonPath().get("items") != null).toList()) {
            List<Map<String, Object>> items = page.jsonPath().getList("items");
            assertThat(items).allSatisfy(item -> assertThat(item).doesNotContainKey("token"));
        }
    }

    // ---- paging ----

    @Test
    void pagingWalksEveryInstallerExactlyOnce() {
        Tenant msp = World.tenant("MSP", null);
        Tenant customer = World.customerUnder(msp);
        String op = World.operator(customer, Permissions.INSTALLERS_WRITE);
        Set<UUID> created = new HashSet<>();
        for (int i = 0; i < 7; i++) {
            Response r = World.createInstaller(op, createBody(customer.id()));
            assertThat(r.statusCode()).as(r.asString()).isEqualTo(201);
            created.add(UUID.fromString(r.path("id")));
        }
        record Walk(String what, String token, UUID customerId) {
        }
        for (Walk walk : List.of(new Walk("filtered by customer", op, customer.id()), new Walk("the customer's operator, unfiltered", op, null),
                new Walk("the MSP's operator, unfiltered", World.operatorWithAll(msp), null))) {
            List<Response> pages = pages(walk.token(), walk.customerId(), 3);
            assertThat(pages).as(walk.what()).hasSize(3);
            assertThat(pages.stream().map(p -> p.jsonPath().getList("items").size()).toList()).as(walk.what()).containsExactly(3, 3, 1);
            assertThat(pages.get(0).jsonPath().getString("nextCursor")).isNotBlank();
            assertThat(pages.get(1).jsonPath().getString("nextCursor")).isNotBlank();
            assertThat(pages.get(2).jsonPath().getString("nextCursor")).isNull();
            List<UUID> walked = pages.stream().flatMap(p -> p.jsonPath().getList("items.id", String.class).stream())
                    .map(UUID::fromString).toList();
            assertThat(walked).as(walk.what()).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(created);
        }
        // a page that ends exactly at the last item has no next cursor; one item short has one
        assertThat(pages(op, customer.id(), 7)).hasSize(1);
        Response first = as(op).queryParam("customerId", customer.id()).queryParam("limit", 6).get(INSTALLERS);
        assertThat(first.jsonPath().getList("items")).hasSize(6);
        assertThat(first.jsonPath().getString("nextCursor")).isNotBlank();
        Response rest = as(op).queryParam("customerId", customer.id()).queryParam("limit", 6)
                .queryParam("cursor", first.jsonPath().getString("nextCursor")).get(INSTALLERS);
        assertThat(rest.jsonPath().getList("items")).hasSize(1);
        assertThat(rest.jsonPath().getString("nextCursor")).isNull();
        // the default page holds them all
        Response all = as(op).queryParam("customerId", customer.id()).get(INSTALLERS);
        assertThat(all.jsonPath().getList("items")).hasSize(7);
        assertThat(all.jsonPath().getString("nextCursor")).isNull();
    }

    // ---- devices ----

    @Test
    void onlyAnOperatorInScopeWithDevicesWriteRevokesADevice() {
        TestAgent agent = w.enrolled(w.a1.installer());
        String path = DEVICES + "/" + agent.deviceId + "/revoke";
        Side target = new Side(w.a1.customer(), w.a1.installer(), agent);
        record Attempt(String who, String token) {
        }
        List<Attempt> foreign = List.of(new Attempt("opB", w.opB()), new Attempt("opBNoPerms", w.opBNoPerms()),
                new Attempt("opCustA2 (sibling customer)", w.opCustA2()), new Attempt("opSub (A's managed MSP)", w.opSub()));
        for (Attempt a : foreign) {
            Response missing = as(a.token()).post(DEVICES + "/" + UUID.randomUUID() + "/revoke");
            assertSameAsMissing(a.who() + " revoking custA1's device", as(a.token()).post(path), missing, target);
            Answer checkin = agent.checkin();
            assertThat(checkin.status()).as(a.who() + ": " + checkin.raw()).isEqualTo(200);
        }
        for (Attempt a : List.of(new Attempt("opANoPerms", w.opANoPerms()), new Attempt("opCustA1NoPerms", w.opCustA1NoPerms()),
                new Attempt("opA with installers.write only", w.opAWith(Permissions.INSTALLERS_WRITE, Permissions.DEVICES_READ)))) {
            assertForbidden(a.who() + " revoking custA1's device", as(a.token()).post(path));
            Answer checkin = agent.checkin();
            assertThat(checkin.status()).as(a.who() + ": " + checkin.raw()).isEqualTo(200);
        }

        as(w.opCustA1()).post(path).then().statusCode(204);
        Answer refused = agent.checkin();
        assertThat(refused.status()).as(refused.raw()).isEqualTo(403);
        assertThat(refused.body().get("type").asText()).endsWith("/device-revoked");
        // idempotent for those in scope; still a missing device for everyone else
        as(w.opCustA1()).post(path).then().statusCode(204);
        as(w.opA()).post(path).then().statusCode(204);
        for (Attempt a : foreign) {
            Response missing = as(a.token()).post(DEVICES + "/" + UUID.randomUUID() + "/revoke");
            assertSameAsMissing(a.who() + " revoking a revoked device", as(a.token()).post(path), missing, target);
        }
        assertThat(agent.checkin().status()).isEqualTo(403);
        // the other devices of the customer are untouched
        assertThat(w.a1.agent().checkin().status()).isEqualTo(200);
    }

    // ---- helpers ----

    /**
     * What an attacker might have changed of a side: its installer as the root sees it (uses, revocation),
     * its customer's installers, and its device's certificate and revocation.
     */
    private Map<String, Object> state(Side s) {
        Map<String, Object> state = new LinkedHashMap<>();
        Response installer = as(root()).get(INSTALLERS + "/" + s.installerId());
        assertThat(installer.statusCode()).isEqualTo(200);
        state.put("installer", installer.jsonPath().getMap("$"));
        state.put("installers", items(root(), s.customerId(), 500));
        Row device = pool.preparedQuery("select revoked_at, cert_serial, changed_at from device where id = $1")
                .execute(Tuple.of(s.deviceId())).await().atMost(Duration.ofSeconds(10)).iterator().next();
        state.put("device", device.getValue("revoked_at") + " " + device.getString("cert_serial") + " " + device.getValue("changed_at"));
        return state;
    }

    /** The side's installer still enrols a new device (using up exactly one use) and its device still checks in. */
    private void assertStillWorks(Side s) {
        int uses = as(root()).get(INSTALLERS + "/" + s.installerId()).path("uses");
        TestAgent newcomer = new TestAgent(server.port(), s.installer().caPem());
        Answer enrolled = newcomer.enrol(s.installer().token());
        assertThat(enrolled.status()).as(enrolled.raw()).isEqualTo(201);
        int after = as(root()).get(INSTALLERS + "/" + s.installerId()).path("uses");
        assertThat(after).isEqualTo(uses + 1);
        Answer checkin = s.agent().checkin();
        assertThat(checkin.status()).as(checkin.raw()).isEqualTo(200);
    }

    /** Every page of a list, following the cursors; each must answer 200. */
    private static List<Response> pages(String token, UUID customerId, Integer limit) {
        List<Response> pages = new ArrayList<>();
        String cursor = null;
        do {
            RequestSpecification request = as(token);
            if (customerId != null) {
                request.queryParam("customerId", customerId.toString());
            }
            if (limit != null) {
                request.queryParam("limit", limit);
            }
            if (cursor != null) {
                request.queryParam("cursor", cursor);
            }
            Response page = request.get(INSTALLERS);
            assertThat(page.statusCode()).as(page.asString()).isEqualTo(200);
            pages.add(page);
            cursor = page.jsonPath().getString("nextCursor");
            assertThat(pages).as("a list that never ends").hasSizeLessThan(1000);
        } while (cursor != null);
        return pages;
    }

    private static List<Map<String, Object>> items(String token, UUID customerId, Integer limit) {
        List<Map<String, Object>> items = new ArrayList<>();
        for (Response page : pages(token, customerId, limit)) {
            items.addAll(page.jsonPath().getList("items"));
        }
        return items;
    }

    private static List<UUID> ids(List<Map<String, Object>> items) {
        return items.stream().map(i -> UUID.fromString((String) i.get("id"))).toList();
    }

    private static Set<UUID> customerIds(List<Map<String, Object>> items) {
        return items.stream().map(i -> UUID.fromString((String) i.get("customerId"))).collect(Collectors.toSet());
    }

    private static void assertSameAsMissing(String what, Response foreign, Response missing, Side target) {
        List<String> ids = new ArrayList<>(List.of(target.customerId().toString(), target.customer().path()));
        if (target.installer() != null) {
            ids.add(target.installerId().toString());
            ids.add(target.installer().token());
        }
        if (target.agent() != null) {
            ids.add(target.deviceId().toString());
        }
        assertSameAsMissing(what, foreign, missing, ids);
    }

    /** 404 problem+json, byte for byte the answer to a missing id, naming nothing of the foreign resource. */
    private static void assertSameAsMissing(String what, Response foreign, Response missing, List<String> foreignIds) {
        assertThat(foreign.statusCode()).as(what + " answered " + foreign.asString()).isEqualTo(404);
        assertThat(missing.statusCode()).as(what + " with a random id answered " + missing.asString()).isEqualTo(404);
        assertThat(foreign.contentType()).as(what).startsWith(PROBLEM_JSON).isEqualTo(missing.contentType());
        assertThat(foreign.asString()).as(what + ": the answer differs from a missing id's").isEqualTo(missing.asString());
        assertThat(foreign.jsonPath().getString("type")).as(what).endsWith("/not-found");
        for (String id : foreignIds) {
            assertThat(foreign.asString()).as(what + ": the 404 names " + id).doesNotContain(id);
        }
    }

    private static void assertForbidden(String what, Response r) {
        assertThat(r.statusCode()).as(what + " answered " + r.asString()).isEqualTo(403);
        assertThat(r.contentType()).as(what).startsWith(PROBLEM_JSON);
        assertThat(r.jsonPath().getString("type")).as(what + ": " + r.asString()).endsWith("/forbidden");
    }

    private static void assertUnauthorized(String what, Response r) {
        assertThat(r.statusCode()).as(what + " answered " + r.asString()).isEqualTo(401);
        assertThat(r.contentType()).as(what).startsWith(PROBLEM_JSON);
        assertThat(r.jsonPath().getString("type")).as(what + ": " + r.asString()).endsWith("/unauthorized");
    }
}
