package io.palisade.tenant.hierarchy;

import static io.palisade.tenant.support.Api.as;
import static io.palisade.tenant.support.ProblemAssertions.assertInvalidField;
import static io.palisade.tenant.support.ProblemAssertions.assertProblem;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import io.palisade.tenant.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The MSP tree's rules as the contract states them: parent/child types, cycles, names, versions, deletes, paging. */
@QuarkusTest
class HierarchyRulesTest {

    private static final String TENANTS = "/api/v1/tenants";
    private static final String ROOT = "ROOT";
    private static final List<String> TYPES = List.of("DISTRIBUTOR", "MSP_MANAGER", "MSP", "MANAGED_MSP", "CUSTOMER");

    /** The contract's table of allowed children, written out independently of the code under test. */
    private static final Map<String, Set<String>> ALLOWED_CHILDREN = new LinkedHashMap<>();

    static {
        ALLOWED_CHILDREN.put(ROOT, Set.of("DISTRIBUTOR", "MSP_MANAGER", "MSP"));
        ALLOWED_CHILDREN.put("DISTRIBUTOR", Set.of("MSP_MANAGER", "MSP"));
        ALLOWED_CHILDREN.put("MSP_MANAGER", Set.of("MANAGED_MSP", "CUSTOMER"));
        ALLOWED_CHILDREN.put("MSP", Set.of("CUSTOMER"));
        ALLOWED_CHILDREN.put("MANAGED_MSP", Set.of("CUSTOMER"));
        ALLOWED_CHILDREN.put("CUSTOMER", Set.of());
    }

    private String token;

    @BeforeEach
    void signIn() {
        token = Api.adminToken();
    }

    static Stream<Arguments> everyParentAndChildType() {
        List<Arguments> cases = new ArrayList<>();
        ALLOWED_CHILDREN.forEach((parent, allowed) -> {
            for (String child : TYPES) {
                cases.add(Arguments.of(parent, child, allowed.contains(child)));
            }
        });
        return cases.stream();
    }

    @ParameterizedTest(name = "{1} under {0}: allowed={2}")
    @MethodSource("everyParentAndChildType")
    void childTypesAreAllowedExactlyWhereTheHierarchySays(String parentType, String childType, boolean allowed) {
        String parentId = ROOT.equals(parentType) ? null : nodeOfType(parentType);
        String name = Api.unique("child-" + childType);

        Response response = create(name, childType, parentId);

        if (allowed) {
            response.then().statusCode(201)
                    .body("name", equalTo(name))
                    .body("type", equalTo(childType))
                    .body("parentId", equalTo(parentId));
            String id = response.path("id");
            assertThat(idsNamed(parentId, name), contains(id));
        } else {
            assertProblem(response, 409, "hierarchy-rule");
            assertThat("nothing was created", idsNamed(parentId, name), empty());
        }
    }

    @Test
    void aTenantCannotMoveUnderItselfOrItsOwnDescendant() {
        String dist = top("DISTRIBUTOR");
        String manager = Api.tenant(token, Api.unique("Mgr"), "MSP_MANAGER", dist);
        String managed = Api.tenant(token, Api.unique("Managed"), "MANAGED_MSP", manager);
        Map<String, String> pathsBefore = paths(dist, manager, managed);

        assertProblem(move(dist, dist), 409, "hierarchy-rule");
        assertProblem(move(manager, manager), 409, "hierarchy-rule");
        assertProblem(move(dist, manager), 409, "hierarchy-rule");
        assertProblem(move(dist, managed), 409, "hierarchy-rule");
        assertProblem(move(manager, managed), 409, "hierarchy-rule");

        assertThat(paths(dist, manager, managed), equalTo(pathsBefore));
        assertThat(node(managed).getString("parentId"), equalTo(manager));
        assertThat(node(manager).getString("parentId"), equalTo(dist));
        assertThat(node(dist).getString("parentId"), nullValue());
    }

