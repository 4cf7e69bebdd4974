package io.palisade.kit.scope;

import io.palisade.kit.problem.CommonProblems;
import io.palisade.kit.problem.ProblemException;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.RequestScoped;
import java.util.function.Supplier;

/**
 * The caller's scope for one request. Every operator endpoint asks it before touching tenant data:
 * {@link #within} for "is this resource in my subtree" (404 when not, exactly like a missing one),
 * {@link #require} for "do I hold this permission" (403), or {@link #self} for actions on the caller's
 * own account. The {@link ScopeBackstop} refuses any operator request that finished without one of
 * them having run, so a forgotten check fails tests instead of leaking.
 */
@RequestScoped
public class OperatorScope {

    private final SecurityIdentity identity;
    private boolean checked;

    public OperatorScope(SecurityIdentity identity) {
        this.identity = identity;
    }

    public OperatorPrincipal principal() {
        if (identity.isAnonymous() || !(identity.getPrincipal() instanceof OperatorPrincipal p)) {
            throw new ProblemException(CommonProblems.UNAUTHORIZED, "A valid bearer token is required");
        }
        return p;
    }

    public boolean isOperatorRequest() {
        return !identity.isAnonymous() && identity.getPrincipal() instanceof OperatorPrincipal;
    }

    /**
     * Checks that the resource at {@code path} is inside the caller's subtree and that the caller holds
     * {@code permission}. Out of scope answers what {@code notFound} gives, never 403.
     */
    public void authorize(String path, String permission, Supplier<? extends RuntimeException> notFound) {
        within(path, notFound);
        require(permission);
    }

    /** Checks that the resource at {@code path} lies inside the caller's subtree. */
    public void within(String path, Supplier<? extends RuntimeException> notFound) {
        OperatorPrincipal p = active();
        if (!p.covers(path)) {
            throw notFound.get();
        }
    }

    /** Checks that the caller holds {@code permission}. */
    public void require(String permission) {
        OperatorPrincipal p = active();
        if (!p.permissions().contains(permission)) {
            throw ProblemException.forbidden("This operation needs the permission " + permission);
        }
    }

    /** Marks an action on the caller's own account as checked; allowed for enrolment-only tokens. */
    public OperatorPrincipal self() {
        OperatorPrincipal p = principal();
        checked = true;
        return p;
    }

    /** The path a subtree query is limited to: the caller's home path. */
    public String homePath() {
        return active().homePath();
    }

    public boolean wasChecked() {
        return checked;
    }

    private OperatorPrincipal active() {
        OperatorPrincipal p = principal();
        checked = true;
        if (p.enrolmentOnly()) {
            throw new ProblemException(CommonProblems.TOTP_ENROLMENT_REQUIRED,
                    "This installation requires two-factor authentication: enrol and activate TOTP, then sign in again");
        }
        return p;
    }
}
