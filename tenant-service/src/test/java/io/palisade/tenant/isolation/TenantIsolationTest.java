package io.palisade.tenant.isolation;

import static io.palisade.tenant.support.Api.as;
import static io.restassured.RestAssured.given;
import static io.palisade.tenant.support.IsolationFixture.allBodies;
import static io.palisade.tenant.support.IsolationFixture.allItems;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.palisade.tenant.auth.Totp;
import io.palisade.tenant.support.Api;
import io.palisade.tenant.support.IsolationFixture;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Tenant isolation across every tenant-service endpoint: a resource outside the caller's subtree
 * answers exactly like a missing one and is left untouched, lists never show foreign rows, a
 * permission missing inside the scope is a 403, nobody grants what they do not hold, and no answer
 * carries a password hash or a TOTP secret. See {@link IsolationFixture} for the tree.
 */
@QuarkusTest
class TenantIsolationTest {

    private static final String TENANTS = "/api/v1/tenants";
    private static final String OPERATORS = "/api/v1/operators";
    private static final String SETS = "/api/v1/permission-sets";
    private static final String AUDIT = "/api/v1/audit";

    private IsolationFixture f;

    @BeforeEach
    void fixture() {
        f = IsolationFixture.get();
    }

    // ---- tenants: foreign ids answer like missing ones and change nothing ----

    @Test
    void getOfForeignTenantAnswersExactlyLikeAMissingId() {
        for (String foreign : List.of(f.mgr, f.mspB, f.custB, f.victimTenant)) {
            answersLikeAMissingId(id -> as(f.opA.token()).get(TENANTS + "/" + id), foreign);
        }
    }

    @Test
    void patchOfForeignTenantAnswersLikeAMissingIdAndChangesNothing() {
        for (String foreign : List.of(f.victimTenant, f.mspB, f.mgr)) {
            Map<String, Object> before = f.adminRead(TENANTS + "/" + foreign);
            String ifMatch = "\"" + before.get("version") + "\"";
            answersLikeAMissingId(id -> as(f.opA.token()).header("If-Match", ifMatch)
                    .body(json("name", Api.unique("hijacked"), "externalId", "hijacked")).patch(TENANTS + "/" + id), foreign);
            assertEquals(before, f.adminRead(TENANTS + "/" + foreign));
        }
    }

    @Test
    void moveOfForeignTenantAnswersLikeAMissingIdAndLeavesItInPlace() {
        Map<String, Object> before = f.adminRead(TENANTS + "/" + f.victimTenant);
        answersLikeAMissingId(id -> as(f.opA.token()).body(json("parentId", f.mspA)).post(TENANTS + "/" + id + "/move"),
                f.victimTenant);
        Map<String, Object> after = f.adminRead(TENANTS + "/" + f.victimTenant);
        assertEquals(before, after);
        assertEquals(f.mspB, after.get("parentId"));
    }

    @Test
    void deleteOfForeignTenantAnswersLikeAMissingIdAndKeepsIt() {
        Map<String, Object> before = f.adminRead(TENANTS + "/" + f.victimTenant);
        answersLikeAMissingId(id -> as(f.opA.token()).delete(TENANTS + "/" + id), f.victimTenant);
        assertEquals(before, f.adminRead(TENANTS + "/" + f.victimTenant));
    }

    @Test
    void listingTenantsUnderAForeignTenantAnswersLikeAMissingId() {
        for (String foreign : List.of(f.mspB, f.mgr, f.custB)) {
            answersLikeAMissingId(id -> as(f.opA.token()).queryParam("under", id).get(TENANTS), foreign);
        }
    }

    @Test
    void creatingATenantUnderAForeignParentAnswersLikeAMissingIdAndCreatesNothing() {
        String name = Api.unique("iso-intruder");
        for (String foreign : List.of(f.mspB, f.mgr)) {
            answersLikeAMissingId(id -> as(f.opA.token()).body(json("name", name, "type", "CUSTOMER", "parentId", id))
                    .post(TENANTS), foreign);
        }
        assertTrue(allItems(f.adminToken, TENANTS + "?under=" + f.mgr + "&q=" + name).isEmpty(),
                "a tenant was created under a foreign parent");
    }

