package io.palisade.group.common;

import io.palisade.kit.problem.ProblemType;

/** group-service's rows of the error table, beside the kit's {@code CommonProblems}. */
public final class GroupProblems {
    public static final ProblemType MANAGED_GROUP = new ProblemType("managed-group", 409, "Groups of the MSP tree change only with the tenants they mirror");
    public static final ProblemType DUPLICATE_NAME = new ProblemType("duplicate-name", 409, "The name is already taken");
    public static final ProblemType NOT_EMPTY = new ProblemType("not-empty", 409, "The group still has devices or subgroups");
    public static final ProblemType GROUP_RULE = new ProblemType("group-rule", 409, "The group tree does not allow this");
    public static final ProblemType INVALID_RULE = new ProblemType("invalid-rule", 400, "The rule is not valid");
    public static final ProblemType IN_USE = new ProblemType("in-use", 409, "The resource is still in use");

    private GroupProblems() {
    }
}
