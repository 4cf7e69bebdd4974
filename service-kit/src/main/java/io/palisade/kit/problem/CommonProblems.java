package io.palisade.kit.problem;

/** The rows of the error table that every service shares. */
public final class CommonProblems {
    public static final ProblemType INVALID_REQUEST = new ProblemType("invalid-request", 400, "The request is invalid");
    public static final ProblemType MALFORMED_BODY = new ProblemType("malformed-body", 400, "The request body is not valid JSON of the expected shape");
    public static final ProblemType UNAUTHORIZED = new ProblemType("unauthorized", 401, "Authentication is required");
    public static final ProblemType FORBIDDEN = new ProblemType("forbidden", 403, "The operation is not permitted");
    public static final ProblemType NETWORK_NOT_ALLOWED = new ProblemType("network-not-allowed", 403, "The operator API is not reachable from this network");
    public static final ProblemType TOTP_ENROLMENT_REQUIRED = new ProblemType("totp-enrolment-required", 403, "Two-factor authentication must be enrolled first");
    public static final ProblemType AUTHORIZATION_NOT_CHECKED = new ProblemType("authorization-not-checked", 403, "The request was refused because its scope was never checked");
    public static final ProblemType NOT_FOUND = new ProblemType("not-found", 404, "Not found");
    public static final ProblemType METHOD_NOT_ALLOWED = new ProblemType("method-not-allowed", 405, "Method not allowed");
    public static final ProblemType NOT_ACCEPTABLE = new ProblemType("not-acceptable", 406, "No acceptable representation");
    public static final ProblemType CONFLICT = new ProblemType("conflict", 409, "The request conflicts with the current state");
    public static final ProblemType LENGTH_REQUIRED = new ProblemType("length-required", 411, "The body must be sent with a Content-Length");
    public static final ProblemType PRECONDITION_FAILED = new ProblemType("precondition-failed", 412, "The resource has changed since you read it");
    public static final ProblemType PAYLOAD_TOO_LARGE = new ProblemType("payload-too-large", 413, "The request body is too large");
    public static final ProblemType UNSUPPORTED_MEDIA_TYPE = new ProblemType("unsupported-media-type", 415, "Unsupported media type");
    public static final ProblemType PRECONDITION_REQUIRED = new ProblemType("precondition-required", 428, "An If-Match header is required");
    public static final ProblemType RATE_LIMITED = new ProblemType("rate-limited", 429, "Too many requests");
    public static final ProblemType INTERNAL = new ProblemType("internal", 500, "Internal error");
    public static final ProblemType UNAVAILABLE = new ProblemType("unavailable", 503, "Service unavailable");

    private CommonProblems() {
    }
}
