package io.palisade.kit.problem;

import java.util.List;

/**
 * A domain failure that maps to one row of the error table. Services throw subclasses or instances
 * of it; the mapper turns it into {@code application/problem+json}. The detail is shown to the
 * caller, so it must never carry SQL, class names or data from outside the caller's scope.
 */
public class ProblemException extends RuntimeException {

    private final ProblemType type;
    private final List<Problem.FieldError> errors;
    private final Long retryAfterSeconds;

    public ProblemException(ProblemType type, String detail) {
        this(type, detail, List.of(), null);
    }

    public ProblemException(ProblemType type, String detail, List<Problem.FieldError> errors, Long retryAfterSeconds) {
        super(detail, null, false, false);
        this.type = type;
        this.errors = errors == null ? List.of() : List.copyOf(errors);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public static ProblemException notFound(String what) {
        return new ProblemException(CommonProblems.NOT_FOUND, what + " not found");
    }

    public static ProblemException invalid(String field, String message) {
        return new ProblemException(CommonProblems.INVALID_REQUEST, field + ": " + message,
                List.of(new Problem.FieldError(field, message)), null);
    }

    public static ProblemException conflict(String detail) {
        return new ProblemException(CommonProblems.CONFLICT, detail);
    }

    public static ProblemException forbidden(String detail) {
        return new ProblemException(CommonProblems.FORBIDDEN, detail);
    }

    public ProblemType type() {
        return type;
    }

    public List<Problem.FieldError> errors() {
        return errors;
    }

    public Long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    public Problem toProblem() {
        return Problem.of(type, getMessage(), errors);
    }
}
