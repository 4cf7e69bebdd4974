package io.palisade.group.isolation;

import static io.palisade.group.support.Fleet.WAIT;
import static io.palisade.group.support.Fleet.as;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.palisade.events.CommandEvents;
import io.palisade.events.Topics;
import io.palisade.group.common.SystemGroups;
import io.palisade.group.support.Fleet;
import io.palisade.group.support.Fleet.Tenant;
import io.palisade.group.support.IsolationWorld;
import io.palisade.group.support.IsolationWorld.Side;
import io.palisade.kit.scope.Permissions;
import io.palisade.kit.testing.TestTokens;
import io.palisade.kit.testing.TopicProbe;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Tenant isolation across every group-service endpoint: a group, device, template or task outside the
 * caller's subtree answers exactly like a missing one (byte for byte) and is left untouched; foreign
 * ids in bodies and filters are refused the same way; lists never show foreign rows; a template never
 * serves another part of the tree; a permission missing inside the scope is a 403; enrolment-only
 * tokens, missing and forged tokens get nothing. See {@link IsolationWorld} for the tree.
 */
@QuarkusTest
class GroupIsolationTest {

    private static final String GROUPS = "/api/v1/groups";
    private static final String DEVICES = "/api/v1/devices";
    private static final String TEMPLATES = "/api/v1/dynamic-templates";
    private static final String TASKS = "/api/v1/tasks";
    private static final String PROBLEM_JSON = "application/problem+json";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Every endpoint of group-service, and what its well-formed request answers its owner. */
    private static final Map<String, Integer> ENDPOINTS = endpointTable();

    private static Side anchorSide;

    private IsolationWorld w;

    @BeforeEach
    void world() {
        w = IsolationWorld.get();
    }

    static Stream<String> endpoints() {
        return ENDPOINTS.keySet().stream();
    }

