package io.palisade.tenant.support;

import static io.restassured.RestAssured.given;

import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Calls tenant-service the way a client does, for tests. */
public final class Api {

    public static final String ADMIN_PASSWORD = "test-admin-password-1";
    public static final String PASSWORD = "correct-horse-battery";

    private Api() {
    }

    public static String login(String username, String password) {
        return given().contentType(ContentType.JSON).body(Map.of("username", username, "password", password))
                .post("/api/v1/auth/login").then().statusCode(200).extract().path("accessToken");
    }

    public static String adminToken() {
        return login("admin", ADMIN_PASSWORD);
    }

    public static RequestSpecification as(String token) {
        return given().contentType(ContentType.JSON).header("Authorization", "Bearer " + token);
    }

    public static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Creates a tenant and answers its id. */
    public static String tenant(String token, String name, String type, String parentId) {
        var body = new java.util.HashMap<String, Object>();
        body.put("name", name);
        body.put("type", type);
        body.put("parentId", parentId);
        return as(token).body(body).post("/api/v1/tenants").then().statusCode(201).extract().path("id");
    }

    public static String permissionSet(String token, String tenantId, List<String> permissions) {
        var body = new java.util.HashMap<String, Object>();
        body.put("name", unique("set"));
        body.put("tenantId", tenantId);
        body.put("permissions", permissions);
        return as(token).body(body).post("/api/v1/permission-sets").then().statusCode(201).extract().path("id");
    }

    /** Creates an operator at {@code homeTenantId} with the given sets and answers its username. */
    public static String operator(String token, String homeTenantId, List<String> setIds) {
        String username = unique("op");
        var body = new java.util.HashMap<String, Object>();
        body.put("username", username);
        body.put("password", PASSWORD);
        body.put("homeTenantId", homeTenantId);
        body.put("permissionSetIds", setIds);
        as(token).body(body).post("/api/v1/operators").then().statusCode(201);
        return username;
    }

    public static Response get(String token, String path) {
        return as(token).get(path);
    }
}
