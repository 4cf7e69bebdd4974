package io.palisade.migration.common;

import io.palisade.kit.problem.ProblemType;

/** migration-service's rows of the error table, beside the kit's {@code CommonProblems}. */
public final class MigrationProblems {
    public static final ProblemType INVALID_EXPORT = new ProblemType("invalid-export", 400, "The export cannot be migrated");
    public static final ProblemType NOT_APPLICABLE = new ProblemType("migration-not-applicable", 409, "The migration is not in a state that allows this");
    public static final ProblemType ALREADY_RUNNING = new ProblemType("migration-running", 409, "The migration is being applied");

    private MigrationProblems() {
    }
}
