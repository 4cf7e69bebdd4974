package io.palisade.tenant.operator;

import io.palisade.kit.audit.AuditTrail;
import io.palisade.kit.problem.ProblemException;
import io.palisade.kit.scope.OperatorPrincipal;
import io.palisade.kit.scope.OperatorScope;
import io.palisade.kit.scope.Permissions;
import io.palisade.kit.scope.TreePaths;
import io.palisade.tenant.audit.AuditLog;
import io.palisade.tenant.common.CommonPaths;
import io.palisade.kit.api.Ids;
import io.palisade.kit.api.Paging;
import io.palisade.tenant.common.TenantProblems;
import io.palisade.tenant.hierarchy.TenantService;
import io.palisade.tenant.operator.OperatorDtos.CreateOperator;
import io.palisade.tenant.operator.OperatorDtos.OperatorView;
import io.palisade.tenant.permission.PermissionSet;
import io.palisade.tenant.permission.PermissionSetRepository;
import io.palisade.tenant.permission.PermissionSetService;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Operators live at a tenant and are managed by operators whose subtree holds that tenant. Granting
 * goes through permission sets, which must apply to the operator's home and hold only permissions
 * the granting operator has.
 */
@ApplicationScoped
public class OperatorService {

    private final OperatorRepository operators;
    private final PermissionSetRepository sets;
    private final PermissionSetService setService;
    private final TenantService tenants;
    private final CommonPaths paths;
    private final OperatorScope scope;
    private final AuditLog audit;

    public OperatorService(OperatorRepository operators, PermissionSetRepository sets, PermissionSetService setService,
                           TenantService tenants, CommonPaths paths, OperatorScope scope, AuditLog audit) {
        this.operators = operators;
        this.sets = sets;
        this.setService = setService;
        this.tenants = tenants;
        this.paths = paths;
        this.scope = scope;
        this.audit = audit;
    }

    public static ProblemException notFound() {
        return ProblemException.notFound("Operator");
    }

    /** An operator and its home path. */
    record Homed(Operator operator, String path) {
    }

    private Uni<Homed> visible(UUID id, String permission) {
        return operators.findById(id).chain(op -> op == null
                        ? Uni.createFrom().item(new Homed(null, null))
                        : paths.ofTenant(op.homeTenantId).map(path -> new Homed(op, path)))
                .invoke(h -> scope.authorize(h.path(), permission, OperatorService::notFound));
    }

    @WithSession
    public Uni<OperatorView> get(UUID id) {
        return visible(id, Permissions.OPERATORS_READ).map(h -> OperatorView.of(h.operator()));
    }

    @WithSession
    public Uni<Paging.Page<OperatorView>> list(UUID under, String cursor, int limit) {
        Uni<String> root = tenants.subtreeRoot(under, Permissions.OPERATORS_READ);
        String after = Paging.decode(cursor);
        UUID afterId = after == null ? null : Ids.parse("cursor", after);
        return root.chain(path -> operators.page(path, afterId, limit + 1))
                .map(rows -> Paging.page(rows, limit, o -> o.id.toString(), OperatorView::of));
    }

    /** Creates an operator; {@code passwordHash} was computed off the event loop by the caller. */
    @WithTransaction
    public Uni<OperatorView> create(CreateOperator request, String passwordHash) {
        OperatorPrincipal caller = scope.principal();
        Set<UUID> setIds = request.permissionSetIds() == null ? Set.of() : request.permissionSetIds();
        return home(request.homeTenantId())
                .call(homePath -> grantable(setIds, homePath))
                .call(homePath -> operators.findByUsername(request.username()).invoke(existing -> {
                    if (existing != null) {
                        throw new ProblemException(TenantProblems.DUPLICATE_NAME, "The username is taken");
                    }
                }))
                .chain(homePath -> {
                    Operator op = new Operator();
                    op.id = UUID.randomUUID();
                    op.username = request.username();
                    op.passwordHash = passwordHash;
                    op.homeTenantId = request.homeTenantId();
                    op.permissionSetIds = new HashSet<>(setIds);
                    op.createdAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
                    return operators.persist(op).call(o -> audit.record(action(caller, "operator.created", o, homePath,
                            "created " + o.username + " with sets " + setIds)));
                }).map(OperatorView::of);
    }

