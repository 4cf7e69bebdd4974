package io.palisade.tenant.common;

import io.palisade.kit.problem.ProblemType;

/** tenant-service's rows of the error table, beside the kit's {@code CommonProblems}. */
public final class TenantProblems {
    public static final ProblemType HIERARCHY_RULE = new ProblemType("hierarchy-rule", 409, "The MSP hierarchy does not allow this");
    public static final ProblemType DUPLICATE_NAME = new ProblemType("duplicate-name", 409, "The name is already taken");
    public static final ProblemType HAS_DEPENDENTS = new ProblemType("has-dependents", 409, "Other resources still depend on this one");
    public static final ProblemType INVALID_CREDENTIALS = new ProblemType("invalid-credentials", 401, "Sign-in failed");
    public static final ProblemType TOTP_REQUIRED = new ProblemType("totp-required", 401, "A TOTP code is required");
    public static final ProblemType INVALID_TOTP = new ProblemType("invalid-totp", 401, "The TOTP code is not valid");
    public static final ProblemType ACCOUNT_LOCKED = new ProblemType("account-locked", 429, "Too many failed sign-ins; try again later");
    public static final ProblemType PERMISSION_ESCALATION = new ProblemType("permission-escalation", 403, "You cannot grant permissions you do not hold");
    public static final ProblemType TOTP_STATE = new ProblemType("totp-state", 409, "TOTP is not in a state that allows this");

    private TenantProblems() {
    }
}