    @Test
    void movingOwnChildUnderAForeignParentAnswersLikeAMissingIdAndLeavesItInPlace() {
        Map<String, Object> before = f.adminRead(TENANTS + "/" + f.movableA);
        for (String foreign : List.of(f.mspB, f.mgr)) {
            answersLikeAMissingId(parent -> as(f.opA.token()).body(json("parentId", parent))
                    .post(TENANTS + "/" + f.movableA + "/move"), foreign);
        }
        Map<String, Object> after = f.adminRead(TENANTS + "/" + f.movableA);
        assertEquals(before, after);
        assertEquals(f.mspA, after.get("parentId"));
    }

    // ---- operators ----

    @Test
    void getOfForeignOperatorAnswersExactlyLikeAMissingId() {
        for (String foreign : List.of(f.opB.id(), f.victimOperator.id(), f.opMgr.id(), f.opCustB.id(), f.adminId)) {
            answersLikeAMissingId(id -> as(f.opA.token()).get(OPERATORS + "/" + id), foreign);
        }
    }

    @Test
    void patchOfForeignOperatorAnswersLikeAMissingIdAndChangesNothing() {
        for (String foreign : List.of(f.victimOperator.id(), f.opMgr.id())) {
            Map<String, Object> before = f.adminRead(OPERATORS + "/" + foreign);
            answersLikeAMissingId(id -> as(f.opA.token())
                    .body(json("password", "hijacked-password-1", "permissionSetIds", List.of(f.setA)))
                    .patch(OPERATORS + "/" + id), foreign);
            assertEquals(before, f.adminRead(OPERATORS + "/" + foreign));
        }
        // the password is still the old one
        assertNotNull(Api.login(f.victimOperator.username(), Api.PASSWORD));
    }

    @Test
    void deleteOfForeignOperatorAnswersLikeAMissingIdAndKeepsIt() {
        for (String foreign : List.of(f.victimOperator.id(), f.opMgr.id())) {
            Map<String, Object> before = f.adminRead(OPERATORS + "/" + foreign);
            answersLikeAMissingId(id -> as(f.opA.token()).delete(OPERATORS + "/" + id), foreign);
            assertEquals(before, f.adminRead(OPERATORS + "/" + foreign));
        }
    }

    @Test
    void listingOperatorsUnderAForeignTenantAnswersLikeAMissingId() {
        for (String foreign : List.of(f.mspB, f.mgr, f.custB)) {
            answersLikeAMissingId(id -> as(f.opA.token()).queryParam("under", id).get(OPERATORS), foreign);
        }
    }

    @Test
    void creatingAnOperatorHomedAtAForeignTenantAnswersLikeAMissingIdAndCreatesNothing() {
        String username = Api.unique("iso-intruder");
        for (String foreign : List.of(f.mspB, f.mgr)) {
            answersLikeAMissingId(home -> as(f.opA.token()).body(json("username", username, "password", Api.PASSWORD,
                    "homeTenantId", home, "permissionSetIds", List.of())).post(OPERATORS), foreign);
        }
        assertNoOperatorNamed(username);
    }

    @Test
    void creatingAnOperatorWithAForeignPermissionSetAnswersLikeAMissingIdAndCreatesNothing() {
        String username = Api.unique("iso-intruder");
        for (String foreign : List.of(f.setB, f.victimSet, f.setMgr)) {
            answersLikeAMissingId(set -> as(f.opA.token()).body(json("username", username, "password", Api.PASSWORD,
                    "homeTenantId", f.mspA, "permissionSetIds", List.of(set))).post(OPERATORS), foreign);
        }
        assertNoOperatorNamed(username);
    }

    @Test
    void grantingAForeignPermissionSetToOwnOperatorAnswersLikeAMissingIdAndChangesNothing() {
        Map<String, Object> before = f.adminRead(OPERATORS + "/" + f.opCustA.id());
        for (String foreign : List.of(f.setB, f.victimSet, f.setMgr)) {
            answersLikeAMissingId(set -> as(f.opA.token()).body(json("permissionSetIds", List.of(f.setCustA, set)))
                    .patch(OPERATORS + "/" + f.opCustA.id()), foreign);
        }
        assertEquals(before, f.adminRead(OPERATORS + "/" + f.opCustA.id()));
    }