    /** Changes a password and/or the permission sets; {@code passwordHash} is null when unchanged. */
    @WithTransaction
    public Uni<OperatorView> update(UUID id, Set<UUID> permissionSetIds, String passwordHash) {
        OperatorPrincipal caller = scope.principal();
        return visible(id, Permissions.OPERATORS_WRITE).call(h -> requireNoMorePowerful(h.operator())).chain(h -> {
            Operator op = h.operator();
            Uni<Void> sets = permissionSetIds == null ? Uni.createFrom().voidItem()
                    : grantable(permissionSetIds, h.path()).invoke(() -> op.permissionSetIds = new HashSet<>(permissionSetIds));
            return sets.invoke(() -> {
                if (passwordHash != null) {
                    op.passwordHash = passwordHash;
                    op.failedAttempts = 0;
                    op.lockedUntil = null;
                }
            }).chain(() -> operators.flush())
                    .call(() -> audit.record(action(caller, "operator.updated", op, h.path(),
                            (passwordHash != null ? "password changed; " : "") + "sets " + op.permissionSetIds)))
                    .map(v -> OperatorView.of(op));
        });
    }

    @WithTransaction
    public Uni<Void> delete(UUID id) {
        OperatorPrincipal caller = scope.principal();
        return visible(id, Permissions.OPERATORS_WRITE).invoke(h -> {
            if (h.operator().id.equals(caller.operatorId())) {
                throw ProblemException.conflict("You cannot delete your own account");
            }
        }).call(h -> requireNoMorePowerful(h.operator()))
                .call(h -> operators.delete(h.operator()))
                .call(h -> audit.record(action(caller, "operator.deleted", h.operator(), h.path(), "deleted " + h.operator().username)))
                .replaceWithVoid();
    }

    /**
     * An operator may change or remove another only if it holds every permission the other holds;
     * otherwise resetting a password would take over a more powerful account.
     */
    private Uni<Void> requireNoMorePowerful(Operator target) {
        return sets.findByIds(target.permissionSetIds).invoke(found -> {
            Set<String> held = new HashSet<>();
            found.forEach(set -> held.addAll(set.permissionList()));
            setService.requireGrantable(held);
        }).replaceWithVoid();
    }

    /** The path of a new operator's home: a tenant in scope, or the root for root operators. */
    private Uni<String> home(UUID homeTenantId) {
        if (homeTenantId == null) {
            return Uni.createFrom().item(() -> {
                scope.require(Permissions.OPERATORS_WRITE);
                if (!scope.principal().isRoot()) {
                    throw ProblemException.forbidden("Only root operators may create root operators");
                }
                return TreePaths.ROOT;
            });
        }
        return tenants.visible(homeTenantId, Permissions.OPERATORS_WRITE).map(t -> t.path);
    }

    /**
     * Every set must be visible to the caller, apply to the operator's home (owned by it or an
     * ancestor) and hold only permissions the caller has.
     */
    private Uni<Void> grantable(Set<UUID> setIds, String homePath) {
        return sets.findByIds(setIds).chain(found -> {
            if (found.size() != setIds.size()) {
                throw PermissionSetService.notFound();
            }
            return checkEach(found, 0, homePath);
        });
    }

    private Uni<Void> checkEach(List<PermissionSet> found, int index, String homePath) {
        if (index == found.size()) {
            return Uni.createFrom().voidItem();
        }
        PermissionSet set = found.get(index);
        return paths.ofTenant(set.tenantId).chain(setPath -> {
            scope.within(setPath, PermissionSetService::notFound);
            if (!TreePaths.within(homePath, setPath)) {
                throw ProblemException.conflict("The permission set " + set.name + " does not apply to that home tenant");
            }
            setService.requireGrantable(set.permissionList());
            return checkEach(found, index + 1, homePath);
        });
    }

    private static AuditLog.Action action(OperatorPrincipal caller, String action, Operator op, String path, String detail) {
        return new AuditLog.Action(caller.getName(), action, "operator", op.id.toString(), op.homeTenantId, path,
                AuditTrail.SUCCESS, detail);
    }
}
