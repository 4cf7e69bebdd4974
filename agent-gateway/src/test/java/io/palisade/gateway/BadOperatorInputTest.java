package io.palisade.gateway;

import static io.palisade.gateway.support.World.as;
import static io.palisade.gateway.support.World.root;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.palisade.gateway.support.World;
import io.palisade.gateway.support.World.Installer;
import io.palisade.gateway.support.World.Tenant;
import io.palisade.kit.scope.Permissions;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Hostile and clumsy input to the gateway's operator API: every refusal is an RFC 9457
 * {@code application/problem+json} whose status matches the HTTP status, that names the bad field where
 * there is one, leaks no internals and is never a 5xx — and the customer's installers are exactly what
 * they were before (checked after every test).
 */
@QuarkusTest
class BadOperatorInputTest {

    private static final String INSTALLERS = "/api/v1/installers";
    private static final String PROBLEM_JSON = "application/problem+json";
    /** Text that must never reach a caller: class names, packages, SQL, stack frames. */
    private static final List<String> LEAKS = List.of("Exception", "java.", "org.", "io.palisade", "io.quarkus", "io.vertx",
            "com.fasterxml", "jackson", "SQL", "select ", "insert ", "update ", "postgres", "\tat ", "Caused by");
    private static final int MAX_BODY = 64 * 1024;

    private static Tenant msp;
    private static Tenant customer;
    private static Installer existing;

    private String op;
    private List<Map<String, Object>> before;

    @BeforeEach
    void world() {
        synchronized (BadOperatorInputTest.class) {
            if (customer == null) {
                msp = World.tenant("MSP", null);
                customer = World.customerUnder(msp);
                existing = World.installer(customer, 5);
            }
        }
        op = World.operatorWithAll(msp);
        before = installersOf(customer);
        assertThat(before).extracting(i -> i.get("id")).contains(existing.id().toString());
    }

    @AfterEach
    void nothingChanged() {
        assertThat(installersOf(customer)).as("the customer's installers after the bad requests").isEqualTo(before);
    }

    // ---- bodies ----

    private static String expires() {
        return Instant.now().plus(Duration.ofDays(1)).toString();
    }

    /** A well-formed creation body for the shared customer with one field's raw JSON replaced (null: left out). */
    private static String bodyWith(String field, String rawJson) {
        List<String> members = new ArrayList<>();
        for (String name : List.of("customerId", "expiresAt", "maxUses")) {
            String value = switch (name) {
                case "customerId" -> "\"" + customer.id() + "\"";
                case "expiresAt" -> "\"" + expires() + "\"";
                default -> "1";
            };
            if (name.equals(field)) {
                value = rawJson;
            }
            if (value != null) {
                members.add("\"" + name + "\": " + value);
            }
        }
        if (field != null && !List.of("customerId", "expiresAt", "maxUses").contains(field)) {
            members.add("\"" + field + "\": " + rawJson);
        }
        return "{" + String.join(", ", members) + "}";
    }

    private static String valid() {
        return bodyWith(null, null);
    }

    private Response post(String rawBody) {
        return as(op).body(rawBody).post(INSTALLERS);
    }

