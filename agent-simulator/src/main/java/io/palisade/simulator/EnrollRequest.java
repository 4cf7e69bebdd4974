package io.palisade.simulator;

import io.vertx.core.json.JsonObject;

/**
 * The body of {@code POST /agent/v1/enroll}.
 *
 * @param token      the installer token
 * @param csrPem     a PKCS#10 certificate request in PEM, signed with the agent's new key
 * @param hostname   the device's host name
 * @param hardwareId a stable id of the machine; enrolling the same one again keeps the device id
 * @param os         the operating system
 */
public record EnrollRequest(String token, String csrPem, String hostname, String hardwareId, OsInfo os) {

    /** The JSON body. */
    public JsonObject toJson() {
        return new JsonObject()
                .put("token", token)
                .put("csrPem", csrPem)
                .put("hostname", hostname)
                .put("hardwareId", hardwareId)
                .put("os", os == null ? null : os.toJson());
    }
}
