package io.palisade.tenant.permission;

import io.palisade.kit.audit.AuditTrail;
import io.palisade.kit.problem.Problem;
import io.palisade.kit.problem.ProblemException;
import io.palisade.kit.scope.OperatorPrincipal;
import io.palisade.kit.scope.OperatorScope;
import io.palisade.kit.scope.Permissions;
import io.palisade.kit.scope.TreePaths;
import io.palisade.tenant.audit.AuditLog;
import io.palisade.tenant.common.CommonPaths;
import io.palisade.kit.api.Paging;
import io.palisade.tenant.common.TenantProblems;
import io.palisade.tenant.hierarchy.TenantService;
import io.palisade.tenant.permission.PermissionSetDtos.CreatePermissionSet;
import io.palisade.tenant.permission.PermissionSetDtos.PermissionSetView;
import io.palisade.tenant.permission.PermissionSetDtos.UpdatePermissionSet;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

/**
 * Permission sets belong to a tenant and apply to operators in its subtree. An operator manages
 * only sets inside its scope and can put into a set only permissions it holds itself.
 */
@ApplicationScoped
public class PermissionSetService {

    private final PermissionSetRepository sets;
    private final TenantService tenants;
    private final CommonPaths paths;
    private final OperatorScope scope;
    private final AuditLog audit;

    public PermissionSetService(PermissionSetRepository sets, TenantService tenants, CommonPaths paths,
                                OperatorScope scope, AuditLog audit) {
        this.sets = sets;
        this.tenants = tenants;
        this.paths = paths;
        this.scope = scope;
        this.audit = audit;
    }

    public static ProblemException notFound() {
        return ProblemException.notFound("Permission set");
    }

    /** A set with its owner's path, when the caller may see it with {@code permission}. */
    public Uni<Owned> visible(UUID id, String permission) {
        return sets.findById(id).chain(set -> set == null
                ? Uni.createFrom().item(new Owned(null, null))
                : paths.ofTenant(set.tenantId).map(path -> new Owned(set, path)))
                .invoke(owned -> scope.authorize(owned.path(), permission, PermissionSetService::notFound));
    }

    /** A set and the path of the tenant that owns it. */
    public record Owned(PermissionSet set, String path) {
    }

    @WithSession
    public Uni<PermissionSetView> get(UUID id) {
        return visible(id, Permissions.OPERATORS_READ).map(o -> PermissionSetView.of(o.set()));
    }

    @WithSession
    public Uni<Paging.Page<PermissionSetView>> list(UUID tenantId, String cursor, int limit) {
        Uni<String> under = tenants.subtreeRoot(tenantId, Permissions.OPERATORS_READ);
        String after = Paging.decode(cursor);
        UUID afterId = after == null ? null : io.palisade.kit.api.Ids.parse("cursor", after);
        return under.chain(path -> sets.page(path, afterId, limit + 1))
                .map(rows -> Paging.page(rows, limit, s -> s.id.toString(), PermissionSetView::of));
    }

    @WithTransaction
    public Uni<PermissionSetView> create(CreatePermissionSet request) {
        OperatorPrincipal caller = scope.principal();
        return owner(request.tenantId()).chain(ownerPath -> {
            requireGrantable(request.permissions());
            return requireFreeName(request.tenantId(), request.name().trim(), null).chain(() -> {
                PermissionSet set = new PermissionSet();
                set.id = UUID.randomUUID();
                set.name = request.name().trim();
                set.tenantId = request.tenantId();
                set.setPermissions(request.permissions());
                set.createdAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
                return sets.persist(set)
                        .call(s -> audit.record(action(caller, "permission-set.created", s, ownerPath,
                                "created with " + s.permissions)));
            });
        }).map(PermissionSetView::of);
    }

    @WithTransaction
    public Uni<PermissionSetView> update(UUID id, UpdatePermissionSet request) {
        OperatorPrincipal caller = scope.principal();
        return visible(id, Permissions.OPERATORS_WRITE).chain(owned -> {
            PermissionSet set = owned.set();
            if (request.permissions() != null) {
                requireGrantable(request.permissions());
                requireGrantable(set.permissionList());
            }
            Uni<Void> nameCheck = request.name() == null || request.name().trim().equalsIgnoreCase(set.name)
                    ? Uni.createFrom().voidItem() : requireFreeName(set.tenantId, request.name().trim(), set.id);
            return nameCheck.chain(() -> {
                if (request.name() != null) {
                    set.name = request.name().trim();
                }
                if (request.permissions() != null) {
                    set.setPermissions(request.permissions());
                }
                return sets.flush();
            }).call(() -> audit.record(action(caller, "permission-set.updated", set, owned.path(),
                    "now " + set.name + " with " + set.permissions))).map(v -> PermissionSetView.of(set));
        });
    }

    @WithTransaction
    public Uni<Void> delete(UUID id) {
        OperatorPrincipal caller = scope.principal();
        return visible(id, Permissions.OPERATORS_WRITE).call(owned -> sets.countAssignments(owned.set().id).invoke(n -> {
            if (n > 0) {
                throw new ProblemException(TenantProblems.HAS_DEPENDENTS, "The permission set is still assigned to " + n + " operator(s)");
            }
        })).call(owned -> sets.delete(owned.set()))
                .call(owned -> audit.record(action(caller, "permission-set.deleted", owned.set(), owned.path(), "deleted " + owned.set().name)))
                .replaceWithVoid();
    }

    /** Checks that every permission is known and held by the caller (no escalation). */
    public void requireGrantable(Collection<String> permissions) {
        List<Problem.FieldError> unknown = new ArrayList<>();
        for (String p : permissions) {
            if (!Permissions.isKnown(p)) {
                unknown.add(new Problem.FieldError("permissions", "unknown permission " + truncate(p)));
            }
        }
        if (!unknown.isEmpty()) {
            throw new ProblemException(io.palisade.kit.problem.CommonProblems.INVALID_REQUEST,
                    "Unknown permissions; known are " + String.join(", ", Permissions.ALL), unknown, null);
        }
        OperatorPrincipal caller = scope.principal();
        List<String> missing = permissions.stream().filter(p -> !caller.permissions().contains(p)).sorted().toList();
        if (!missing.isEmpty()) {
            throw new ProblemException(TenantProblems.PERMISSION_ESCALATION, "You do not hold " + String.join(", ", missing));
        }
    }

    /** The path of a new set's owner: a tenant the caller may write operators in, or the root for root operators. */
    private Uni<String> owner(UUID tenantId) {
        if (tenantId == null) {
            return Uni.createFrom().item(() -> {
                scope.require(Permissions.OPERATORS_WRITE);
                if (!scope.principal().isRoot()) {
                    throw ProblemException.forbidden("Only root operators may create root permission sets");
                }
                return TreePaths.ROOT;
            });
        }
        return tenants.visible(tenantId, Permissions.OPERATORS_WRITE).map(t -> t.path);
    }

    private Uni<Void> requireFreeName(UUID tenantId, String name, UUID except) {
        return sets.nameTaken(tenantId, name, except).invoke(taken -> {
            if (taken) {
                throw new ProblemException(TenantProblems.DUPLICATE_NAME, "This tenant already has a permission set named " + name);
            }
        }).replaceWithVoid();
    }

    private static AuditLog.Action action(OperatorPrincipal caller, String action, PermissionSet set, String path, String detail) {
        return new AuditLog.Action(caller.getName(), action, "permission-set", set.id.toString(), set.tenantId, path,
                AuditTrail.SUCCESS, detail);
    }

    private static String truncate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }
}
