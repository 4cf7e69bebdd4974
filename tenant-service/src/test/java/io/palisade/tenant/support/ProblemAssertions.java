package io.palisade.tenant.support;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsStringIgnoringCase;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;

import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.util.List;

/** Checks that an error answer is a well-formed RFC 9457 problem that leaks nothing of the implementation. */
public final class ProblemAssertions {

    public static final String PROBLEM_JSON = "application/problem+json";

    /** Text that must never reach a caller: class names, packages, SQL. */
    public static final List<String> LEAKS = List.of("Exception", "java.", "org.", "io.palisade", "SQL", "select ", "insert ");

    private ProblemAssertions() {
    }

    /**
     * Asserts the answer is a problem with this HTTP status: problem+json, {@code type}, {@code title} and a
     * {@code status} equal to the HTTP status, never 5xx, no leaked internals. Answers the parsed body.
     */
    public static JsonPath assertProblem(Response response, int status) {
        String body = response.asString();
        String where = response.statusCode() + " " + body;
        assertThat(where, response.statusCode(), lessThan(500));
        assertThat(where, response.statusCode(), equalTo(status));
        assertThat(where, response.contentType(), startsWith(PROBLEM_JSON));
        JsonPath json = JsonPath.from(body);
        assertThat(where, json.getInt("status"), equalTo(status));
        assertThat(where, json.getString("type"), allOf(notNullValue(), startsWith("https://")));
        assertThat(where, json.getString("title"), allOf(notNullValue(), not(equalTo(""))));
        for (String leak : LEAKS) {
            assertThat(where, body, not(containsStringIgnoringCase(leak)));
        }
        return json;
    }

    /** {@link #assertProblem} plus a {@code type} ending {@code /slug}. */
    public static JsonPath assertProblem(Response response, int status, String slug) {
        JsonPath json = assertProblem(response, status);
        assertThat(response.asString(), json.getString("type"), endsWith("/" + slug));
        return json;
    }

    /** {@link #assertProblem} for a 400 whose {@code errors} name {@code field}. */
    public static JsonPath assertInvalidField(Response response, String field) {
        JsonPath json = assertProblem(response, 400);
        List<String> fields = json.getList("errors.field", String.class);
        assertThat(response.asString(), fields, notNullValue());
        assertThat(response.asString(), fields, hasItem(field));
        return json;
    }

    /** {@link #assertProblem} for a 400 whose {@code errors} hold a field starting with {@code prefix}. */
    public static JsonPath assertInvalidFieldStartingWith(Response response, String prefix) {
        JsonPath json = assertProblem(response, 400);
        List<String> fields = json.getList("errors.field", String.class);
        assertThat(response.asString(), fields, notNullValue());
        assertThat(response.asString(), fields, hasItem(startsWith(prefix)));
        return json;
    }
}
