package io.palisade.kit.problem;

/**
 * One row of the error table: a stable problem {@code type} (its slug ends the type URI), the HTTP
 * status and a human title. Services declare their rows as constants beside {@link CommonProblems}.
 */
public record ProblemType(String slug, int status, String title) {

    public static final String BASE_URI = "https://palisade.dev/problems/";

    public String uri() {
        return BASE_URI + slug;
    }
}