    private static Map<String, Integer> endpointTable() {
        Map<String, Integer> t = new LinkedHashMap<>();
        t.put("GET /groups", 200);
        t.put("POST /groups", 201);
        t.put("POST /groups/batch", 201);
        t.put("GET /groups/{id}", 200);
        t.put("PATCH /groups/{id}", 200);
        t.put("DELETE /groups/{id}", 204);
        t.put("POST /groups/{id}/move", 200);
        t.put("GET /groups/{id}/devices", 200);
        t.put("GET /devices", 200);
        t.put("GET /devices/{id}", 200);
        t.put("POST /devices/{id}/move", 200);
        t.put("POST /dynamic-templates", 201);
        t.put("GET /dynamic-templates", 200);
        t.put("GET /dynamic-templates/{id}", 200);
        t.put("PUT /dynamic-templates/{id}", 200);
        t.put("DELETE /dynamic-templates/{id}", 204);
        t.put("POST /tasks", 201);
        t.put("GET /tasks/{id}", 200);
        t.put("GET /tasks/{id}/devices", 200);
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

    /** The well-formed request of {@code endpoint} against side {@code s}'s own resources (every id in it is of s). */
    private static Call wellFormed(String endpoint, Side s) {
        return switch (endpoint) {
            case "GET /groups" -> new Call("GET", GROUPS + "?tenantId=" + s.customer().id(), null);
            case "POST /groups" -> new Call("POST", GROUPS, json("name", Fleet.unique("iso-new"), "parentId", s.staticGroup(),
                    "kind", "STATIC"));
            case "POST /groups/batch" -> new Call("POST", GROUPS + "/batch", json("groups", java.util.List.of(
                    json("name", Fleet.unique("iso-batch"), "parentId", s.staticGroup(), "kind", "STATIC"))));
            case "GET /groups/{id}" -> new Call("GET", GROUPS + "/" + s.staticGroup(), null);
            case "PATCH /groups/{id}" -> new Call("PATCH", GROUPS + "/" + s.staticGroup(), json("name", Fleet.unique("iso-renamed")));
            case "DELETE /groups/{id}" -> new Call("DELETE", GROUPS + "/" + s.victimGroup(), null);
            case "POST /groups/{id}/move" -> new Call("POST", GROUPS + "/" + s.movableGroup() + "/move",
                    json("parentId", s.staticGroup()));
            case "GET /groups/{id}/devices" -> new Call("GET", GROUPS + "/" + s.staticGroup() + "/devices", null);
            case "GET /devices" -> new Call("GET", DEVICES + "?tenantId=" + s.customer().id(), null);
            case "GET /devices/{id}" -> new Call("GET", DEVICES + "/" + s.device(), null);
            case "POST /devices/{id}/move" -> new Call("POST", DEVICES + "/" + s.device() + "/move",
                    json("groupId", s.customer().groupId()));
            case "POST /dynamic-templates" -> new Call("POST", TEMPLATES, json("name", Fleet.unique("iso-tpl"),
                    "tenantId", s.msp().id(), "rule", IsolationWorld.rule(IsolationWorld.WINDOWS_RULE)));
            case "GET /dynamic-templates" -> new Call("GET", TEMPLATES + "?tenantId=" + s.msp().id(), null);
            case "GET /dynamic-templates/{id}" -> new Call("GET", TEMPLATES + "/" + s.template(), null);
            case "PUT /dynamic-templates/{id}" -> new Call("PUT", TEMPLATES + "/" + s.template(), json("name", Fleet.unique("iso-tpl"),
                    "tenantId", s.msp().id(), "rule", IsolationWorld.rule(IsolationWorld.WINDOWS_RULE)));
            case "DELETE /dynamic-templates/{id}" -> new Call("DELETE", TEMPLATES + "/" + s.victimTemplate(), null);
            case "POST /tasks" -> new Call("POST", TASKS, json("type", "RUN_SCAN", "groupId", s.customer().groupId()));
            case "GET /tasks/{id}" -> new Call("GET", TASKS + "/" + s.task(), null);
            case "GET /tasks/{id}/devices" -> new Call("GET", TASKS + "/" + s.task() + "/devices", null);
            default -> throw new IllegalArgumentException(endpoint);
        };
    }

    // ---- the matrix: every endpoint ----

    /** Anchors the rest: each well-formed request succeeds for its owner, so every refusal below is caused by the caller. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("endpoints")
    void theWellFormedRequestSucceedsForItsOwner(String endpoint) {
        Side fresh = anchorSide();
        Response r = wellFormed(endpoint, fresh).by(fresh.owner());
        assertEquals(ENDPOINTS.get(endpoint), r.statusCode(), () -> endpoint + " answered its owner " + r.asString());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("endpoints")
    void resourcesOfAnotherMspAnswerExactlyLikeMissingOnesAndStayUnchanged(String endpoint) {
        record Attempt(String who, String token, Side target) {
        }
        for (Attempt attempt : List.of(new Attempt("opA", w.opA(), w.b), new Attempt("opB", w.opB(), w.a),
                new Attempt("opCustA", w.opCustA(), w.b), new Attempt("opNoPerms", w.opNoPerms(), w.b))) {
            Map<String, Object> before = worldState();
            Call foreign = wellFormed(endpoint, attempt.target());
            Response answer = foreign.by(attempt.token());
            Response missing = wellFormed(endpoint, Side.ghost()).by(attempt.token());
            assertSameAsMissing(attempt.who() + " " + foreign, answer, missing, idsOf(attempt.target()));
            assertEquals(before, worldState(), () -> attempt.who() + " " + foreign + " changed the other MSP's resources");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("endpoints")
    void withoutATokenEveryEndpointAnswers401ProblemAndChangesNothing(String endpoint) {
        Map<String, Object> before = worldState();
        Call call = wellFormed(endpoint, w.a);
        assertUnauthorized(call + " without a token", call.anonymous());
        assertEquals(before, worldState(), () -> call + " without a token changed something");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("endpoints")
    void aGarbageOrForgedTokenAnswers401AndChangesNothing(String endpoint) {
        Map<String, Object> before = worldState();
        Call call = wellFormed(endpoint, w.a);
        String real = w.opA();
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("garbage", "Bearer garbage");
        headers.put("three garbage segments", "Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl");
        headers.put("payload rewritten to the root", "Bearer " + rewrittenToRoot(real));
        headers.put("unsigned (alg none)", "Bearer " + unsigned(real));
        headers.put("signed with another key under the real key id", "Bearer " + signedWithAnotherKey(real));
        headers.put("basic credentials", "Basic " + Base64.getEncoder().encodeToString("admin:admin".getBytes(StandardCharsets.UTF_8)));
        headers.forEach((what, header) -> assertUnauthorized(call + " with " + what, call.withAuthorization(header)));
        assertEquals(before, worldState(), () -> call + " with a bad token changed something");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("endpoints")
    void anEnrolmentOnlyTokenAnswers403TotpEnrolmentRequiredAndChangesNothing(String endpoint) {
        Map<String, Object> before = worldState();
        Call call = wellFormed(endpoint, w.a);
        for (String token : List.of(w.enrolmentOnlyA(), TestTokens.enrolmentOnly(null, "/"))) {
            Response r = call.by(token);
            assertEquals(403, r.statusCode(), () -> call + " with an enrolment-only token answered " + r.asString());
            assertTrue(r.contentType().startsWith(PROBLEM_JSON), () -> call + ": " + r.contentType());
            assertTrue(r.jsonPath().getString("type").endsWith("/totp-enrolment-required"), () -> call + ": " + r.asString());
        }
        assertEquals(before, worldState(), () -> call + " with an enrolment-only token changed something");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("endpoints")
    void insideItsScopeAnOperatorWithoutThePermissionGets403AndChangesNothing(String endpoint) {
        Map<String, Object> before = worldState();
        Call call = wellFormed(endpoint, w.a);
        Response r = call.by(w.opNoPerms());
        assertForbidden(call + " by an operator of mspA without permissions", r);
        assertEquals(before, worldState(), () -> call + " without permissions changed something");
    }

    // ---- every kind of foreign id, in paths ----

    @Test
    void everyKindOfForeignGroupAnswersLikeAMissingOneOnEveryGroupEndpoint() {
        String opA = w.opA();
        List<Function<String, Call>> requests = List.of(
                id -> new Call("GET", GROUPS + "/" + id, null),
                id -> new Call("PATCH", GROUPS + "/" + id, json("name", Fleet.unique("iso-hijacked"))),
                id -> new Call("DELETE", GROUPS + "/" + id, null),
                id -> new Call("POST", GROUPS + "/" + id + "/move", json("parentId", w.a.staticGroup())),
                id -> new Call("GET", GROUPS + "/" + id + "/devices", null),
                id -> new Call("GET", GROUPS + "/" + id + "/devices?recursive=true", null));
        Map<String, Object> before = worldState();
        for (UUID foreign : foreignGroupsOfA()) {
            for (Function<String, Call> request : requests) {
                answersLikeAMissingId(opA, request, foreign);
            }
        }
        assertEquals(before, worldState(), "a foreign group was changed");
    }

    @Test
    void foreignTemplatesAnswerLikeMissingOnesAndStayUnchanged() {
        String opA = w.opA();
        List<Function<String, Call>> requests = List.of(
                id -> new Call("GET", TEMPLATES + "/" + id, null),
                id -> new Call("PUT", TEMPLATES + "/" + id, json("name", Fleet.unique("iso-hijacked"), "tenantId", w.a.msp().id(),
                        "rule", IsolationWorld.rule(IsolationWorld.LINUX_RULE))),
                id -> new Call("DELETE", TEMPLATES + "/" + id, null));
        Map<String, Object> before = worldState();
        for (UUID foreign : List.of(w.b.template(), w.b.victimTemplate(), w.mgrTemplate)) {
            for (Function<String, Call> request : requests) {
                answersLikeAMissingId(opA, request, foreign);
            }
        }
        assertEquals(before, worldState(), "a foreign template was changed");
        as(w.opB()).get(TEMPLATES + "/" + w.b.victimTemplate()).then().statusCode(200);
    }

    @Test
    void foreignDevicesAndTasksAnswerLikeMissingOnes() {
        String opA = w.opA();
        Map<String, Object> before = worldState();
        answersLikeAMissingId(opA, id -> new Call("GET", DEVICES + "/" + id, null), w.b.device());
        answersLikeAMissingId(opA, id -> new Call("POST", DEVICES + "/" + id + "/move", json("groupId", w.a.staticGroup())),
                w.b.device());
        // the manager's task reaches deviceA too, yet it is not mspA's to read
        for (UUID task : List.of(w.b.task(), w.mgrTask)) {
            answersLikeAMissingId(opA, id -> new Call("GET", TASKS + "/" + id, null), task);
            answersLikeAMissingId(opA, id -> new Call("GET", TASKS + "/" + id + "/devices", null), task);
        }
        assertEquals(before, worldState(), "a foreign device or task was changed");
        as(w.opB()).get(DEVICES + "/" + w.b.device()).then().statusCode(200);
    }

    // ---- foreign ids in bodies and filters ----

    @Test
    void creatingAGroupUnderAForeignParentAnswersLikeAMissingParentAndCreatesNothing() {
        String opA = w.opA();
        Map<String, Object> before = worldState();
        for (UUID parent : foreignGroupsOfA()) {
            answersLikeAMissingId(opA, id -> new Call("POST", GROUPS, json("name", Fleet.unique("iso-intruder"), "parentId", id,
                    "kind", "STATIC")), parent);
            answersLikeAMissingId(opA, id -> new Call("POST", GROUPS, json("name", Fleet.unique("iso-intruder"), "parentId", id,
                    "kind", "DYNAMIC", "templateId", w.a.template())), parent);
        }
        assertEquals(before, worldState(), "a group was created under a foreign parent");
    }

    @Test
    void aDynamicGroupWithAForeignTemplateAnswersLikeAMissingTemplateAndCreatesNothing() {
        String opA = w.opA();
        Map<String, Object> before = worldState();
        for (UUID parent : List.of(w.a.msp().groupId(), w.a.customer().groupId(), w.a.staticGroup())) {
            for (UUID template : List.of(w.b.template(), w.b.victimTemplate(), w.mgrTemplate)) {
                answersLikeAMissingId(opA, id -> new Call("POST", GROUPS, json("name", Fleet.unique("iso-intruder"),
                        "parentId", parent, "kind", "DYNAMIC", "templateId", id)), template);
            }
        }
        assertEquals(before, worldState(), "a dynamic group was created with a foreign template");
    }

    @Test
    void aTaskToAForeignGroupAnswersLikeAMissingGroupAndReachesNoDevice() {
        String opA = w.opA();
        try (TopicProbe commands = new TopicProbe(Topics.COMMANDS)) {
            Map<String, Object> before = worldState();
            for (UUID group : foreignGroupsOfA()) {
                answersLikeAMissingId(opA, id -> new Call("POST", TASKS, json("type", "RUN_SCAN", "groupId", id)), group);
            }
            assertEquals(before, worldState(), "a task to a foreign group changed something");

            // a marker after the attempts: once it has reached both devices, anything the attempts sent has too
            UUID marker = IsolationWorld.task(w.opMgr(), w.mgr.groupId());
            for (UUID device : List.of(w.a.device(), w.b.device())) {
                commands.await(r -> r.key().equals(device.toString()) && marker.toString().equals(taskIdOf(r)), WAIT);
            }
            Set<String> allowedA = Set.of(w.a.task().toString(), w.mgrTask.toString(), marker.toString());
            Set<String> allowedB = Set.of(w.b.task().toString(), w.mgrTask.toString(), marker.toString());
            Set<String> toA = taskIdsSentTo(commands, w.a.device());
            Set<String> toB = taskIdsSentTo(commands, w.b.device());
            assertTrue(allowedA.containsAll(toA), () -> "deviceA got tasks nobody in scope created: " + toA);
            assertTrue(allowedB.containsAll(toB), () -> "deviceB got tasks nobody in scope created: " + toB);
        }
    }

    @Test
    void movingOwnDeviceIntoAForeignGroupAnswersLikeAMissingGroupAndLeavesItInPlace() {
        String opA = w.opA();
        Map<String, Object> before = worldState();
        for (UUID group : foreignGroupsOfA()) {
            answersLikeAMissingId(opA, id -> new Call("POST", DEVICES + "/" + w.a.device() + "/move", json("groupId", id)), group);
        }
        assertEquals(before, worldState(), "a device moved into a foreign group");
        as(IsolationWorld.root()).get(DEVICES + "/" + w.a.device()).then().statusCode(200)
                .body("staticGroupId", equalTo(w.a.staticGroup().toString()));
    }

    @Test
    void movingOwnGroupUnderAForeignGroupAnswersLikeAMissingGroupAndLeavesItInPlace() {
        String opA = w.opA();
        Map<String, Object> before = worldState();
        for (UUID group : foreignGroupsOfA()) {
            answersLikeAMissingId(opA, id -> new Call("POST", GROUPS + "/" + w.a.movableGroup() + "/move", json("parentId", id)), group);
            answersLikeAMissingId(opA, id -> new Call("POST", GROUPS + "/" + w.a.dynamicGroup() + "/move", json("parentId", id)), group);
        }
        assertEquals(before, worldState(), "a group moved under a foreign group");
        as(IsolationWorld.root()).get(GROUPS + "/" + w.a.movableGroup()).then().statusCode(200)
                .body("parentId", equalTo(w.a.customer().groupId().toString()));
    }

    @Test
    void foreignTenantGroupAndParentFiltersAnswerLikeMissingOnes() {
        String opA = w.opA();
        for (UUID tenant : List.of(w.b.msp().id(), w.b.customer().id(), w.mgr.id())) {
            answersLikeAMissingId(opA, id -> new Call("GET", GROUPS + "?tenantId=" + id, null), tenant);
            answersLikeAMissingId(opA, id -> new Call("GET", DEVICES + "?tenantId=" + id, null), tenant);
            answersLikeAMissingId(opA, id -> new Call("GET", TEMPLATES + "?tenantId=" + id, null), tenant);
        }
        for (UUID group : foreignGroupsOfA()) {
            answersLikeAMissingId(opA, id -> new Call("GET", GROUPS + "?parentId=" + id, null), group);
            answersLikeAMissingId(opA, id -> new Call("GET", DEVICES + "?groupId=" + id, null), group);
            // a foreign filter is not made harmless by an own one beside it
            answersLikeAMissingId(opA, id -> new Call("GET", DEVICES + "?tenantId=" + w.a.customer().id() + "&groupId=" + id, null), group);
            answersLikeAMissingId(opA, id -> new Call("GET", GROUPS + "?tenantId=" + w.a.msp().id() + "&parentId=" + id, null), group);
        }
    }

    @Test
    void creatingATemplateForAForeignTenantAnswersLikeAMissingTenantAndCreatesNothing() {
        String opA = w.opA();
        Map<String, Object> before = worldState();
        for (UUID tenant : List.of(w.b.msp().id(), w.b.customer().id(), w.mgr.id())) {
            answersLikeAMissingId(opA, id -> new Call("POST", TEMPLATES, json("name", Fleet.unique("iso-intruder"), "tenantId", id,
                    "rule", IsolationWorld.rule(IsolationWorld.WINDOWS_RULE))), tenant);
        }
        // no owner means the root, which only root operators may own
        Response rootOwned = as(opA).body(json("name", Fleet.unique("iso-intruder"), "tenantId", null,
                "rule", IsolationWorld.rule(IsolationWorld.WINDOWS_RULE))).post(TEMPLATES);
        assertEquals(400, rootOwned.statusCode(), rootOwned::asString);
        assertEquals(before, worldState(), "a template was created for a foreign tenant");
    }

    @Test
    void replacingOwnTemplateCannotHandItToAnotherTenant() {
        String opA = w.opA();
        UUID own = IsolationWorld.template(opA, w.a.msp(), Fleet.unique("iso-own"), IsolationWorld.LINUX_RULE);
        Map<String, Object> before = worldState();
        for (UUID tenant : List.of(w.b.msp().id(), w.mgr.id())) {
            Response r = as(opA).body(json("name", Fleet.unique("iso-handed-over"), "tenantId", tenant,
                    "rule", IsolationWorld.rule(IsolationWorld.LINUX_RULE))).put(TEMPLATES + "/" + own);
            assertTrue(r.statusCode() == 200 || r.statusCode() == 404, r::asString);
            assertFalse(r.asString().contains(tenant.toString()), r::asString);
        }
        as(IsolationWorld.root()).get(TEMPLATES + "/" + own).then().statusCode(200)
                .body("tenantId", equalTo(w.a.msp().id().toString()));
        as(w.opB()).get(TEMPLATES + "/" + own).then().statusCode(404);
        Map<String, Object> after = worldState();
        before.remove("templates");
        after.remove("templates");
        assertEquals(before, after);
    }

    // ---- lists ----

    @Test
    void mspOperatorsListOnlyTheirOwnSubtree() {
        assertListsShowOnly(w.opA(), w.a, w.b);
        assertListsShowOnly(w.opB(), w.b, w.a);
    }

    private void assertListsShowOnly(String token, Side own, Side other) {
        Set<String> ownTenants = Set.of(own.msp().id().toString(), own.customer().id().toString());
        Set<String> mgrIds = Set.of(w.mgr.id().toString(), w.mgr.groupId().toString(), w.mgrDynamicGroup.toString(),
                w.mgrTemplate.toString(), w.mgrTask.toString());
        List<String> otherIds = idsOf(other);

        List<Map<String, Object>> groups = allItems(token, GROUPS);
        Set<String> groupIds = field(groups, "id");
        assertTrue(groupIds.containsAll(strings(own.msp().groupId(), own.customer().groupId(), own.staticGroup(), own.movableGroup(),
                own.victimGroup(), own.dynamicGroup())), () -> "own groups missing: " + groupIds);
        groups.forEach(g -> assertTrue(ownTenants.contains(String.valueOf(g.get("tenantId"))), () -> "foreign group listed: " + g));
        assertNoneOf(groupIds, mgrIds, "group list");
        assertNoneOf(groupIds, strings(SystemGroups.ALL, SystemGroups.LOST_AND_FOUND), "group list");

        List<Map<String, Object>> devices = allItems(token, DEVICES);
        Set<String> deviceIds = field(devices, "id");
        assertTrue(deviceIds.contains(own.device().toString()), () -> "own device missing: " + deviceIds);
        devices.forEach(d -> assertEquals(own.customer().id().toString(), d.get("tenantId"), () -> "foreign device listed: " + d));

        List<Map<String, Object>> templates = allItems(token, TEMPLATES);
        Set<String> templateIds = field(templates, "id");
        assertTrue(templateIds.containsAll(strings(own.template(), own.victimTemplate())), () -> "own templates missing: " + templateIds);
        templates.forEach(t -> assertTrue(ownTenants.contains(String.valueOf(t.get("tenantId"))), () -> "foreign template listed: " + t));
        assertNoneOf(templateIds, mgrIds, "template list");

        // the sibling MSP's ids appear nowhere, not even nested; the manager's group is the parent of the MSP's
        // group by contract, and the devices' dynamicGroupIds are the subject of their own test
        List<String> bodies = new ArrayList<>();
        bodies.addAll(allBodies(token, GROUPS));
        bodies.addAll(allBodies(token, DEVICES));
        bodies.addAll(allBodies(token, TEMPLATES));
        assertNoneMentioned(bodies, otherIds);
        assertNoneMentioned(bodies, List.of(w.mgr.id().toString(), w.mgrTemplate.toString(), w.mgrTask.toString()));
        assertNoneMentioned(allBodies(token, GROUPS), List.of(w.mgrDynamicGroup.toString()));
    }

    @Test
    void theManagerOperatorSeesBothManagedMspSubtrees() {
        String opMgr = w.opMgr();
        Set<String> tree = strings(w.mgr.id(), w.a.msp().id(), w.a.customer().id(), w.b.msp().id(), w.b.customer().id());
        List<Map<String, Object>> groups = allItems(opMgr, GROUPS);
        Set<String> groupIds = field(groups, "id");
        for (Side s : List.of(w.a, w.b)) {
            assertTrue(groupIds.containsAll(strings(s.msp().groupId(), s.customer().groupId(), s.staticGroup(), s.dynamicGroup())),
                    () -> "a managed MSP's groups are missing: " + groupIds);
        }
        assertTrue(groupIds.containsAll(strings(w.mgr.groupId(), w.mgrDynamicGroup)), groupIds::toString);
        groups.forEach(g -> assertTrue(tree.contains(String.valueOf(g.get("tenantId"))), () -> "group outside mgr listed: " + g));
        assertFalse(groupIds.contains(SystemGroups.ALL.toString()), "the root group is listed below the root");

        Set<String> devices = field(allItems(opMgr, DEVICES), "id");
        assertTrue(devices.containsAll(strings(w.a.device(), w.b.device())), devices::toString);
        Set<String> templates = field(allItems(opMgr, TEMPLATES), "id");
        assertTrue(templates.containsAll(strings(w.a.template(), w.b.template(), w.mgrTemplate)), templates::toString);
        for (UUID task : List.of(w.a.task(), w.b.task(), w.mgrTask)) {
            as(opMgr).get(TASKS + "/" + task).then().statusCode(200);
        }
        for (Side s : List.of(w.a, w.b)) {
            as(opMgr).get(DEVICES + "/" + s.device()).then().statusCode(200);
            as(opMgr).get(GROUPS + "/" + s.staticGroup() + "/devices").then().statusCode(200)
                    .body("items.id", hasItem(s.device().toString()));
        }
        Set<String> members = field(allItems(opMgr, TASKS + "/" + w.mgrTask + "/devices"), "deviceId");
        assertTrue(members.containsAll(strings(w.a.device(), w.b.device())), members::toString);
    }

    @Test
    void aCustomerOperatorSeesItsCustomerButNotItsMsp() {
        String opCustA = w.opCustA();
        String custA = w.a.customer().id().toString();
        List<Map<String, Object>> groups = allItems(opCustA, GROUPS);
        Set<String> groupIds = field(groups, "id");
        assertTrue(groupIds.containsAll(strings(w.a.customer().groupId(), w.a.staticGroup(), w.a.movableGroup(), w.a.victimGroup())),
                groupIds::toString);
        groups.forEach(g -> assertEquals(custA, g.get("tenantId"), () -> "group outside custA listed: " + g));
        assertFalse(groupIds.contains(w.a.msp().groupId().toString()), "mspA's group is listed to its customer");
        assertFalse(groupIds.contains(w.a.dynamicGroup().toString()), "mspA's dynamic group is listed to its customer");

        List<Map<String, Object>> devices = allItems(opCustA, DEVICES);
        assertTrue(field(devices, "id").contains(w.a.device().toString()), devices::toString);
        devices.forEach(d -> assertEquals(custA, d.get("tenantId"), () -> "device outside custA listed: " + d));
        as(opCustA).get(DEVICES + "/" + w.a.device()).then().statusCode(200);
        as(opCustA).get(GROUPS + "/" + w.a.staticGroup() + "/devices").then().statusCode(200)
                .body("items.id", hasItem(w.a.device().toString()));

        List<Map<String, Object>> templates = allItems(opCustA, TEMPLATES);
        templates.forEach(t -> assertEquals(custA, t.get("tenantId"), () -> "template outside custA listed: " + t));
        assertNoneMentioned(allBodies(opCustA, TEMPLATES), strings(w.a.template(), w.a.victimTemplate()).stream().toList());

        for (UUID above : List.of(w.a.msp().groupId(), w.a.dynamicGroup(), w.mgr.groupId())) {
            answersLikeAMissingId(opCustA, id -> new Call("GET", GROUPS + "/" + id, null), above);
            answersLikeAMissingId(opCustA, id -> new Call("GET", GROUPS + "/" + id + "/devices", null), above);
            answersLikeAMissingId(opCustA, id -> new Call("GET", GROUPS + "?parentId=" + id, null), above);
            answersLikeAMissingId(opCustA, id -> new Call("GET", DEVICES + "?groupId=" + id, null), above);
        }
        for (UUID template : List.of(w.a.template(), w.a.victimTemplate())) {
            answersLikeAMissingId(opCustA, id -> new Call("GET", TEMPLATES + "/" + id, null), template);
        }
        for (UUID tenant : List.of(w.a.msp().id(), w.mgr.id())) {
            answersLikeAMissingId(opCustA, id -> new Call("GET", GROUPS + "?tenantId=" + id, null), tenant);
            answersLikeAMissingId(opCustA, id -> new Call("GET", DEVICES + "?tenantId=" + id, null), tenant);
            answersLikeAMissingId(opCustA, id -> new Call("GET", TEMPLATES + "?tenantId=" + id, null), tenant);
        }
    }

    /**
     * A device's view lists its dynamic groups; a group the caller cannot see (an MSP's group seen
     * from its customer, the manager's group seen from an MSP) must not be named there either.
     */
    @Test
    void aDeviceNamesNoDynamicGroupOutsideTheCallersScope() {
        List<String> leaks = new ArrayList<>();
        Map<String, String> readers = Map.of("opA", w.opA(), "opCustA", w.opCustA());
        readers.forEach((who, token) -> {
            List<Map<String, Object>> views = new ArrayList<>();
            views.add(as(token).get(DEVICES + "/" + w.a.device()).then().statusCode(200).extract().jsonPath().getMap("$"));
            views.addAll(allItems(token, DEVICES));
            views.addAll(allItems(token, GROUPS + "/" + w.a.staticGroup() + "/devices"));
            for (Map<String, Object> view : views) {
                @SuppressWarnings("unchecked")
                List<String> dynamic = (List<String>) view.get("dynamicGroupIds");
                for (String group : dynamic == null ? List.<String>of() : dynamic) {
                    int status = as(token).get(GROUPS + "/" + group).statusCode();
                    if (status != 200) {
                        leaks.add(who + " reads device " + view.get("id") + " naming dynamic group " + group + " (GET answers " + status + ")");
                    }
                }
            }
        });
        assertEquals(List.of(), leaks.stream().distinct().toList());
    }

    // ---- templates serve only their own part of the tree ----

    @Test
    void aTemplateOfAnotherPartOfTheTreeCannotBeUsedEvenByAnOperatorWhoSeesBoth() {
        String opMgr = w.opMgr();
        UUID parent = IsolationWorld.group(opMgr, w.a.customer().groupId(), Fleet.unique("iso-ctl"), "STATIC", null);
        Map<String, Object> before = worldState();
        record Use(UUID parent, UUID template) {
        }
        for (Use use : List.of(new Use(parent, w.b.template()), new Use(w.a.customer().groupId(), w.b.template()),
                new Use(w.a.staticGroup(), w.b.template()), new Use(w.a.msp().groupId(), w.b.template()),
                new Use(w.b.customer().groupId(), w.a.template()), new Use(w.mgr.groupId(), w.a.template()))) {
            Response r = as(opMgr).body(json("name", Fleet.unique("iso-cross"), "parentId", use.parent(), "kind", "DYNAMIC",
                    "templateId", use.template())).post(GROUPS);
            assertEquals(409, r.statusCode(), () -> use + " answered " + r.asString());
            assertTrue(r.jsonPath().getString("type").endsWith("/group-rule"), r::asString);
        }
        // nor does a dynamic group carry its template to another MSP by moving
        Response moved = as(opMgr).body(json("parentId", w.b.customer().groupId())).post(GROUPS + "/" + w.a.dynamicGroup() + "/move");
        assertEquals(409, moved.statusCode(), moved::asString);
        assertTrue(moved.jsonPath().getString("type").endsWith("/group-rule"), moved::asString);
        assertEquals(before, worldState(), "a template served another part of the tree");

        // the control: the same parent with a template of its own MSP is fine
        IsolationWorld.group(opMgr, parent, Fleet.unique("iso-own"), "DYNAMIC", w.a.template());
    }

    /**
     * Moving an empty static group to another customer is allowed, but a dynamic group below it must
     * not travel with it into another MSP's tree: its template would then serve that tree, and the
     * template's owner (the first MSP) would steer the membership of a group it cannot see.
     */
    @Test
    void movingAStaticGroupCannotCarryADynamicSubgroupIntoAnotherMspsTree() {
        Tenant mgr = Fleet.tenant(Fleet.unique("iso-mgr2"), "MSP_MANAGER", null);
        Tenant mspX = Fleet.tenant(Fleet.unique("iso-mspX"), "MANAGED_MSP", mgr);
        Tenant mspY = Fleet.tenant(Fleet.unique("iso-mspY"), "MANAGED_MSP", mgr);
        Tenant custX = Fleet.tenant(Fleet.unique("iso-custX"), "CUSTOMER", mspX);
        Tenant custY = Fleet.tenant(Fleet.unique("iso-custY"), "CUSTOMER", mspY);
        String opMgr = Fleet.operatorWithAll(mgr);
        UUID templateX = IsolationWorld.template(Fleet.operatorWithAll(mspX), mspX, Fleet.unique("iso-x"), IsolationWorld.WINDOWS_RULE);
        UUID carrier = IsolationWorld.group(opMgr, custX.groupId(), Fleet.unique("iso-carrier"), "STATIC", null);
        UUID dynamic = IsolationWorld.group(opMgr, carrier, Fleet.unique("iso-passenger"), "DYNAMIC", templateX);
        String root = IsolationWorld.root();
        Map<String, Object> carrierBefore = as(root).get(GROUPS + "/" + carrier).then().statusCode(200).extract().jsonPath().getMap("$");
        Map<String, Object> dynamicBefore = as(root).get(GROUPS + "/" + dynamic).then().statusCode(200).extract().jsonPath().getMap("$");

        Response r = as(opMgr).body(json("parentId", custY.groupId())).post(GROUPS + "/" + carrier + "/move");

        Map<String, Object> dynamicAfter = as(root).get(GROUPS + "/" + dynamic).then().statusCode(200).extract().jsonPath().getMap("$");
        assertEquals(409, r.statusCode(), () -> "moved; its dynamic subgroup now is " + dynamicAfter + " with the template of "
                + mspX.id() + ": " + r.asString());
        assertTrue(r.jsonPath().getString("type").endsWith("/group-rule"), r::asString);
        assertEquals(carrierBefore, as(root).get(GROUPS + "/" + carrier).then().extract().jsonPath().getMap("$"));
        assertEquals(dynamicBefore, dynamicAfter);
    }

    // ---- permissions inside the scope ----

    @Test
    void aReadOnlyCustomerOperatorGets403ForEveryChangeInsideItsScope() {
        String opCustA = w.opCustA();
        Side a = w.a;
        Map<String, Object> before = worldState();
        List<Call> writes = List.of(
                new Call("POST", GROUPS, json("name", Fleet.unique("iso-ro"), "parentId", a.customer().groupId(), "kind", "STATIC")),
                new Call("POST", GROUPS, json("name", Fleet.unique("iso-ro"), "parentId", a.staticGroup(), "kind", "STATIC")),
                new Call("POST", GROUPS + "/batch", json("groups", java.util.List.of(json("name", Fleet.unique("iso-ro"),
                        "parentId", a.staticGroup(), "kind", "STATIC")))),
                new Call("PATCH", GROUPS + "/" + a.staticGroup(), json("name", Fleet.unique("iso-ro"))),
                new Call("DELETE", GROUPS + "/" + a.victimGroup(), null),
                new Call("POST", GROUPS + "/" + a.movableGroup() + "/move", json("parentId", a.staticGroup())),
                new Call("POST", DEVICES + "/" + a.device() + "/move", json("groupId", a.customer().groupId())),
                new Call("POST", TEMPLATES, json("name", Fleet.unique("iso-ro"), "tenantId", a.customer().id(),
                        "rule", IsolationWorld.rule(IsolationWorld.WINDOWS_RULE))),
                new Call("POST", TASKS, json("type", "RUN_SCAN", "groupId", a.customer().groupId())),
                new Call("GET", TASKS + "/" + a.task(), null),
                new Call("GET", TASKS + "/" + a.task() + "/devices", null));
        for (Call call : writes) {
            assertForbidden("opCustA " + call, call.by(opCustA));
        }
        assertEquals(before, worldState(), "a read-only operator changed something");
        // what it may do, it can
        as(opCustA).get(GROUPS + "/" + a.staticGroup()).then().statusCode(200);
        as(opCustA).get(DEVICES + "/" + a.device()).then().statusCode(200);
    }

    // ---- helpers ----

    /** Groups outside mspA's subtree: the sibling MSP's (managed, custom, dynamic), the manager's and the root's. */
    private List<UUID> foreignGroupsOfA() {
        return List.of(w.b.staticGroup(), w.b.victimGroup(), w.b.dynamicGroup(), w.b.customer().groupId(), w.b.msp().groupId(),
                w.mgr.groupId(), w.mgrDynamicGroup, SystemGroups.ALL, SystemGroups.LOST_AND_FOUND);
    }

    private static synchronized Side anchorSide() {
        if (anchorSide == null) {
            anchorSide = IsolationWorld.side(null, "MSP", "Anchor");
        }
        return anchorSide;
    }

    /**
     * Everything of the shared tree, read with the root token: the groups, devices and templates of
     * mgr's subtree, the top-level groups and the three tasks with their per-device status.
     */
    private Map<String, Object> worldState() {
        String root = IsolationWorld.root();
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("groups", allItems(root, GROUPS + "?tenantId=" + w.mgr.id()));
        state.put("top-level groups", allItems(root, GROUPS + "?parentId=" + SystemGroups.ALL));
        state.put("lost and found", allItems(root, GROUPS + "?parentId=" + SystemGroups.LOST_AND_FOUND));
        state.put("devices", allItems(root, DEVICES + "?tenantId=" + w.mgr.id()));
        state.put("templates", allItems(root, TEMPLATES + "?tenantId=" + w.mgr.id()));
        for (UUID task : List.of(w.a.task(), w.b.task(), w.mgrTask)) {
            state.put("task " + task, as(root).get(TASKS + "/" + task).then().statusCode(200).extract().jsonPath().getMap("$"));
            state.put("task devices " + task, allItems(root, TASKS + "/" + task + "/devices"));
        }
        return state;
    }

    /** Every id of a side, as text. */
    private static List<String> idsOf(Side s) {
        return Stream.of(s.msp().id(), s.msp().groupId(), s.customer().id(), s.customer().groupId(), s.staticGroup(),
                s.movableGroup(), s.victimGroup(), s.device(), s.template(), s.victimTemplate(), s.dynamicGroup(), s.task())
                .map(UUID::toString).toList();
    }

    /**
     * Sends the same request with {@code foreignId} and with a random id: both answer 404 and the bodies
     * are identical byte for byte.
     */
    private static void answersLikeAMissingId(String token, Function<String, Call> request, UUID foreignId) {
        Call foreign = request.apply(foreignId.toString());
        Response answer = foreign.by(token);
        Response missing = request.apply(UUID.randomUUID().toString()).by(token);
        assertSameAsMissing(foreign.toString(), answer, missing, List.of(foreignId.toString()));
    }

    private static void assertSameAsMissing(String what, Response foreign, Response missing, List<String> foreignIds) {
        assertEquals(404, foreign.statusCode(), () -> what + " answered " + foreign.statusCode() + " " + foreign.asString());
        assertEquals(404, missing.statusCode(), () -> what + " with a random id answered " + missing.asString());
        assertEquals(missing.contentType(), foreign.contentType(), what);
        assertTrue(foreign.contentType().startsWith(PROBLEM_JSON), () -> what + ": " + foreign.contentType());
        assertEquals(missing.asString(), foreign.asString(), () -> what + ": the answer differs from a missing id's");
        assertTrue(foreign.jsonPath().getString("type").endsWith("/not-found"), () -> what + ": " + foreign.asString());
        for (String id : foreignIds) {
            assertFalse(foreign.asString().contains(id), () -> what + ": the 404 names " + id);
        }
    }

    private static void assertUnauthorized(String what, Response r) {
        assertEquals(401, r.statusCode(), () -> what + " answered " + r.statusCode() + " " + r.asString());
        assertTrue(r.contentType() != null && r.contentType().startsWith(PROBLEM_JSON), () -> what + ": " + r.contentType());
        assertTrue(r.jsonPath().getString("type").endsWith("/unauthorized"), () -> what + ": " + r.asString());
    }

    private static void assertForbidden(String what, Response r) {
        assertEquals(403, r.statusCode(), () -> what + " answered " + r.statusCode() + " " + r.asString());
        assertTrue(r.contentType().startsWith(PROBLEM_JSON), () -> what + ": " + r.contentType());
        assertTrue(r.jsonPath().getString("type").endsWith("/forbidden"), () -> what + ": " + r.asString());
    }

    /** Every item of a list, following nextCursor. */
    private static List<Map<String, Object>> allItems(String token, String path) {
        List<Map<String, Object>> items = new ArrayList<>();
        for (Response page : pages(token, path)) {
            items.addAll(page.jsonPath().getList("items"));
        }
        return items;
    }

    private static List<String> allBodies(String token, String path) {
        return pages(token, path).stream().map(Response::asString).toList();
    }

    private static List<Response> pages(String token, String path) {
        List<Response> pages = new ArrayList<>();
        String cursor = null;
        do {
            RequestSpecification spec = as(token).queryParam("limit", 500);
            if (cursor != null) {
                spec = spec.queryParam("cursor", cursor);
            }
            Response page = spec.get(path);
            assertEquals(200, page.statusCode(), () -> path + " answered " + page.asString());
            pages.add(page);
            cursor = page.jsonPath().getString("nextCursor");
            assertTrue(pages.size() < 100, "endless paging at " + path);
        } while (cursor != null);
        return pages;
    }

    private static Set<String> field(List<Map<String, Object>> items, String field) {
        return items.stream().map(i -> i.get(field)).filter(v -> v != null).map(String::valueOf).collect(Collectors.toSet());
    }

    private static Set<String> strings(UUID... ids) {
        return Stream.of(ids).map(UUID::toString).collect(Collectors.toSet());
    }

    private static void assertNoneOf(Set<String> listed, Set<String> forbidden, String where) {
        for (String id : forbidden) {
            assertFalse(listed.contains(id), () -> where + " contains " + id);
        }
    }

    private static void assertNoneMentioned(List<String> bodies, List<String> ids) {
        for (String body : bodies) {
            for (String id : ids) {
                assertFalse(body.contains(id), () -> "foreign id " + id + " appears in " + body);
            }
        }
    }

    private static Set<String> taskIdsSentTo(TopicProbe probe, UUID device) {
        return probe.matching(r -> r.key().equals(device.toString()) && CommandEvents.TaskAssigned.TYPE.equals(r.event().type()))
                .stream().map(GroupIsolationTest::taskIdOf).collect(Collectors.toSet());
    }

    private static String taskIdOf(TopicProbe.Received r) {
        return r.event().data().path("taskId").asText();
    }

    private static Map<String, Object> json(Object... keysAndValues) {
        Map<String, Object> body = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            Object value = keysAndValues[i + 1];
            body.put((String) keysAndValues[i], value instanceof UUID ? value.toString() : value);
        }
        return body;
    }