    @Test
    void movingANodeCarriesItsWholeSubtree() {
        String dist = top("DISTRIBUTOR");
        String msp = Api.tenant(token, Api.unique("MSP"), "MSP", dist);
        String cust = Api.tenant(token, Api.unique("Cust"), "CUSTOMER", msp);
        String dist2 = top("DISTRIBUTOR");
        String distPath = node(dist).getString("path");
        String dist2Path = node(dist2).getString("path");

        move(msp, dist2).then().statusCode(200)
                .body("id", equalTo(msp))
                .body("parentId", equalTo(dist2))
                .body("path", equalTo(dist2Path + msp + "/"));

        JsonPath movedMsp = node(msp);
        assertThat(movedMsp.getString("parentId"), equalTo(dist2));
        assertThat(movedMsp.getString("path"), equalTo(dist2Path + msp + "/"));
        JsonPath movedCust = node(cust);
        assertThat(movedCust.getString("parentId"), equalTo(msp));
        assertThat(movedCust.getString("path"), startsWith(dist2Path));
        assertThat(movedCust.getString("path"), equalTo(dist2Path + msp + "/" + cust + "/"));
        assertThat(node(dist).getString("path"), equalTo(distPath));
        assertThat(node(dist2).getString("path"), equalTo(dist2Path));

        assertThat(listIds(Map.of("under", dist2)), containsInAnyOrder(dist2, msp, cust));
        assertThat(listIds(Map.of("under", dist)), contains(dist));
    }

    @Test
    void aMoveThatBreaksTheTypeRulesIsRefused() {
        String dist = top("DISTRIBUTOR");
        String msp = top("MSP");
        String cust = Api.tenant(token, Api.unique("Cust"), "CUSTOMER", msp);
        String pathBefore = node(cust).getString("path");

        assertProblem(move(cust, dist), 409, "hierarchy-rule");

        JsonPath after = node(cust);
        assertThat(after.getString("parentId"), equalTo(msp));
        assertThat(after.getString("path"), equalTo(pathBefore));
    }

    @Test
    void aMoveNextToASiblingOfTheSameNameInAnyCaseIsRefused() {
        String dist = top("DISTRIBUTOR");
        String dist2 = top("DISTRIBUTOR");
        String name = Api.unique("Acme");
        Api.tenant(token, name, "MSP", dist2);
        String other = Api.tenant(token, name.toUpperCase(), "MSP", dist);
        String pathBefore = node(other).getString("path");

        assertProblem(move(other, dist2), 409, "duplicate-name");

        JsonPath after = node(other);
        assertThat(after.getString("parentId"), equalTo(dist));
        assertThat(after.getString("path"), equalTo(pathBefore));
    }

    @Test
    void siblingNamesAreUniqueIgnoringCaseButMayRepeatUnderAnotherParent() {
        String msp = top("MSP");
        String msp2 = top("MSP");
        String name = Api.unique("Shop");
        String first = Api.tenant(token, name, "CUSTOMER", msp);

        assertProblem(create(name.toUpperCase(), "CUSTOMER", msp), 409, "duplicate-name");
        assertProblem(create(name, "CUSTOMER", msp), 409, "duplicate-name");
        assertThat(idsNamed(msp, name), contains(first));

        create(name, "CUSTOMER", msp2).then().statusCode(201).body("parentId", equalTo(msp2));
    }

    @Test
    void topLevelNamesAreUniqueIgnoringCaseToo() {
        String name = Api.unique("Top");
        String first = Api.tenant(token, name, "DISTRIBUTOR", null);

        assertProblem(create(name.toLowerCase(), "MSP", null), 409, "duplicate-name");
        assertThat(idsNamed(null, name), contains(first));
    }