    // ---- permission sets ----

    @Test
    void getOfForeignPermissionSetAnswersExactlyLikeAMissingId() {
        for (String foreign : List.of(f.setB, f.victimSet, f.setMgr, f.setCustB)) {
            answersLikeAMissingId(id -> as(f.opA.token()).get(SETS + "/" + id), foreign);
        }
    }

    @Test
    void patchOfForeignPermissionSetAnswersLikeAMissingIdAndChangesNothing() {
        for (String foreign : List.of(f.victimSet, f.setMgr)) {
            Map<String, Object> before = f.adminRead(SETS + "/" + foreign);
            answersLikeAMissingId(id -> as(f.opA.token())
                    .body(json("name", Api.unique("hijacked"), "permissions", List.of("tenants.read", "audit.read")))
                    .patch(SETS + "/" + id), foreign);
            assertEquals(before, f.adminRead(SETS + "/" + foreign));
        }
    }

    @Test
    void deleteOfForeignPermissionSetAnswersLikeAMissingIdAndKeepsIt() {
        Map<String, Object> before = f.adminRead(SETS + "/" + f.victimSet);
        answersLikeAMissingId(id -> as(f.opA.token()).delete(SETS + "/" + id), f.victimSet);
        assertEquals(before, f.adminRead(SETS + "/" + f.victimSet));
    }

    @Test
    void listingPermissionSetsOfAForeignTenantAnswersLikeAMissingId() {
        for (String foreign : List.of(f.mspB, f.mgr, f.custB)) {
            answersLikeAMissingId(id -> as(f.opA.token()).queryParam("tenantId", id).get(SETS), foreign);
        }
    }

    @Test
    void creatingAPermissionSetForAForeignTenantAnswersLikeAMissingIdAndCreatesNothing() {
        String name = Api.unique("iso-intruder");
        for (String foreign : List.of(f.mspB, f.mgr)) {
            answersLikeAMissingId(id -> as(f.opA.token())
                    .body(json("name", name, "tenantId", id, "permissions", List.of("tenants.read"))).post(SETS), foreign);
        }
        assertTrue(allItems(f.adminToken, SETS + "?tenantId=" + f.mgr).stream().noneMatch(s -> name.equals(s.get("name"))),
                "a permission set was created for a foreign tenant");
    }

    // ---- audit ----

    @Test
    void readingTheAuditLogUnderAForeignTenantAnswersLikeAMissingId() {
        for (String foreign : List.of(f.mspB, f.mgr, f.custB)) {
            answersLikeAMissingId(id -> as(f.opA.token()).queryParam("under", id).get(AUDIT), foreign);
        }
    }

    // ---- lists never contain foreign rows ----

    @Test
    void mspOperatorListsOnlyTenantsOfItsOwnSubtree() {
        List<Map<String, Object>> items = allItems(f.opA.token(), TENANTS);
        Set<String> ids = ids(items, "id");
        for (Map<String, Object> t : items) {
            assertTrue(((String) t.get("path")).startsWith(f.mspAPath), () -> "foreign tenant listed: " + t);
        }
        assertTrue(ids.containsAll(List.of(f.mspA, f.custA, f.movableA)), () -> "own tenants missing: " + ids);
        for (String foreign : List.of(f.mgr, f.mspB, f.custB, f.victimTenant)) {
            assertFalse(ids.contains(foreign), () -> "foreign tenant listed: " + foreign);
        }
        // mspA's parentId and every path name mgr by contract, so only the sibling subtree is searched for as text
        assertNoneMentioned(allBodies(f.opA.token(), TENANTS), List.of(f.mspB, f.custB, f.victimTenant));
    }

    @Test
    void mspOperatorListsOnlyOperatorsHomedInItsOwnSubtree() {
        Set<String> subtree = mspASubtree();
        List<Map<String, Object>> items = allItems(f.opA.token(), OPERATORS);
        for (Map<String, Object> o : items) {
            assertTrue(subtree.contains((String) o.get("homeTenantId")), () -> "foreign operator listed: " + o);
        }
        Set<String> ids = ids(items, "id");
        assertTrue(ids.containsAll(List.of(f.opA.id(), f.opAPeer.id(), f.opLimited.id(), f.opCustA.id())),
                () -> "own operators missing: " + ids);
        assertNoneMentioned(allBodies(f.opA.token(), OPERATORS), f.foreignToMspA());
    }