    // ---- bad tokens ----

    /** The real token with its payload claiming the root and every permission; the signature no longer matches. */
    private static String rewrittenToRoot(String token) {
        String[] parts = token.split("\\.");
        return parts[0] + "." + encode(rootClaims(parts[1])) + "." + parts[2];
    }

    /** The payload claiming the root, with {@code alg: none} and no signature. */
    private static String unsigned(String token) {
        String[] parts = token.split("\\.");
        ObjectNode header = JSON.createObjectNode().put("alg", "none").put("kid", keyId(token));
        return encode(header.toString()) + "." + encode(rootClaims(parts[1])) + ".";
    }

    /** The payload claiming the root, validly signed by a key of our own that claims the real key's id. */
    private static String signedWithAnotherKey(String token) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            JsonWebSignature jws = new JsonWebSignature();
            jws.setPayload(JwtClaims.parse(rootClaims(token.split("\\.")[1])).toJson());
            jws.setKey(generator.generateKeyPair().getPrivate());
            jws.setKeyIdHeaderValue(keyId(token));
            jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
            return jws.getCompactSerialization();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String rootClaims(String payload) {
        try {
            ObjectNode claims = (ObjectNode) JSON.readTree(Base64.getUrlDecoder().decode(payload));
            claims.put("tpath", "/");
            claims.remove("tid");
            claims.set("perms", JSON.valueToTree(Permissions.ALL));
            return claims.toString();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String keyId(String token) {
        try {
            return JSON.readTree(Base64.getUrlDecoder().decode(token.split("\\.")[0])).path("kid").asText();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String encode(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }
}