    @Test
    void patchWithTheCurrentVersionSucceedsAndAStaleVersionIsRefused() {
        String id = top("MSP");
        Response read = as(token).get(TENANTS + "/" + id);
        long v0 = read.jsonPath().getLong("version");
        String etag = read.header("ETag");
        assertThat(etag, equalTo("\"" + v0 + "\""));
        String renamed = Api.unique("Renamed");

        Response patched = patch(id, etag, Map.of("name", renamed));
        patched.then().statusCode(200).body("name", equalTo(renamed));
        long v1 = patched.jsonPath().getLong("version");
        assertThat(v1, greaterThan(v0));
        assertThat(patched.header("ETag"), equalTo("\"" + v1 + "\""));

        assertProblem(patch(id, Long.toString(v0), Map.of("name", Api.unique("Lost"))), 412, "precondition-failed");
        JsonPath after = node(id);
        assertThat(after.getString("name"), equalTo(renamed));
        assertThat(after.getLong("version"), equalTo(v1));
    }

    @Test
    void patchWithoutIfMatchIsRefusedWith428() {
        String name = Api.unique("Keep");
        String id = Api.tenant(token, name, "MSP", null);

        assertProblem(as(token).body(Map.of("name", Api.unique("Lost"))).patch(TENANTS + "/" + id), 428,
                "precondition-required");

        assertThat(node(id).getString("name"), equalTo(name));
    }

    @Test
    void patchWithAnIfMatchThatIsNotAVersionIsRefusedWith400() {
        String name = Api.unique("Keep");
        String id = Api.tenant(token, name, "MSP", null);

        assertInvalidField(patch(id, "\"abc\"", Map.of("name", Api.unique("Lost"))), "If-Match");
        assertInvalidField(patch(id, "abc", Map.of("name", Api.unique("Lost"))), "If-Match");

        assertThat(node(id).getString("name"), equalTo(name));
    }

    @Test
    void deletingATenantWithChildrenIsRefusedAndLeavesThemIntact() {
        String msp = top("MSP");
        String cust = Api.tenant(token, Api.unique("Cust"), "CUSTOMER", msp);

        assertProblem(as(token).delete(TENANTS + "/" + msp), 409, "has-dependents");

        as(token).get(TENANTS + "/" + msp).then().statusCode(200);
        as(token).get(TENANTS + "/" + cust).then().statusCode(200).body("parentId", equalTo(msp));
    }

    @Test
    void deletingALeafRemovesIt() {
        String msp = top("MSP");
        String cust = Api.tenant(token, Api.unique("Cust"), "CUSTOMER", msp);

        as(token).delete(TENANTS + "/" + cust).then().statusCode(204);

        assertProblem(as(token).get(TENANTS + "/" + cust), 404, "not-found");
        assertThat(listIds(Map.of("under", msp)), contains(msp));
    }

    @Test
    void followingNextCursorVisitsEveryCustomerExactlyOnce() {
        String msp = top("MSP");
        Set<String> created = new HashSet<>();
        for (int i = 0; i < 7; i++) {
            created.add(Api.tenant(token, Api.unique("Cust" + i), "CUSTOMER", msp));
        }

        List<String> seen = new ArrayList<>();
        List<Integer> pageSizes = new ArrayList<>();
        String cursor = null;
        for (int pages = 0; pages < 10; pages++) {
            Map<String, Object> query = new HashMap<>(Map.of("under", msp, "type", "CUSTOMER", "limit", 3));
            if (cursor != null) {
                query.put("cursor", cursor);
            }
            JsonPath page = as(token).queryParams(query).get(TENANTS).then().statusCode(200).extract().jsonPath();
            List<String> ids = page.getList("items.id", String.class);
            assertThat(ids.size(), lessThanOrEqualTo(3));
            assertThat(page.getList("items.type", String.class), everyItem(equalTo("CUSTOMER")));
            seen.addAll(ids);
            pageSizes.add(ids.size());
            cursor = page.getString("nextCursor");
            if (cursor == null) {
                break;
            }
        }

        assertThat("the last page has no next cursor", cursor, nullValue());
        assertThat(pageSizes, contains(3, 3, 1));
        assertThat("no duplicates", new HashSet<>(seen).size(), equalTo(seen.size()));
        assertThat(new HashSet<>(seen), equalTo(created));
    }

