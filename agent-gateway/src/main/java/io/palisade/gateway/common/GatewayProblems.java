package io.palisade.gateway.common;

import io.palisade.kit.problem.ProblemType;

/** agent-gateway's rows of the error table, beside the kit's {@code CommonProblems}. */
public final class GatewayProblems {
    public static final ProblemType INVALID_TOKEN = new ProblemType("invalid-installer-token", 401, "The installer token cannot enrol");
    public static final ProblemType CLIENT_CERTIFICATE = new ProblemType("client-certificate-required", 401, "A valid device certificate is required");
    public static final ProblemType DEVICE_REVOKED = new ProblemType("device-revoked", 403, "The device has been revoked");
    public static final ProblemType INVALID_CSR = new ProblemType("invalid-csr", 400, "The certificate signing request is not acceptable");
    public static final ProblemType NOT_A_CUSTOMER = new ProblemType("not-a-customer", 409, "Installers are issued for customers only");

    private GatewayProblems() {
    }
}
