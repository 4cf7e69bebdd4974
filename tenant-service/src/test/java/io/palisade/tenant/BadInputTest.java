package io.palisade.tenant;

import static io.palisade.tenant.support.ProblemAssertions.assertInvalidField;
import static io.palisade.tenant.support.ProblemAssertions.assertInvalidFieldStartingWith;
import static io.palisade.tenant.support.ProblemAssertions.assertProblem;
import static io.restassured.RestAssured.given;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.palisade.tenant.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Hostile and clumsy input to the write endpoints and sign-in: every refusal is a 4xx
 * {@code application/problem+json} whose status matches, that names the bad field where there is one,
 * leaks no internals, and leaves nothing created or changed.
 */
@QuarkusTest
class BadInputTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CREATE_TENANT = "POST /api/v1/tenants";
    private static final String CREATE_OPERATOR = "POST /api/v1/operators";
    private static final String CREATE_PERMISSION_SET = "POST /api/v1/permission-sets";
    private static final String PATCH_TENANT = "PATCH /api/v1/tenants/{id}";
    private static final String LOGIN = "POST /api/v1/auth/login";

    private String token;

    @BeforeEach
    void signIn() {
        token = Api.adminToken();
    }

    static Stream<String> endpoints() {
        return Stream.of(CREATE_TENANT, CREATE_OPERATOR, CREATE_PERMISSION_SET, PATCH_TENANT, LOGIN);
    }

    static Stream<String> endpointsWithRequiredFields() {
        return Stream.of(CREATE_TENANT, CREATE_OPERATOR, CREATE_PERMISSION_SET, LOGIN);
    }

    static Stream<String> endpointsWithIdsInTheBody() {
        return Stream.of(CREATE_TENANT, CREATE_OPERATOR, CREATE_PERMISSION_SET);
    }

    static Stream<String> authenticatedEndpoints() {
        return Stream.of(CREATE_TENANT, CREATE_OPERATOR, CREATE_PERMISSION_SET, PATCH_TENANT);
    }

    /** Anchors the rest: the unmodified request of every endpoint succeeds, so each refusal below is caused by its one change. */
    @ParameterizedTest
    @MethodSource("endpoints")
    void theWellFormedRequestSucceeds(String endpoint) {
        Target t = target(endpoint);

        Response response = t.send(t.validBody());

        assertThat(response.asString(), response.statusCode(), equalTo(t.successStatus()));
    }

    @ParameterizedTest
    @MethodSource("endpoints")
    void truncatedJsonIsRefusedWith400(String endpoint) {
        Target t = target(endpoint);

        assertProblem(t.sendRaw(ContentType.JSON.toString(), "{\"" + t.nameField() + "\":"), 400);

        t.assertNothingChanged();
    }

    @ParameterizedTest
    @MethodSource("endpoints")
    void truncatedJsonIsAMalformedBody(String endpoint) {
        Target t = target(endpoint);

        assertProblem(t.sendRaw(ContentType.JSON.toString(), "{\"" + t.nameField() + "\":"), 400, "malformed-body");

        t.assertNothingChanged();
    }

    @ParameterizedTest
    @MethodSource("endpoints")
    void aJsonArrayInsteadOfAnObjectIsAMalformedBody(String endpoint) {
        Target t = target(endpoint);

        assertProblem(t.sendRaw(ContentType.JSON.toString(), "[" + json(t.validBody()) + "]"), 400, "malformed-body");

        t.assertNothingChanged();
    }

    /** Values Jackson cannot turn into the field's type (objects and arrays for text, numbers for ids, text for lists). */
    @ParameterizedTest
    @MethodSource("endpoints")
    void aValueOfTheWrongShapeIsRefusedNamingItsField(String endpoint) {
        Target t = target(endpoint);

        t.wrongShapes().forEach((field, value) -> assertInvalidField(t.send(t.with(field, value)), field));

        t.assertNothingChanged();
    }

    /** A number or boolean where text is expected is a client mistake, not a name (bodies are read strictly). */
    @Test
    void aNumberOrBooleanForATenantNameIsRefusedNamingName() {
        String parent = Api.tenant(token, Api.unique("Coerce"), "MSP", null);
        for (Object notText : new Object[] {42, 4.2, true}) {
            Map<String, Object> body = new HashMap<>(Map.of("name", notText, "type", "CUSTOMER", "parentId", parent));
            assertInvalidField(Api.as(token).body(body).post("/api/v1/tenants"), "name");
        }
        Api.as(token).queryParam("under", parent).queryParam("type", "CUSTOMER").get("/api/v1/tenants")
                .then().statusCode(200).body("items", org.hamcrest.Matchers.empty());
    }

    @Test
    void aNumberForATenantTypeIsRefusedNamingType() {
        Target t = target(CREATE_TENANT);

        assertInvalidField(t.send(t.with("type", 4)), "type");

        t.assertNothingChanged();
    }

    @ParameterizedTest
    @ValueSource(strings = {"EMPEROR", "customer", ""})
    void anUnknownTenantTypeIsRefusedNamingType(String type) {
        Target t = target(CREATE_TENANT);

        assertInvalidField(t.send(t.with("type", type)), "type");

        t.assertNothingChanged();
    }

    @Test
    void anUnknownPermissionIsRefusedNamingPermissions() {
        Target t = target(CREATE_PERMISSION_SET);

        assertInvalidField(t.send(t.with("permissions", List.of("tenants.read", "EMPEROR"))), "permissions");

        t.assertNothingChanged();
    }

    @ParameterizedTest
    @MethodSource("endpointsWithRequiredFields")
    void anEmptyObjectIsRefusedNamingEveryRequiredField(String endpoint) {
        Target t = target(endpoint);

        JsonPath problem = assertProblem(t.send(Map.of()), 400);

        assertThat(problem.getList("errors.field", String.class), containsInAnyOrder(t.required().toArray()));
        t.assertNothingChanged();
    }

    @ParameterizedTest
    @MethodSource("endpointsWithRequiredFields")
    void eachMissingRequiredFieldIsNamed(String endpoint) {
        Target t = target(endpoint);

        for (String field : t.required()) {
            assertInvalidField(t.send(t.without(field)), field);
        }

        t.assertNothingChanged();
    }

    @ParameterizedTest
    @MethodSource("endpoints")
    void aTenKilobyteNameIsRefusedNamingIt(String endpoint) {
        Target t = target(endpoint);

        assertInvalidField(t.send(t.with(t.nameField(), "n".repeat(10 * 1024))), t.nameField());

        t.assertNothingChanged();
    }

    @ParameterizedTest
    @MethodSource("endpoints")
    void aHundredKilobyteBodyIsRefusedWith413(String endpoint) {
        Target t = target(endpoint);

        assertProblem(t.send(t.with(t.nameField(), "n".repeat(100 * 1024))), 413, "payload-too-large");

        t.assertNothingChanged();
    }

    @ParameterizedTest
    @MethodSource("endpointsWithIdsInTheBody")
    void aBadUuidInTheBodyIsRefusedNamingItsField(String endpoint) {
        Target t = target(endpoint);

        t.idFields().forEach((field, value) -> assertInvalidFieldStartingWith(t.send(t.with(field, value)), field));

        t.assertNothingChanged();
    }

    @Test
    void aBadUuidInThePathIsRefusedNamingId() {
        Target t = target(PATCH_TENANT);
        Map<String, String> update = Map.of("name", Api.unique("Renamed"));

        assertInvalidField(Api.as(token).get("/api/v1/tenants/not-a-uuid"), "id");
        assertInvalidField(Api.as(token).header("If-Match", "0").body(update).patch("/api/v1/tenants/not-a-uuid"), "id");
        assertInvalidField(Api.as(token).delete("/api/v1/tenants/not-a-uuid"), "id");
        assertInvalidField(Api.as(token).body(Map.of("parentId", t.tenantId())).post("/api/v1/tenants/not-a-uuid/move"), "id");
        assertInvalidField(Api.as(token).get("/api/v1/operators/not-a-uuid"), "id");
        assertInvalidField(Api.as(token).get("/api/v1/permission-sets/not-a-uuid"), "id");
        assertInvalidField(Api.as(token).get("/api/v1/tenants/" + t.tenantId() + "x"), "id");

        t.assertNothingChanged();
    }

    @Test
    void aBadUuidInAQueryIsRefusedNamingTheParameter() {
        assertInvalidField(Api.as(token).queryParam("under", "not-a-uuid").get("/api/v1/tenants"), "under");
        assertInvalidField(Api.as(token).queryParam("under", "not-a-uuid").get("/api/v1/operators"), "under");
        assertInvalidField(Api.as(token).queryParam("tenantId", "not-a-uuid").get("/api/v1/permission-sets"), "tenantId");
    }

    /** What the service does today with {@code ?limit=abc}: a problem, never a failure. The 400 it should be is below. */
    @ParameterizedTest
    @ValueSource(strings = {"/api/v1/tenants", "/api/v1/operators", "/api/v1/permission-sets"})
    void aLimitThatIsNotANumberIsAnsweredWithAProblem(String list) {
        Response response = Api.as(token).queryParam("limit", "abc").get(list);

        assertProblem(response, response.statusCode());
        assertThat(response.statusCode(), not(equalTo(200)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/api/v1/tenants", "/api/v1/operators", "/api/v1/permission-sets"})
    void aLimitThatIsNotANumberIsRefusedNamingLimit(String list) {
        assertInvalidField(Api.as(token).queryParam("limit", "abc").get(list), "limit");
    }

    @ParameterizedTest
    @MethodSource("endpoints")
    void aBodyThatIsNotJsonIsRefusedWith415(String endpoint) {
        Target t = target(endpoint);

        assertProblem(t.sendRaw("text/plain", json(t.validBody())), 415, "unsupported-media-type");

        t.assertNothingChanged();
    }

    @ParameterizedTest
    @MethodSource("endpoints")
    void putIsNotAllowed(String endpoint) {
        Target t = target(endpoint);

        assertProblem(t.authorized().contentType(ContentType.JSON).body(t.validBody()).put(t.path()), 405, "method-not-allowed");

        t.assertNothingChanged();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/api/v1/nope", "/api/v1/tenants/" + "00000000-0000-0000-0000-000000000000/nope", "/api/v2/tenants"})
    void anUnknownRouteIsAProblem404(String path) {
        assertProblem(Api.as(token).get(path), 404, "not-found");
        assertProblem(Api.as(token).body(Map.of()).post(path), 404, "not-found");
        assertProblem(given().get(path), 404, "not-found");
    }

    @ParameterizedTest
    @MethodSource("authenticatedEndpoints")
    void withoutATokenTheAnswerIs401(String endpoint) {
        Target t = target(endpoint);

        assertProblem(t.withHeaders(Map.of()).send(t.validBody()), 401, "unauthorized");

        t.assertNothingChanged();
    }

    @ParameterizedTest
    @MethodSource("authenticatedEndpoints")
    void aGarbageTokenIsRefusedWith401(String endpoint) {
        Target t = target(endpoint);

        for (String garbage : List.of("garbage", "abc.def.ghi", "eyJhbGciOiJSUzI1NiJ9.e30.", "x".repeat(9000))) {
            assertProblem(t.withHeaders(bearer(garbage)).send(t.validBody()), 401, "unauthorized");
        }
        assertProblem(t.withHeaders(Map.of("Authorization", "Basic YWRtaW46dGVzdC1hZG1pbi1wYXNzd29yZC0x"))
                .send(t.validBody()), 401, "unauthorized");

        t.assertNothingChanged();
    }

    /** The admin's own claims and key id, signed by a key the service never issued. */
    @ParameterizedTest
    @MethodSource("authenticatedEndpoints")
    void aTokenSignedByAForeignKeyIsRefusedWith401(String endpoint) throws Exception {
        Target t = target(endpoint);
        RsaJsonWebKey foreignKey = RsaJwkGenerator.generateJwk(2048);
        JwtClaims claims = JwtClaims.parse(segment(token, 1));

        assertProblem(t.withHeaders(bearer(sign(claims, foreignKey, kid(token)))).send(t.validBody()), 401, "unauthorized");
        assertProblem(t.withHeaders(bearer(sign(claims, foreignKey, "forged-key"))).send(t.validBody()), 401, "unauthorized");

        t.assertNothingChanged();
    }

    @ParameterizedTest
    @MethodSource("authenticatedEndpoints")
    void anExpiredForgedTokenIsRefusedWith401(String endpoint) throws Exception {
        Target t = target(endpoint);
        JwtClaims claims = JwtClaims.parse(segment(token, 1));
        claims.setIssuedAt(NumericDate.fromSeconds(NumericDate.now().getValue() - 7200));
        claims.setExpirationTime(NumericDate.fromSeconds(NumericDate.now().getValue() - 3600));

        String expired = sign(claims, RsaJwkGenerator.generateJwk(2048), kid(token));
        assertProblem(t.withHeaders(bearer(expired)).send(t.validBody()), 401, "unauthorized");

        t.assertNothingChanged();
    }

    @ParameterizedTest
    @MethodSource("authenticatedEndpoints")
    void anUnsignedTokenIsRefusedWith401(String endpoint) throws Exception {
        Target t = target(endpoint);
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(segment(token, 1));
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.NONE);
        jws.setAlgorithmConstraints(AlgorithmConstraints.NO_CONSTRAINTS);
        jws.setKeyIdHeaderValue(kid(token));

        assertProblem(t.withHeaders(bearer(jws.getCompactSerialization())).send(t.validBody()), 401, "unauthorized");

        t.assertNothingChanged();
    }

    // ---- the endpoints under test ----

    /**
     * One endpoint with a fresh fixture: a well-formed request, the fields that matter, and a check that a refused
     * request left nothing behind.
     */
    private record Target(String method, String path, Map<String, String> headers, Map<String, Object> validBody,
                          int successStatus, String nameField, List<String> required, Map<String, Object> wrongShapes,
                          Map<String, Object> idFields, String tenantId, Runnable nothingChanged) {

        RequestSpecification authorized() {
            return given().headers(headers);
        }

        Response send(Object body) {
            return authorized().contentType(ContentType.JSON).body(body).request(method, path);
        }

        Response sendRaw(String contentType, String body) {
            return authorized().contentType(contentType).body(body.getBytes(StandardCharsets.UTF_8)).request(method, path);
        }

        Target withHeaders(Map<String, String> replaced) {
            Map<String, String> kept = new HashMap<>(replaced);
            headers.forEach((name, value) -> {
                if (!name.equals("Authorization")) {
                    kept.putIfAbsent(name, value);
                }
            });
            return new Target(method, path, kept, validBody, successStatus, nameField, required, wrongShapes, idFields,
                    tenantId, nothingChanged);
        }

        Map<String, Object> with(String field, Object value) {
            Map<String, Object> body = new LinkedHashMap<>(validBody);
            body.put(field, value);
            return body;
        }

        Map<String, Object> without(String field) {
            Map<String, Object> body = new LinkedHashMap<>(validBody);
            body.remove(field);
            return body;
        }

        void assertNothingChanged() {
            nothingChanged.run();
        }
    }

    private Target target(String endpoint) {
        Map<String, String> auth = bearer(token);
        String parent = Api.tenant(token, Api.unique("BadInput"), "MSP", null);
        return switch (endpoint) {
            case CREATE_TENANT -> {
                String name = Api.unique("Cust");
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("name", name);
                body.put("type", "CUSTOMER");
                body.put("parentId", parent);
                body.put("externalId", "ext-1");
                yield new Target("POST", "/api/v1/tenants", auth, body, 201, "name", List.of("name", "type"),
                        shapes("name", Map.of(), "type", List.of("CUSTOMER"), "parentId", 42, "externalId", Map.of()),
                        Map.of("parentId", "not-a-uuid"), parent,
                        () -> assertThat(tenantsNamed(name), empty()));
            }
            case CREATE_OPERATOR -> {
                String username = Api.unique("op");
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("username", username);
                body.put("password", Api.PASSWORD);
                body.put("homeTenantId", parent);
                body.put("permissionSetIds", List.of());
                yield new Target("POST", "/api/v1/operators", auth, body, 201, "username", List.of("password", "username"),
                        shapes("username", Map.of(), "password", List.of("x"), "homeTenantId", 42, "permissionSetIds", "x"),
                        Map.of("homeTenantId", "not-a-uuid", "permissionSetIds", List.of("not-a-uuid")), parent,
                        () -> assertThat(all("/api/v1/operators", "username"), not(hasItem(username))));
            }
            case CREATE_PERMISSION_SET -> {
                String name = Api.unique("set");
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("name", name);
                body.put("tenantId", parent);
                body.put("permissions", List.of("tenants.read"));
                yield new Target("POST", "/api/v1/permission-sets", auth, body, 201, "name", List.of("name", "permissions"),
                        shapes("name", Map.of(), "tenantId", 42, "permissions", "tenants.read"),
                        Map.of("tenantId", "not-a-uuid"), parent,
                        () -> assertThat(all("/api/v1/permission-sets", "name"), not(hasItem(name))));
            }
            case PATCH_TENANT -> {
                JsonPath before = Api.as(token).get("/api/v1/tenants/" + parent).then().statusCode(200).extract().jsonPath();
                Map<String, String> headers = new HashMap<>(auth);
                headers.put("If-Match", before.getString("version"));
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("name", Api.unique("Renamed"));
                body.put("externalId", "ext-2");
                yield new Target("PATCH", "/api/v1/tenants/" + parent, headers, body, 200, "name", List.of(),
                        shapes("name", Map.of(), "externalId", List.of("x")), Map.of(), parent,
                        () -> {
                            JsonPath after = Api.as(token).get("/api/v1/tenants/" + parent).then().statusCode(200)
                                    .extract().jsonPath();
                            assertThat(after.getString("name"), equalTo(before.getString("name")));
                            assertThat(after.getLong("version"), equalTo(before.getLong("version")));
                            assertThat(after.getString("externalId"), equalTo(before.getString("externalId")));
                        });
            }
            case LOGIN -> {
                // Only ever the right password for admin: a wrong one would count towards the lock-out.
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("username", "admin");
                body.put("password", Api.ADMIN_PASSWORD);
                yield new Target("POST", "/api/v1/auth/login", Map.of(), body, 200, "username", List.of("password", "username"),
                        shapes("username", Map.of(), "password", List.of("x"), "totp", Map.of()), Map.of(), parent,
                        () -> Api.adminToken());
            }
            default -> throw new IllegalArgumentException(endpoint);
        };
    }

    private static Map<String, Object> shapes(Object... fieldsAndValues) {
        Map<String, Object> shapes = new LinkedHashMap<>();
        for (int i = 0; i < fieldsAndValues.length; i += 2) {
            shapes.put((String) fieldsAndValues[i], fieldsAndValues[i + 1]);
        }
        return shapes;
    }

    private List<String> tenantsNamed(String name) {
        return Api.as(token).queryParam("q", name).queryParam("limit", 500).get("/api/v1/tenants")
                .then().statusCode(200).extract().jsonPath().getList("items.id", String.class);
    }

    /** One field of every item of a list the admin sees, following every cursor. */
    private List<String> all(String list, String field) {
        List<String> values = new ArrayList<>();
        String cursor = null;
        for (int pages = 0; pages < 1000; pages++) {
            RequestSpecification request = Api.as(token).queryParam("limit", 500);
            if (cursor != null) {
                request.queryParam("cursor", cursor);
            }
            JsonPath page = request.get(list).then().statusCode(200).extract().jsonPath();
            values.addAll(page.getList("items." + field, String.class));
            cursor = page.getString("nextCursor");
            if (cursor == null) {
                return values;
            }
        }
        throw new AssertionError("more than 1000 pages of " + list);
    }

    // ---- tokens ----

    private static Map<String, String> bearer(String token) {
        return Map.of("Authorization", "Bearer " + token);
    }

    private static String segment(String jwt, int index) {
        return new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[index]), StandardCharsets.UTF_8);
    }

    private static String kid(String jwt) throws JsonProcessingException {
        return JSON.readTree(segment(jwt, 0)).get("kid").asText();
    }

    private static String sign(JwtClaims claims, RsaJsonWebKey key, String kid) throws Exception {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setKey(key.getPrivateKey());
        jws.setKeyIdHeaderValue(kid);
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        return jws.getCompactSerialization();
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
