package io.palisade.kit.problem;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** An RFC 9457 problem details document. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, List<FieldError> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";

    public static Problem of(ProblemType type, String detail) {
        return new Problem(type.uri(), type.title(), type.status(), detail, null);
    }

    public static Problem of(ProblemType type, String detail, List<FieldError> errors) {
        return new Problem(type.uri(), type.title(), type.status(), detail, errors == null || errors.isEmpty() ? null : errors);
    }

    /** One invalid input: the JSON path or parameter name, and what is wrong with it. */
    public record FieldError(String field, String message) {
    }
}