    @Test
    void mspOperatorListsOnlyPermissionSetsOwnedInItsOwnSubtree() {
        Set<String> subtree = mspASubtree();
        List<Map<String, Object>> items = allItems(f.opA.token(), SETS);
        for (Map<String, Object> s : items) {
            assertTrue(subtree.contains((String) s.get("tenantId")), () -> "foreign permission set listed: " + s);
        }
        Set<String> ids = ids(items, "id");
        assertTrue(ids.containsAll(List.of(f.setA, f.setLimited, f.setCustA)), () -> "own sets missing: " + ids);
        assertNoneMentioned(allBodies(f.opA.token(), SETS), f.foreignToMspA());
    }

    @Test
    void mspOperatorReadsOnlyAuditEntriesOfItsOwnSubtree() {
        Set<String> subtree = mspASubtree();
        List<Map<String, Object>> items = allItems(f.opA.token(), AUDIT);
        for (Map<String, Object> e : items) {
            assertTrue(subtree.contains((String) e.get("tenantId")), () -> "foreign audit entry listed: " + e);
        }
        Set<String> targets = ids(items, "targetId");
        assertTrue(targets.containsAll(List.of(f.custA, f.opCustA.id(), f.setCustA)), () -> "own entries missing: " + targets);
        List<String> foreign = new ArrayList<>(f.foreignToMspA());
        foreign.remove(f.adminId); // the admin built mspA's subtree, so it is the actor of those entries
        assertNoneMentioned(allBodies(f.opA.token(), AUDIT), foreign);
    }

    @Test
    void parentMspManagerOperatorSeesBothManagedMspSubtrees() {
        Set<String> tenants = ids(allItems(f.opMgr.token(), TENANTS), "id");
        assertTrue(tenants.containsAll(List.of(f.mgr, f.mspA, f.custA, f.mspB, f.custB, f.victimTenant)), tenants::toString);
        Set<String> operators = ids(allItems(f.opMgr.token(), OPERATORS), "id");
        assertTrue(operators.containsAll(List.of(f.opMgr.id(), f.opA.id(), f.opCustA.id(), f.opB.id(), f.opCustB.id())),
                operators::toString);
        assertFalse(operators.contains(f.adminId), "a root operator is listed below the root");
        Set<String> sets = ids(allItems(f.opMgr.token(), SETS), "id");
        assertTrue(sets.containsAll(List.of(f.setMgr, f.setA, f.setCustA, f.setB, f.setCustB)), sets::toString);
        Set<String> audited = ids(allItems(f.opMgr.token(), AUDIT), "tenantId");
        assertTrue(audited.containsAll(List.of(f.mspA, f.custA, f.mspB, f.custB)), audited::toString);
        for (String id : List.of(f.mspA, f.mspB)) {
            as(f.opMgr.token()).get(TENANTS + "/" + id).then().statusCode(200);
        }
        as(f.opMgr.token()).get(OPERATORS + "/" + f.opB.id()).then().statusCode(200);
    }

    // ---- a customer-level operator ----

    @Test
    void customerOperatorCannotSeeItsParentMsp() {
        for (String above : List.of(f.mspA, f.mgr)) {
            answersLikeAMissingId(id -> as(f.opCustA.token()).get(TENANTS + "/" + id), above);
        }
        answersLikeAMissingId(id -> as(f.opCustA.token()).get(OPERATORS + "/" + id), f.opA.id());
        answersLikeAMissingId(id -> as(f.opCustA.token()).get(SETS + "/" + id), f.setA);
        answersLikeAMissingId(id -> as(f.opCustA.token()).queryParam("under", id).get(AUDIT), f.mspA);
    }