    @Test
    void limitMustBeBetweenOneAnd500AndCursorMustBeOneWeGaveOut() {
        String msp = top("MSP");

        assertInvalidField(as(token).queryParam("under", msp).queryParam("limit", 0).get(TENANTS), "limit");
        assertInvalidField(as(token).queryParam("under", msp).queryParam("limit", 501).get(TENANTS), "limit");
        assertInvalidField(as(token).queryParam("under", msp).queryParam("cursor", "!!!").get(TENANTS), "cursor");

        as(token).queryParam("under", msp).queryParam("limit", 1).get(TENANTS).then().statusCode(200)
                .body("items.id", contains(msp));
        as(token).queryParam("under", msp).queryParam("limit", 500).get(TENANTS).then().statusCode(200)
                .body("items.id", contains(msp));
    }

    @Test
    void nameFilterMatchesPartOfTheNameIgnoringCase() {
        String msp = top("MSP");
        String tag = Api.unique("zebra").toLowerCase();
        String striped = Api.tenant(token, "The " + tag.toUpperCase() + " Shop", "CUSTOMER", msp);
        String stripedToo = Api.tenant(token, tag + "-annex", "CUSTOMER", msp);
        Api.tenant(token, Api.unique("Lion"), "CUSTOMER", msp);

        assertThat(listIds(Map.of("under", msp, "q", tag)), containsInAnyOrder(striped, stripedToo));
        assertThat(listIds(Map.of("under", msp, "q", "the " + tag)), contains(striped));
        assertThat(listIds(Map.of("under", msp, "q", "THE " + tag.toUpperCase() + " sHoP")), contains(striped));
        assertThat(listIds(Map.of("under", msp, "q", tag + "-nothing")), empty());
    }

    @Test
    void unknownTypeFilterIsRefusedNamingType() {
        String msp = top("MSP");

        assertInvalidField(as(token).queryParam("under", msp).queryParam("type", "BOGUS").get(TENANTS), "type");
    }

    // ---- helpers ----

    private Response create(String name, String type, String parentId) {
        Map<String, Object> body = new HashMap<>();
        body.put("name", name);
        body.put("type", type);
        body.put("parentId", parentId);
        return as(token).body(body).post(TENANTS);
    }

    private Response move(String id, String parentId) {
        Map<String, Object> body = new HashMap<>();
        body.put("parentId", parentId);
        return as(token).body(body).post(TENANTS + "/" + id + "/move");
    }

    private Response patch(String id, String ifMatch, Map<String, Object> body) {
        return as(token).header("If-Match", ifMatch).body(body).patch(TENANTS + "/" + id);
    }

    private String top(String type) {
        return Api.tenant(token, Api.unique(type), type, null);
    }

    /** A fresh node of {@code type}, with the shortest chain of ancestors the rules allow. */
    private String nodeOfType(String type) {
        return switch (type) {
            case "DISTRIBUTOR", "MSP_MANAGER", "MSP" -> top(type);
            case "MANAGED_MSP" -> Api.tenant(token, Api.unique(type), type, top("MSP_MANAGER"));
            case "CUSTOMER" -> Api.tenant(token, Api.unique(type), type, top("MSP"));
            default -> throw new IllegalArgumentException(type);
        };
    }

    private JsonPath node(String id) {
        return as(token).get(TENANTS + "/" + id).then().statusCode(200).extract().jsonPath();
    }

    private Map<String, String> paths(String... ids) {
        Map<String, String> paths = new LinkedHashMap<>();
        for (String id : ids) {
            String path = node(id).getString("path");
            assertThat(path, notNullValue());
            paths.put(id, path);
        }
        return paths;
    }

    private List<String> listIds(Map<String, ?> query) {
        return as(token).queryParams(query).queryParam("limit", 500).get(TENANTS)
                .then().statusCode(200).body("nextCursor", nullValue())
                .extract().jsonPath().getList("items.id", String.class);
    }

    /** Ids of nodes named (by substring) {@code name} in the subtree of {@code parentId}, or anywhere when null. */
    private List<String> idsNamed(String parentId, String name) {
        Map<String, Object> query = new HashMap<>();
        query.put("q", name);
        if (parentId != null) {
            query.put("under", parentId);
        }
        return listIds(query);
    }
}
