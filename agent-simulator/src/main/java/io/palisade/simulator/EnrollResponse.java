package io.palisade.simulator;

import io.vertx.core.json.JsonObject;

/**
 * The answer to a successful enrolment (201).
 *
 * @param deviceId               the device's id (a UUID)
 * @param certificatePem         the client certificate issued for the CSR's key
 * @param caChainPem             the chain of the CA that issued it
 * @param checkInIntervalSeconds how often to check in
 */
public record EnrollResponse(String deviceId, String certificatePem, String caChainPem, int checkInIntervalSeconds) {

    /**
     * Reads the answer.
     *
     * @throws IllegalArgumentException naming the first missing field
     */
    public static EnrollResponse fromJson(JsonObject json) {
        String deviceId = required(json, "deviceId");
        String certificatePem = required(json, "certificatePem");
        String caChainPem = json.getString("caChainPem", "");
        Integer interval = json.getInteger("checkInIntervalSeconds");
        if (interval == null) {
            throw new IllegalArgumentException("the enrolment answer has no checkInIntervalSeconds");
        }
        return new EnrollResponse(deviceId, certificatePem, caChainPem, interval);
    }

    private static String required(JsonObject json, String field) {
        Object value = json.getValue(field);
        if (!(value instanceof String text) || text.isEmpty()) {
            throw new IllegalArgumentException("the enrolment answer has no " + field);
        }
        return text;
    }
}