    @Test
    void customerOperatorSeesOnlyItsOwnTenant() {
        as(f.opCustA.token()).get(TENANTS + "/" + f.custA).then().statusCode(200);
        Set<String> ids = ids(allItems(f.opCustA.token(), TENANTS), "id");
        assertEquals(Set.of(f.custA), ids);
    }

    @Test
    void customerOperatorWithoutTenantsWriteGets403OnItsOwnTenantButForeignIdsStay404() {
        Map<String, Object> before = f.adminRead(TENANTS + "/" + f.custA);
        String ifMatch = "\"" + before.get("version") + "\"";
        Response own = as(f.opCustA.token()).header("If-Match", ifMatch).body(json("name", Api.unique("renamed")))
                .patch(TENANTS + "/" + f.custA);
        assertEquals(403, own.statusCode(), own::asString);
        assertTrue(own.jsonPath().getString("type").endsWith("/forbidden"), own::asString);
        assertEquals(before, f.adminRead(TENANTS + "/" + f.custA));

        for (String foreign : List.of(f.custB, f.mspA)) {
            String foreignIfMatch = "\"" + f.adminRead(TENANTS + "/" + foreign).get("version") + "\"";
            answersLikeAMissingId(id -> as(f.opCustA.token()).header("If-Match", foreignIfMatch)
                    .body(json("name", Api.unique("renamed"))).patch(TENANTS + "/" + id), foreign);
        }
    }

    @Test
    void customerOperatorWithoutOperatorsWriteCannotCreateOperators() {
        String username = Api.unique("iso-intruder");
        Response r = as(f.opCustA.token()).body(json("username", username, "password", Api.PASSWORD,
                "homeTenantId", f.custA, "permissionSetIds", List.of(f.setCustA))).post(OPERATORS);
        assertEquals(403, r.statusCode(), r::asString);
        assertTrue(r.jsonPath().getString("type").endsWith("/forbidden"), r::asString);
        assertNoOperatorNamed(username);
    }

    // ---- no escalation ----

    @Test
    void limitedOperatorCannotCreateAPermissionSetWithAPermissionItLacks() {
        String name = Api.unique("iso-escalate");
        Response r = as(f.opLimited.token())
                .body(json("name", name, "tenantId", f.mspA, "permissions", List.of("tenants.read", "tenants.write")))
                .post(SETS);
        assertEscalation(r);
        assertTrue(allItems(f.adminToken, SETS + "?tenantId=" + f.mspA).stream().noneMatch(s -> name.equals(s.get("name"))),
                "the escalating set was created");
    }

    @Test
    void limitedOperatorCannotWidenASetItManagesWithAPermissionItLacks() {
        Map<String, Object> before = f.adminRead(SETS + "/" + f.setLimited);
        Response r = as(f.opLimited.token())
                .body(json("permissions", List.of("operators.write", "operators.read", "tenants.read", "tenants.write")))
                .patch(SETS + "/" + f.setLimited);
        assertEscalation(r);
        assertEquals(before, f.adminRead(SETS + "/" + f.setLimited));
    }

    @Test
    void limitedOperatorCannotAssignAnExistingSetHoldingPermissionsItLacks() {
        String username = Api.unique("iso-escalate");
        Response r = as(f.opLimited.token()).body(json("username", username, "password", Api.PASSWORD,
                "homeTenantId", f.mspA, "permissionSetIds", List.of(f.setA))).post(OPERATORS);
        assertEscalation(r);
        assertNoOperatorNamed(username);
    }

    @Test
    void limitedOperatorCannotAddASetHoldingPermissionsItLacksToItsOwnAccount() {
        Map<String, Object> before = f.adminRead(OPERATORS + "/" + f.opLimited.id());
        Response r = as(f.opLimited.token()).body(json("permissionSetIds", List.of(f.setLimited, f.setA)))
                .patch(OPERATORS + "/" + f.opLimited.id());
        assertEscalation(r);
        assertEquals(before, f.adminRead(OPERATORS + "/" + f.opLimited.id()));
    }

