package io.palisade.tenant;

import static io.palisade.tenant.support.Api.as;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import io.palisade.kit.testing.PalisadeTestResources;
import io.palisade.tenant.support.Api;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(PalisadeTestResources.class)
class SmokeTest {

    @Test
    void adminBuildsATree() {
        String token = Api.adminToken();
        String distributor = Api.tenant(token, Api.unique("Dist"), "DISTRIBUTOR", null);
        String msp = Api.tenant(token, Api.unique("MSP"), "MSP", distributor);
        String customer = Api.tenant(token, Api.unique("Cust"), "CUSTOMER", msp);
        as(token).get("/api/v1/tenants/" + customer).then().statusCode(200)
                .body("parentId", equalTo(msp))
                .body("path", equalTo("/" + distributor + "/" + msp + "/" + customer + "/"))
                .body("version", notNullValue());
    }
}
