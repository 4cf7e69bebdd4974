package io.palisade.e2e.support;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.palisade.local.demo.Totp;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.awaitility.Awaitility;

/**
 * An operator as a person at a console would act: signs in with a password, enrols TOTP with the enrolment-only
 * token the distributed configuration hands out, then signs in with codes from an authenticator (computed here per
 * RFC 6238). A code is accepted once, so a second sign-in waits for the next 30-second step.
 */
public final class Operator {

    private final Stack stack;
    private final String username;
    private final String password;
    private String token;
    private String totpSecret;
    private long lastStep = Long.MIN_VALUE;

    public Operator(Stack stack, String username, String password) {
        this.stack = stack;
        this.username = username;
        this.password = password;
    }

    public String username() {
        return username;
    }

    public String token() {
        return token;
    }

    /** The bare sign-in call. */
    public Response login(String code) {
        Map<String, Object> body = new HashMap<>();
        body.put("username", username);
        body.put("password", password);
        if (code != null) {
            body.put("totp", code);
        }
        return given().baseUri(stack.tenantUrl()).contentType(ContentType.JSON).body(body).post("/api/v1/auth/login");
    }

    /** Password only: in the distributed configuration, without TOTP, a token that can only enrol TOTP. */
    public String passwordOnlySignIn() {
        token = login(null).then().statusCode(200).extract().path("accessToken");
        return token;
    }

    /** Enrols and activates TOTP with the current token (an enrolment-only one will do), using the current code. */
    public void enrolTotp() {
        totpSecret = tenants().post("/api/v1/auth/totp/enroll").then().statusCode(200).extract().path("secret");
        long step = Totp.currentStep();
        tenants().body(Map.of("code", Totp.code(totpSecret, step))).post("/api/v1/auth/totp/activate").then()
                .statusCode(204);
        lastStep = step;
    }

    /** Signs in with password and the current code, after waiting for a step no code was used in yet. */
    public String signInWithTotp() {
        assertThat(totpSecret).as(username + " has enrolled TOTP").isNotNull();
        awaitFreshStep();
        long step = Totp.currentStep();
        token = login(Totp.code(totpSecret, step)).then().statusCode(200).extract().path("accessToken");
        lastStep = step;
        return token;
    }

    /** Waits (at most one step) until the clock reaches a step whose code was not used yet. */
    public void awaitFreshStep() {
        long used = lastStep;
        Awaitility.await(username + ": the next TOTP step")
                .atMost(Duration.ofSeconds(Totp.STEP_SECONDS + 5))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> Totp.currentStep() > used);
    }

    /** The step of the last code used. */
    public long lastStep() {
        return lastStep;
    }

    public String totpSecret() {
        return totpSecret;
    }

    public RequestSpecification tenants() {
        return at(stack.tenantUrl());
    }

    public RequestSpecification groups() {
        return at(stack.groupUrl());
    }

    public RequestSpecification gateway() {
        return at(stack.gatewayUrl());
    }

    private RequestSpecification at(String baseUrl) {
        RequestSpecification spec = given().baseUri(baseUrl).contentType(ContentType.JSON);
        return token == null ? spec : spec.header("Authorization", "Bearer " + token);
    }

    @Override
    public String toString() {
        return username;
    }
}