    @Test
    void nonRootOperatorsCannotCreateTopLevelTenantsRootOperatorsOrRootSets() {
        for (IsolationFixture.Op op : List.of(f.opLimited, f.opA)) {
            String name = Api.unique("iso-top");
            Response tenant = as(op.token()).body(json("name", name, "type", "MSP", "parentId", null)).post(TENANTS);
            assertForbidden(tenant);
            assertTrue(allItems(f.adminToken, TENANTS + "?type=MSP&q=" + name).isEmpty(), "a top-level tenant was created");

            String username = Api.unique("iso-root");
            Response operator = as(op.token()).body(json("username", username, "password", Api.PASSWORD,
                    "homeTenantId", null, "permissionSetIds", List.of())).post(OPERATORS);
            assertForbidden(operator);
            assertEquals(401, given().contentType(ContentType.JSON).body(Map.of("username", username, "password", Api.PASSWORD))
                    .post("/api/v1/auth/login").statusCode(), "a root operator was created");

            Response set = as(op.token()).body(json("name", Api.unique("iso-root-set"), "tenantId", null,
                    "permissions", List.of("tenants.read"))).post(SETS);
            assertForbidden(set);
        }
        Map<String, Object> before = f.adminRead(TENANTS + "/" + f.movableA);
        assertForbidden(as(f.opA.token()).body(json("parentId", null)).post(TENANTS + "/" + f.movableA + "/move"));
        assertEquals(before, f.adminRead(TENANTS + "/" + f.movableA));
    }

    @Test
    void limitedOperatorCannotTakeOverAMorePrivilegedOperatorByResettingItsPassword() {
        Map<String, Object> before = f.adminRead(OPERATORS + "/" + f.opAPeer.id());
        Response r = as(f.opLimited.token()).body(json("password", "taken-over-password-1"))
                .patch(OPERATORS + "/" + f.opAPeer.id());
        assertEquals(403, r.statusCode(), () -> "an operator holding " + "operators.write, operators.read, tenants.read"
                + " reset the password of one holding every permission: " + r.asString());
        assertEquals(before, f.adminRead(OPERATORS + "/" + f.opAPeer.id()));
        assertNotNull(Api.login(f.opAPeer.username(), Api.PASSWORD));

        as(f.opLimited.token()).body(json("permissionSetIds", List.of())).patch(OPERATORS + "/" + f.opAPeer.id())
                .then().statusCode(403);
        as(f.opLimited.token()).delete(OPERATORS + "/" + f.opAPeer.id()).then().statusCode(403);
        assertEquals(before, f.adminRead(OPERATORS + "/" + f.opAPeer.id()));
    }

    // ---- secrets never leave ----

    @Test
    void noAnswerEverCarriesAPasswordHashOrTotpSecret() {
        String password = "secret-test-password-" + UUID.randomUUID().toString().substring(0, 8);
        String username = Api.unique("iso-totp");
        String id = as(f.adminToken).body(json("username", username, "password", password, "homeTenantId", f.mspA,
                "permissionSetIds", List.of())).post(OPERATORS).then().statusCode(201).extract().path("id");
        String token = Api.login(username, password);
        String secret = as(token).post("/api/v1/auth/totp/enroll").then().statusCode(200).extract().path("secret");
        assertNotNull(secret);

        assertNothingSecret(id, password, secret); // with the secret pending

        long step = System.currentTimeMillis() / 1000 / Totp.STEP_SECONDS;
        String code = Totp.code(Totp.decodeBase32(secret), step, "HmacSHA1", Totp.DIGITS);
        as(token).body(json("code", code)).post("/api/v1/auth/totp/activate").then().statusCode(204);
        assertEquals(Boolean.TRUE, f.adminRead(OPERATORS + "/" + id).get("totpActive"));

        assertNothingSecret(id, password, secret); // with the secret active
    }

