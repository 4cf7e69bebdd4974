package io.palisade.kit.scope;

import java.security.Principal;
import java.util.Set;
import java.util.UUID;

/**
 * Who is calling, as the access token says: the operator, its home tenant (null at the root) and
 * that tenant's materialised path ("/" at the root), its permissions and how it signed in.
 *
 * @param enrolmentOnly true when the token may do nothing but enrol and activate TOTP
 */
public record OperatorPrincipal(UUID operatorId, String username, UUID homeTenantId, String homePath,
                                Set<String> permissions, Set<String> amr, boolean enrolmentOnly) implements Principal {

    public static final String ROOT_PATH = "/";

    @Override
    public String getName() {
        return operatorId.toString();
    }

    public boolean isRoot() {
        return ROOT_PATH.equals(homePath);
    }

    /** Whether a resource at {@code path} lies in this operator's subtree (its home included). */
    public boolean covers(String path) {
        return path != null && path.startsWith(homePath);
    }
}
