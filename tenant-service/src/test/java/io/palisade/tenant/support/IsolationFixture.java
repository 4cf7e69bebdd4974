package io.palisade.tenant.support;

import static io.palisade.tenant.support.Api.as;

import io.restassured.response.Response;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One tree shared by the isolation tests, built once by the bootstrap admin:
 *
 * <pre>
 * mgr (MSP_MANAGER)                      opMgr (all permissions)
 * ├── mspA (MANAGED_MSP)                 opA (all), opAPeer (all), opLimited (operators.write/read, tenants.read)
 * │   ├── custA (CUSTOMER)               opCustA (tenants.read, operators.read, audit.read)
 * │   └── movableA (CUSTOMER)            a child of mspA that tests try to move out
 * └── mspB (MANAGED_MSP)                 opB (all), victimOperator (no sets), victimSet (unassigned)
 *     ├── custB (CUSTOMER)               opCustB
 *     └── victimTenant (CUSTOMER)        a leaf nothing depends on: deletable if scope were not checked
 * </pre>
 *
 * Every set is owned by the tenant its operators live at. Tokens are signed in once and reused.
 */
public final class IsolationFixture {

    public static final List<String> ALL_PERMISSIONS = List.of("tenants.read", "tenants.write", "operators.read",
            "operators.write", "groups.read", "groups.write", "devices.read", "devices.write", "installers.write",
            "tasks.write", "migrations.run", "audit.read");

    /** An operator created by the fixture. */
    public record Op(String id, String username, String token) {
    }

    public final String adminToken;
    public final String adminId;

    public final String mgr;
    public final String mspA;
    public final String mspB;
    public final String custA;
    public final String custB;
    public final String movableA;
    public final String victimTenant;
    public final String mspAPath;

    public final String setMgr;
    public final String setA;
    public final String setB;
    public final String setCustA;
    public final String setCustB;
    public final String setLimited;
    public final String victimSet;

    public final Op opMgr;
    public final Op opA;
    public final Op opAPeer;
    public final Op opLimited;
    public final Op opCustA;
    public final Op opB;
    public final Op opCustB;
    public final Op victimOperator;

    private IsolationFixture() {
        adminToken = Api.adminToken();
        adminId = subjectOf(adminToken);

        mgr = Api.tenant(adminToken, Api.unique("iso-mgr"), "MSP_MANAGER", null);
        mspA = Api.tenant(adminToken, Api.unique("iso-mspA"), "MANAGED_MSP", mgr);
        mspB = Api.tenant(adminToken, Api.unique("iso-mspB"), "MANAGED_MSP", mgr);
        custA = Api.tenant(adminToken, Api.unique("iso-custA"), "CUSTOMER", mspA);
        custB = Api.tenant(adminToken, Api.unique("iso-custB"), "CUSTOMER", mspB);
        movableA = Api.tenant(adminToken, Api.unique("iso-movableA"), "CUSTOMER", mspA);
        victimTenant = Api.tenant(adminToken, Api.unique("iso-victim"), "CUSTOMER", mspB);
        mspAPath = as(adminToken).get("/api/v1/tenants/" + mspA).then().statusCode(200).extract().path("path");

        setMgr = Api.permissionSet(adminToken, mgr, ALL_PERMISSIONS);
        setA = Api.permissionSet(adminToken, mspA, ALL_PERMISSIONS);
        setB = Api.permissionSet(adminToken, mspB, ALL_PERMISSIONS);
        setCustA = Api.permissionSet(adminToken, custA, List.of("tenants.read", "operators.read", "audit.read"));
        setCustB = Api.permissionSet(adminToken, custB, List.of("tenants.read", "operators.read", "audit.read"));
        setLimited = Api.permissionSet(adminToken, mspA, List.of("operators.write", "operators.read", "tenants.read"));
        victimSet = Api.permissionSet(adminToken, mspB, List.of("tenants.read"));

        opMgr = signedIn(mgr, setMgr);
        opA = signedIn(mspA, setA);
        opAPeer = signedIn(mspA, setA);
        opLimited = signedIn(mspA, setLimited);
        opCustA = signedIn(custA, setCustA);
        opB = signedIn(mspB, setB);
        opCustB = signedIn(custB, setCustB);
        victimOperator = created(mspB, List.of());
    }

    public static IsolationFixture get() {
        return Holder.INSTANCE;
    }

    private static final class Holder {
        static final IsolationFixture INSTANCE = new IsolationFixture();
    }

    /** Ids of the resources outside mspA's subtree that mspA's operator must never see. */
    public List<String> foreignToMspA() {
        return List.of(mgr, mspB, custB, victimTenant, setMgr, setB, setCustB, victimSet, opMgr.id(), opB.id(),
                opCustB.id(), victimOperator.id(), adminId);
    }

    /** Creates an operator (by the admin) at {@code home} with {@code setIds}, password {@link Api#PASSWORD}. */
    public Op created(String home, List<String> setIds) {
        String username = Api.unique("iso-op");
        Map<String, Object> body = new HashMap<>();
        body.put("username", username);
        body.put("password", Api.PASSWORD);
        body.put("homeTenantId", home);
        body.put("permissionSetIds", setIds);
        String id = as(adminToken).body(body).post("/api/v1/operators").then().statusCode(201).extract().path("id");
        return new Op(id, username, null);
    }

    private Op signedIn(String home, String setId) {
        Op op = created(home, List.of(setId));
        return new Op(op.id(), op.username(), Api.login(op.username(), Api.PASSWORD));
    }

    /** The admin's view of a resource, as a map, for before/after comparisons. */
    public Map<String, Object> adminRead(String path) {
        Response r = as(adminToken).get(path);
        r.then().statusCode(200);
        return r.jsonPath().getMap("$");
    }

    /** Every item of a paged list, following {@code nextCursor} (500 a page). */
    public static List<Map<String, Object>> allItems(String token, String path) {
        List<Map<String, Object>> items = new ArrayList<>();
        String cursor = null;
        do {
            var request = as(token).queryParam("limit", 500);
            if (cursor != null) {
                request.queryParam("cursor", cursor);
            }
            Response r = request.get(path);
            r.then().statusCode(200);
            items.addAll(r.jsonPath().getList("items"));
            cursor = r.jsonPath().getString("nextCursor");
        } while (cursor != null);
        return items;
    }

    /** Every page of a list, raw, so tests can search the bodies as sent. */
    public static List<String> allBodies(String token, String path) {
        List<String> bodies = new ArrayList<>();
        String cursor = null;
        do {
            var request = as(token).queryParam("limit", 500);
            if (cursor != null) {
                request.queryParam("cursor", cursor);
            }
            Response r = request.get(path);
            r.then().statusCode(200);
            bodies.add(r.asString());
            cursor = r.jsonPath().getString("nextCursor");
        } while (cursor != null);
        return bodies;
    }

    private static String subjectOf(String jwt) {
        String payload = new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]), StandardCharsets.UTF_8);
        var matcher = java.util.regex.Pattern.compile("\"sub\"\\s*:\\s*\"([^\"]+)\"").matcher(payload);
        if (!matcher.find()) {
            throw new IllegalStateException("token has no sub claim");
        }
        return matcher.group(1);
    }
}