    private void assertNothingSecret(String operatorId, String password, String secret) {
        List<String> bodies = new ArrayList<>();
        Response one = as(f.adminToken).get(OPERATORS + "/" + operatorId);
        one.then().statusCode(200);
        bodies.add(one.asString());
        assertNoSecretFields(one.jsonPath().getMap("$"));
        Response scoped = as(f.opA.token()).get(OPERATORS + "/" + operatorId);
        scoped.then().statusCode(200);
        bodies.add(scoped.asString());
        for (String list : List.of(OPERATORS + "?under=" + f.mspA, OPERATORS)) {
            bodies.addAll(allBodies(f.adminToken, list));
            allItems(f.adminToken, list).forEach(TenantIsolationTest::assertNoSecretFields);
        }
        bodies.addAll(allBodies(f.opA.token(), OPERATORS));
        bodies.addAll(allBodies(f.adminToken, AUDIT + "?under=" + f.mspA));
        assertTrue(allItems(f.adminToken, AUDIT + "?under=" + f.mspA).stream()
                .anyMatch(e -> "auth.totp.enrolled".equals(e.get("action"))), "the enrolment was not audited");
        for (String body : bodies) {
            assertFalse(body.toLowerCase().contains("pbkdf2"), () -> "a password hash leaked: " + body);
            assertFalse(body.contains(password), () -> "the password leaked: " + body);
            assertFalse(body.contains(secret), () -> "the TOTP secret leaked: " + body);
        }
    }

    private static final Pattern SECRET_FIELD = Pattern.compile("(?i).*(password|hash|secret|salt).*");

    @SuppressWarnings("unchecked")
    private static void assertNoSecretFields(Object json) {
        if (json instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                assertFalse(SECRET_FIELD.matcher(String.valueOf(e.getKey())).matches(), () -> "secret-like field: " + e.getKey());
                assertNoSecretFields(e.getValue());
            }
        } else if (json instanceof List<?> list) {
            list.forEach(TenantIsolationTest::assertNoSecretFields);
        }
    }

    // ---- helpers ----

    /**
     * Sends the same request with {@code foreignId} and with a random id: both answer 404 and the
     * bodies are identical, parsed and byte for byte.
     */
    private static void answersLikeAMissingId(Function<String, Response> request, String foreignId) {
        Response foreign = request.apply(foreignId);
        Response missing = request.apply(UUID.randomUUID().toString());
        assertEquals(404, foreign.statusCode(), () -> "foreign id " + foreignId + " answered " + foreign.asString());
        assertEquals(404, missing.statusCode(), () -> "a random id answered " + missing.asString());
        assertEquals(missing.contentType(), foreign.contentType());
        Map<String, Object> foreignBody = foreign.jsonPath().getMap("$");
        assertEquals(missing.jsonPath().getMap("$"), foreignBody);
        assertEquals(missing.asString(), foreign.asString());
        assertTrue(String.valueOf(foreignBody.get("type")).endsWith("/not-found"), foreign::asString);
        assertFalse(foreign.asString().contains(foreignId), "the 404 names the foreign id");
    }

    private static void assertEscalation(Response r) {
        assertEquals(403, r.statusCode(), r::asString);
        assertTrue(r.jsonPath().getString("type").endsWith("/permission-escalation"), r::asString);
    }

    private static void assertForbidden(Response r) {
        assertEquals(403, r.statusCode(), r::asString);
        assertTrue(r.jsonPath().getString("type").endsWith("/forbidden"), r::asString);
    }

    private void assertNoOperatorNamed(String username) {
        assertTrue(allItems(f.adminToken, OPERATORS + "?under=" + f.mgr).stream()
                .noneMatch(o -> username.equalsIgnoreCase((String) o.get("username"))), () -> username + " was created");
    }

    /** The ids of mspA's subtree, as the admin sees them, each checked to lie under mspA's path. */
    private Set<String> mspASubtree() {
        List<Map<String, Object>> tenants = allItems(f.adminToken, TENANTS + "?under=" + f.mspA);
        tenants.forEach(t -> assertTrue(((String) t.get("path")).startsWith(f.mspAPath), t::toString));
        return ids(tenants, "id");
    }

    private static void assertNoneMentioned(List<String> bodies, List<String> ids) {
        for (String body : bodies) {
            for (String id : ids) {
                assertFalse(body.contains(id), () -> "foreign id " + id + " appears in " + body);
            }
        }
    }

    private static Set<String> ids(List<Map<String, Object>> items, String field) {
        return items.stream().map(i -> i.get(field)).filter(v -> v != null).map(String::valueOf).collect(Collectors.toSet());
    }

    private static Map<String, Object> json(Object... keysAndValues) {
        Map<String, Object> body = new HashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            body.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return body;
    }
}
