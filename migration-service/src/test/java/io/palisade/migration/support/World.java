package io.palisade.migration.support;

import static io.restassured.RestAssured.given;

import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * The real tenant-service and group-service, driven through their APIs: tenants, operators with real tokens,
 * and reads of the tree and the groups an apply produced.
 */
public final class World {

    public static final List<String> MIGRATOR = List.of("migrations.run", "tenants.read", "tenants.write", "groups.read",
            "groups.write", "devices.read", "devices.write");

    private World() {
    }

    public static String tenantUrl() {
        return ConfigProvider.getConfig().getValue("palisade.migration.tenant-service-url", String.class);
    }

    public static String groupUrl() {
        return ConfigProvider.getConfig().getValue("palisade.migration.group-service-url", String.class);
    }

    public static RequestSpecification tenantApi(String token) {
        return given().baseUri(tenantUrl()).contentType(ContentType.JSON).header("Authorization", "Bearer " + token);
    }

    public static RequestSpecification groupApi(String token) {
        return given().baseUri(groupUrl()).contentType(ContentType.JSON).header("Authorization", "Bearer " + token);
    }

    public static String login(String username, String password) {
        return given().baseUri(tenantUrl()).contentType(ContentType.JSON)
                .body(Map.of("username", username, "password", password))
                .post("/api/v1/auth/login").then().statusCode(200).extract().path("accessToken");
    }

    public static String admin() {
        return login("admin", MigrationTestResources.ADMIN_PASSWORD);
    }

    public static String unique(String name) {
        return name + " " + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Creates a tenant; returns its id. */
    public static String tenant(String token, String name, String type, String parentId) {
        Map<String, Object> body = new HashMap<>();
        body.put("name", name);
        body.put("type", type);
        body.put("parentId", parentId);
        return tenantApi(token).body(body).post("/api/v1/tenants").then().statusCode(201).extract().path("id");
    }

    /** An operator at {@code homeTenantId} with {@code permissions}; returns a token of it. */
    public static String operator(String admin, String homeTenantId, List<String> permissions) {
        String set = tenantApi(admin).body(Map.of("name", unique("set"), "tenantId", homeTenantId, "permissions", permissions))
                .post("/api/v1/permission-sets").then().statusCode(201).extract().path("id");
        String username = "op-" + UUID.randomUUID().toString().substring(0, 12);
        String password = "operator-password-1";
        tenantApi(admin).body(Map.of("username", username, "password", password, "homeTenantId", homeTenantId,
                "permissionSetIds", List.of(set))).post("/api/v1/operators").then().statusCode(201);
        return login(username, password);
    }

    /** The tenants strictly below {@code tenantId}. */
    public static List<Map<String, Object>> tenantsUnder(String token, String tenantId) {
        List<Map<String, Object>> out = new ArrayList<>(pages(tenantApi(token), "/api/v1/tenants?under=" + tenantId));
        out.removeIf(t -> tenantId.equals(t.get("id")));
        return out;
    }

    /** Every group in the subtree of the tenant's MSP-tree group, the group itself included. */
    public static List<Map<String, Object>> groupsOf(String token, String tenantId) {
        return pages(groupApi(token), "/api/v1/groups?tenantId=" + tenantId);
    }

    public static List<Map<String, Object>> devicesOf(String token, String tenantId) {
        return pages(groupApi(token), "/api/v1/devices?tenantId=" + tenantId);
    }

    public static List<Map<String, Object>> templatesOf(String token, String tenantId) {
        return pages(groupApi(token), "/api/v1/dynamic-templates?tenantId=" + tenantId);
    }

    private static List<Map<String, Object>> pages(RequestSpecification spec, String path) {
        List<Map<String, Object>> out = new ArrayList<>();
        String cursor = null;
        do {
            String url = path + "&limit=500" + (cursor == null ? "" : "&cursor=" + cursor);
            var body = given().spec(spec).get(url).then().statusCode(200).extract().jsonPath();
            out.addAll(body.getList("items"));
            cursor = body.getString("nextCursor");
        } while (cursor != null);
        return out;
    }
}
