package io.palisade.tenant.auth;

import static io.palisade.tenant.support.Api.as;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.palisade.tenant.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** A TOTP code is accepted once, even when it arrives twenty times at the same moment. */
@QuarkusTest
class TotpReplayTest {

    @Test
    void twentyParallelSignInsWithOneCodeSucceedExactlyOnce() throws Exception {
        String admin = Api.adminToken();
        String msp = Api.tenant(admin, Api.unique("Replay MSP"), "MSP", null);
        String set = Api.permissionSet(admin, msp, List.of("tenants.read"));
        String username = Api.operator(admin, msp, List.of(set));
        String secret = enrolAndActivate(Api.login(username, Api.PASSWORD));

        String code = codeFor(secret, currentStep() + 1);
        int parallel = 20;
        ExecutorService pool = Executors.newFixedThreadPool(parallel);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Integer>> results = new ArrayList<>();
        for (int i = 0; i < parallel; i++) {
            Callable<Integer> attempt = () -> {
                start.await();
                return given().contentType(ContentType.JSON)
                        .body(Map.of("username", username, "password", Api.PASSWORD, "totp", code))
                        .post("/api/v1/auth/login").statusCode();
            };
            results.add(pool.submit(attempt));
        }
        start.countDown();
        int ok = 0;
        int refused = 0;
        for (Future<Integer> result : results) {
            int status = result.get();
            if (status == 200) {
                ok++;
            } else if (status == 401 || status == 429) {
                refused++; // a replay counts as a failed sign-in, so the account may lock meanwhile
            }
        }
        pool.shutdown();
        assertEquals(1, ok, "exactly one sign-in may use the code");
        assertEquals(parallel - 1, refused);
    }

    @Test
    void anActivationCodeCannotBeReusedToSignIn() {
        String admin = Api.adminToken();
        String msp = Api.tenant(admin, Api.unique("Replay MSP"), "MSP", null);
        String set = Api.permissionSet(admin, msp, List.of("tenants.read"));
        String username = Api.operator(admin, msp, List.of(set));
        String token = Api.login(username, Api.PASSWORD);
        String secret = as(token).post("/api/v1/auth/totp/enroll").then().statusCode(200).extract().path("secret");
        String code = codeFor(secret, currentStep());
        as(token).body(Map.of("code", code)).post("/api/v1/auth/totp/activate").then().statusCode(204);

        given().contentType(ContentType.JSON).body(Map.of("username", username, "password", Api.PASSWORD, "totp", code))
                .post("/api/v1/auth/login").then().statusCode(401)
                .body("type", org.hamcrest.Matchers.endsWith("/invalid-totp"));
        given().contentType(ContentType.JSON).body(Map.of("username", username, "password", Api.PASSWORD))
                .post("/api/v1/auth/login").then().statusCode(401)
                .body("type", org.hamcrest.Matchers.endsWith("/totp-required"));
        given().contentType(ContentType.JSON)
                .body(Map.of("username", username, "password", Api.PASSWORD, "totp", codeFor(secret, currentStep() + 1)))
                .post("/api/v1/auth/login").then().statusCode(200);
    }

    static String enrolAndActivate(String token) {
        String secret = as(token).post("/api/v1/auth/totp/enroll").then().statusCode(200).extract().path("secret");
        as(token).body(Map.of("code", codeFor(secret, currentStep() - 1))).post("/api/v1/auth/totp/activate")
                .then().statusCode(204);
        return secret;
    }

    static long currentStep() {
        return System.currentTimeMillis() / 1000 / Totp.STEP_SECONDS;
    }

    static String codeFor(String secret, long step) {
        return Totp.code(Totp.decodeBase32(secret), step, "HmacSHA1", Totp.DIGITS);
    }
}
