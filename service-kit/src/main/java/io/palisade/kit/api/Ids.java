package io.palisade.kit.api;

import io.palisade.kit.problem.ProblemException;
import java.util.UUID;

/** Parses ids from paths and query strings into 400s, never 500s. */
public final class Ids {

    private Ids() {
    }

    public static UUID parse(String field, String value) {
        if (value == null || value.length() != 36) {
            throw ProblemException.invalid(field, "must be a UUID");
        }
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            throw ProblemException.invalid(field, "must be a UUID");
        }
    }

    public static UUID parseOptional(String field, String value) {
        return value == null || value.isEmpty() ? null : parse(field, value);
    }
}