    static Stream<Arguments> malformedJson() {
        return Stream.of(
                arguments("an open brace", "{"),
                arguments("prose", "not json"),
                arguments("a member without value", "{\"customerId\": "),
                arguments("single quotes", "{'customerId': 'x'}"),
                arguments("unquoted names", "{customerId: 1}"),
                arguments("a trailing comma", "{\"maxUses\": 1,}"),
                arguments("a comment", "{/* hi */ \"maxUses\": 1}"),
                arguments("an array", "[]"),
                arguments("an array of bodies", "[{\"maxUses\": 1}]"),
                arguments("a number", "42"),
                arguments("a string", "\"text\""),
                arguments("a NUL byte", "\u0000"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedJson")
    void malformedJsonIsA400MalformedBody(String what, String body) {
        assertProblem(post(body), 400, "malformed-body");
    }

    static Stream<Arguments> brokenValues() {
        return Stream.of(
                arguments("an unterminated string", "{\"customerId\": \"abc"),
                arguments("an invalid escape", "{\"customerId\": \"\\uZZZZ\"}"),
                arguments("a control character", "{\"customerId\": \"a\u0001b\"}"));
    }

    /**
     * JSON broken inside a member's value: a 400 all the same. (Today the kit reports it as an invalid
     * {@code customerId} rather than as a malformed body, because Jackson wraps the parse failure in a
     * mapping failure with that path; either is a clear answer.)
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenValues")
    void jsonBrokenInsideAValueIsA400(String what, String body) {
        Response r = post(body);
        JsonPath problem = assertProblem(r, 400);
        if (problem.getString("type").endsWith("/invalid-request")) {
            assertThat(problem.getList("errors.field", String.class)).as(r.asString()).containsExactly("customerId");
        } else {
            assertThat(problem.getString("type")).as(r.asString()).endsWith("/malformed-body");
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"", "null", " "})
    void anEmptyOrNullBodyNamesTheBody(String body) {
        assertInvalidFields(post(body), "body");
    }

    static Stream<Arguments> wrongTypes() {
        return Stream.of(
                arguments("customerId", "123"), arguments("customerId", "true"), arguments("customerId", "{}"),
                arguments("customerId", "[]"), arguments("customerId", "[\"" + UUID.randomUUID() + "\"]"),
                arguments("expiresAt", "true"), arguments("expiresAt", "{}"), arguments("expiresAt", "[]"),
                arguments("maxUses", "\"x\""), arguments("maxUses", "true"), arguments("maxUses", "[1]"), arguments("maxUses", "{}"),
                arguments("maxUses", "2147483648"), arguments("maxUses", "1e30"), arguments("maxUses", "-2147483649"),
                arguments("staticGroupId", "\"nope\""), arguments("staticGroupId", "5"), arguments("staticGroupId", "{}"));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("wrongTypes")
    void aWrongTypeNamesItsField(String field, String rawJson) {
        assertInvalidFields(post(bodyWith(field, rawJson)), field);
    }

    @Test
    void missingFieldsAreNamedEveryOne() {
        assertInvalidFields(post("{}"), "customerId", "expiresAt", "maxUses");
        assertInvalidFields(post("{\"staticGroupId\": null}"), "customerId", "expiresAt", "maxUses");
        for (String field : List.of("customerId", "expiresAt", "maxUses")) {
            assertInvalidFields(post(bodyWith(field, null)), field);
            assertInvalidFields(post(bodyWith(field, "null")), field);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"nope", "", "123", "c750a95c-9dcf-442c-b0ff-ab0e527a685", "c750a95c-9dcf-442c-b0ff-ab0e527a6852x",
            "c750a95c9dcf442cb0ffab0e527a6852", "zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz", "../../etc/passwd", "' or 1=1 --"})
    void aCustomerIdThatIsNotAUuidIsNamed(String value) {
        assertInvalidFields(post(bodyWith("customerId", "\"" + value + "\"")), "customerId");
    }

    static Stream<Arguments> badExpiries() {
        Instant now = Instant.now();
        return Stream.of(
                arguments("an hour ago", "\"" + now.minus(Duration.ofHours(1)) + "\""),
                arguments("a year ago", "\"" + now.minus(Duration.ofDays(365)) + "\""),
                arguments("367 days ahead", "\"" + now.plus(Duration.ofDays(367)) + "\""),
                arguments("ten years ahead", "\"" + now.plus(Duration.ofDays(3650)) + "\""),
                arguments("not a date", "\"tomorrow\""),
                arguments("a date without time", "\"2030-01-01\""),
                arguments("month 13", "\"2030-13-45T00:00:00Z\""),
                arguments("a time only", "\"12:00:00\""),
                arguments("an empty string", "\"\""),
                arguments("the year 1970 as a number", "12345"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badExpiries")
    void aBadExpiryIsNamed(String what, String rawJson) {
        assertInvalidFields(post(bodyWith("expiresAt", rawJson)), "expiresAt");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"0", "-1", "2000000", "1000001", "\"x\"", "\"\"", "-2147483648"})
    void aBadMaxUsesIsNamed(String rawJson) {
        assertInvalidFields(post(bodyWith("maxUses", rawJson)), "maxUses");
    }

    @Test
    void severalBadFieldsAreNamedTogether() {
        JsonPath problem = assertInvalidFields(post("{\"maxUses\": null, \"expiresAt\": null}"), "customerId", "expiresAt", "maxUses");
        assertThat(problem.getString("detail")).contains("3");
    }

    /**
     * Fields the API does not know are ignored today (the kit's strict JSON refuses coercions, not unknown
     * members): the answer is a normal 201 and none of them reaches the installer — no chosen id, token,
     * use count, revocation or author. Uses a customer of its own, so the shared one stays unchanged.
     */
    @Test
    void unknownFieldsAreIgnoredAndAssignNothing() {
        Tenant other = World.customerUnder(msp);
        UUID chosenId = UUID.randomUUID();
        String body = "{\"customerId\": \"" + other.id() + "\", \"expiresAt\": \"" + expires() + "\", \"maxUses\": 3, "
                + "\"id\": \"" + chosenId + "\", \"token\": \"pit_chosen\", \"uses\": 3, \"revoked\": true, "
                + "\"revokedAt\": \"2020-01-01T00:00:00Z\", \"createdBy\": \"someone-else\", \"createdAt\": \"2020-01-01T00:00:00Z\", "
                + "\"enrollUrl\": \"https://evil.example/enroll\", \"caCertificatePem\": \"x\", \"tenantPath\": \"/\", "
                + "\"customerPath\": \"/\", \"color\": \"blue\"}";
        Response r = post(body);
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(201);
        JsonPath created = r.jsonPath();
        assertThat(created.getString("id")).isNotEqualTo(chosenId.toString());
        assertThat(created.getString("customerId")).isEqualTo(other.id().toString());
        assertThat(created.getString("token")).startsWith("pit_").isNotEqualTo("pit_chosen");
        assertThat(created.getInt("uses")).isZero();
        assertThat(created.getInt("maxUses")).isEqualTo(3);
        assertThat(created.getBoolean("revoked")).isFalse();
        assertThat(created.getMap("$")).doesNotContainKey("revokedAt");
        assertThat(created.getString("createdBy")).isNotEqualTo("someone-else");
        assertThat(Instant.parse(created.getString("createdAt"))).isAfter(Instant.now().minus(Duration.ofMinutes(5)));
        assertThat(created.getString("enrollUrl")).doesNotContain("evil").endsWith("/agent/v1/enroll");
        assertThat(created.getString("caCertificatePem")).startsWith("-----BEGIN CERTIFICATE-----");
        as(op).get(INSTALLERS + "/" + chosenId).then().statusCode(404);
        assertThat(installersOf(other)).hasSize(1);
    }

    /**
     * JSON with trailing content, duplicate members, or a fraction where a whole number belongs is refused
     * (the kit's {@code StrictJson}), and creates nothing.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"trailing text", "a second document", "a duplicate member", "a fractional maxUses"})
    void lenientJsonIsRefused(String what) {
        String body = switch (what) {
            case "trailing text" -> valid() + " trailing";
            case "a second document" -> valid() + " {}";
            case "a duplicate member" -> valid().replace("{", "{\"maxUses\": 1000000, ");
            default -> bodyWith("maxUses", "1.5");
        };
        Response r = post(body);
        assertProblem(r, 400);
        if (what.equals("a fractional maxUses")) {
            assertInvalidFields(r, "maxUses");
        }
    }

    // ---- size ----

    @Test
    void aBodyOverSixtyFourKibibytesIsA413() {
        String justRight = padded("{\"pad\": \"", MAX_BODY, "\"}");
        assertThat(justRight.getBytes(StandardCharsets.UTF_8)).hasSize(MAX_BODY);
        assertInvalidFields(post(justRight), "customerId", "expiresAt", "maxUses");

        String oneTooMany = padded("{\"pad\": \"", MAX_BODY + 1, "\"}");
        assertProblem(post(oneTooMany), 413, "payload-too-large");
        // a valid body made large by an unknown member: refused by its size, so nothing is created
        String validButLarge = "{\"pad\": \"" + "a".repeat(100 * 1024) + "\", " + valid().substring(1);
        assertProblem(post(validButLarge), 413, "payload-too-large");
        assertProblem(post(padded("{\"pad\": \"", 2 * 1024 * 1024, "\"}")), 413, "payload-too-large");
    }

    /**
     * A body sent without Content-Length (chunked) could be read past the limit before it is refused: the kit's
     * RequestGuards refuses it up front with 411, whatever its size, and nothing is created.
     */
    @Test
    void aChunkedBodyIsRefusedWithLengthRequired() throws Exception {
        String large = "{\"pad\": \"" + "a".repeat(100 * 1024) + "\", " + valid().substring(1);
        Raw r = raw("POST", INSTALLERS, "application/json", large, true);
        assertProblem(r.status(), r.contentType(), r.body(), 411, "length-required");
        Raw small = raw("POST", INSTALLERS, "application/json", valid(), true);
        assertProblem(small.status(), small.contentType(), small.body(), 411, "length-required");
    }

    /** An answer read with the JDK's client, for requests RestAssured will not send as they are. */
    record Raw(int status, String contentType, String body) {
    }

    private Raw raw(String method, String path, String contentType, String body, boolean chunked) throws Exception {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + RestAssured.port + path))
                .header("Authorization", "Bearer " + op).timeout(Duration.ofSeconds(30))
                .method(method, chunked ? HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes))
                        : HttpRequest.BodyPublishers.ofByteArray(bytes));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        HttpResponse<String> r = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                .send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        return new Raw(r.statusCode(), r.headers().firstValue("Content-Type").orElse(null), r.body());
    }

    private static String padded(String head, int totalBytes, String tail) {
        return head + "a".repeat(totalBytes - head.length() - tail.length()) + tail;
    }

    // ---- paths and queries ----

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"not-a-uuid", "123", "1-1-1-1-1", "zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz", "00000000-0000-0000-0000-00000000000",
            "00000000-0000-0000-0000-0000000000000", "null"})
    void aBadPathIdIsA400NamingTheId(String id) {
        RequestSpecification spec = as(op).urlEncodingEnabled(false);
        assertInvalidFields(spec.get(INSTALLERS + "/" + id), "id");
        assertInvalidFields(as(op).urlEncodingEnabled(false).delete(INSTALLERS + "/" + id), "id");
        assertInvalidFields(as(op).urlEncodingEnabled(false).post("/api/v1/devices/" + id + "/revoke"), "id");
    }

    static Stream<Arguments> badQueries() {
        return Stream.of(
                arguments("limit", "0"), arguments("limit", "501"), arguments("limit", "abc"), arguments("limit", "-1"),
                arguments("limit", "1.5"), arguments("limit", "99999999999"), arguments("limit", " "), arguments("limit", "0x10"),
                arguments("cursor", "garbage"), arguments("cursor", "%%"), arguments("cursor", "x".repeat(600)),
                arguments("cursor", "!!!!"), arguments("customerId", "nope"), arguments("customerId", "123"),
                arguments("customerId", "' or 1=1 --"));
    }

    @ParameterizedTest(name = "?{0}={1}")
    @MethodSource("badQueries")
    void aBadQueryParameterIsA400NamingIt(String name, String value) {
        assertInvalidFields(as(op).queryParam(name, value).get(INSTALLERS), name);
        if (!name.equals("customerId")) {
            assertInvalidFields(as(op).queryParam("customerId", customer.id()).queryParam(name, value).get(INSTALLERS), name);
        }
    }

    // ---- media types, routes, methods ----

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"text/plain", "application/xml", "application/x-www-form-urlencoded", "application/octet-stream",
            "multipart/form-data; boundary=x", "application/jsonp", "text/json", "application/json-patch+json"})
    void aBodyThatIsNotJsonIsA415(String contentType) throws Exception {
        Raw r = raw("POST", INSTALLERS, contentType, valid(), false);
        assertProblem(r.status(), r.contentType(), r.body(), 415, "unsupported-media-type");
    }

    /**
     * A body without any Content-Type header is refused by the kit's RequestGuards (RESTEasy Reactive alone
     * would match it to any {@code @Consumes} and read it as JSON).
     */
    @Test
    void aBodyWithoutContentTypeIsA415() throws Exception {
        Raw r = raw("POST", INSTALLERS, null, valid(), false);
        assertProblem(r.status(), r.contentType(), r.body(), 415, "unsupported-media-type");
    }

    @Test
    void askingForAnythingButJsonIsA406() {
        assertProblem(as(op).accept("application/xml").get(INSTALLERS), 406, "not-acceptable");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"GET /api/v1/nope", "GET /api/v2/installers", "GET /api/v1/installers/{id}/token",
            "POST /api/v1/installers/{id}/enroll", "GET /api/v1/devices/{id}", "GET /api/v1/devices", "GET /api/v1", "GET /api"})
    void anUnknownRouteIsA404Problem(String route) {
        String[] parts = route.replace("{id}", existing.id().toString()).split(" ");
        assertProblem(as(op).body("{}").request(parts[0], parts[1]), 404, "not-found");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"PUT /api/v1/installers", "DELETE /api/v1/installers", "PATCH /api/v1/installers",
            "PUT /api/v1/installers/{id}", "PATCH /api/v1/installers/{id}", "POST /api/v1/installers/{id}",
            "GET /api/v1/devices/{id}/revoke", "DELETE /api/v1/devices/{id}/revoke", "PUT /api/v1/devices/{id}/revoke"})
    void aWrongMethodIsA405Problem(String route) {
        String[] parts = route.replace("{id}", existing.id().toString()).split(" ");
        assertProblem(as(op).body(valid()).request(parts[0], parts[1]), 405, "method-not-allowed");
    }

    /** Bad input from an operator who may not issue installers is refused just the same and creates nothing. */
    @Test
    void badInputWithoutThePermissionCreatesNothingEither() {
        String weak = World.operator(msp, Permissions.DEVICES_READ);
        Response r = as(weak).body(bodyWith("maxUses", "0")).post(INSTALLERS);
        assertThat(r.statusCode()).isIn(400, 403);
        assertProblem(r, r.statusCode());
        assertProblem(as(weak).body(valid()).post(INSTALLERS), 403, "forbidden");
    }

    // ---- helpers ----

    /** All installers of a customer as the root sees them, every page. */
    private static List<Map<String, Object>> installersOf(Tenant tenant) {
        List<Map<String, Object>> items = new ArrayList<>();
        String cursor = null;
        do {
            RequestSpecification request = as(root()).queryParam("customerId", tenant.id()).queryParam("limit", 500);
            if (cursor != null) {
                request.queryParam("cursor", cursor);
            }
            Response page = request.get(INSTALLERS);
            assertThat(page.statusCode()).as(page.asString()).isEqualTo(200);
            items.addAll(page.jsonPath().getList("items"));
            cursor = page.jsonPath().getString("nextCursor");
        } while (cursor != null);
        return items;
    }

    /**
     * The answer is a problem with this HTTP status: problem+json with {@code type}, {@code title},
     * {@code status} (equal to the HTTP status) and {@code detail}, never a 5xx, nothing of the internals.
     */
    private static JsonPath assertProblem(Response r, int status) {
        return assertProblem(r.statusCode(), r.contentType(), r.asString(), status);
    }

    private static JsonPath assertProblem(Response r, int status, String slug) {
        return assertProblem(r.statusCode(), r.contentType(), r.asString(), status, slug);
    }

    private static JsonPath assertProblem(int actualStatus, String contentType, String body, int status) {
        String where = actualStatus + " " + body;
        assertThat(actualStatus).as(where).isLessThan(500).isEqualTo(status);
        assertThat(contentType).as(where).startsWith(PROBLEM_JSON);
        JsonPath json = JsonPath.from(body);
        assertThat(json.getInt("status")).as(where).isEqualTo(status);
        assertThat(json.getString("type")).as(where).startsWith("https://");
        assertThat(json.getString("title")).as(where).isNotBlank();
        assertThat(json.getString("detail")).as(where).isNotBlank();
        for (String leak : LEAKS) {
            assertThat(body).as(where).doesNotContainIgnoringCase(leak);
        }
        return json;
    }

    private static JsonPath assertProblem(int actualStatus, String contentType, String body, int status, String slug) {
        JsonPath json = assertProblem(actualStatus, contentType, body, status);
        assertThat(json.getString("type")).as(body).endsWith("/" + slug);
        return json;
    }

    /** A 400 invalid-request whose {@code errors} name exactly these fields, each with a message. */
    private static JsonPath assertInvalidFields(Response r, String... fields) {
        JsonPath json = assertProblem(r, 400, "invalid-request");
        List<Map<String, Object>> errors = json.getList("errors");
        assertThat(errors).as(r.asString()).isNotNull().isNotEmpty();
        assertThat(errors).extracting(e -> e.get("field")).as(r.asString()).containsExactlyInAnyOrder((Object[]) fields);
        assertThat(errors).allSatisfy(e -> assertThat((String) e.get("message")).isNotBlank());
        return json;
    }
}
