package io.palisade.tenant.hierarchy;

import io.palisade.events.TenantEvents;
import io.palisade.kit.audit.AuditTrail;
import io.palisade.kit.outbox.Outbox;
import io.palisade.kit.problem.CommonProblems;
import io.palisade.kit.problem.ProblemException;
import io.palisade.kit.scope.OperatorPrincipal;
import io.palisade.kit.scope.OperatorScope;
import io.palisade.kit.scope.Permissions;
import io.palisade.kit.scope.TreePaths;
import io.palisade.tenant.audit.AuditLog;
import io.palisade.tenant.audit.AuditRepository;
import io.palisade.kit.api.Paging;
import io.palisade.tenant.common.TenantProblems;
import io.palisade.tenant.hierarchy.TenantDtos.CreateTenant;
import io.palisade.tenant.hierarchy.TenantDtos.TenantView;
import io.palisade.tenant.hierarchy.TenantDtos.UpdateTenant;
import io.palisade.tenant.operator.OperatorRepository;
import io.palisade.tenant.permission.PermissionSetRepository;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.palisade.kit.problem.Problem;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/** The use cases of the MSP tree. Every one checks the caller's scope before it reads or writes. */
@ApplicationScoped
public class TenantService {

    private final TenantRepository tenants;
    private final OperatorRepository operators;
    private final PermissionSetRepository permissionSets;
    private final AuditRepository auditEntries;
    private final OperatorScope scope;
    private final Outbox outbox;
    private final AuditLog audit;

    public TenantService(TenantRepository tenants, OperatorRepository operators, PermissionSetRepository permissionSets,
                         AuditRepository auditEntries, OperatorScope scope, Outbox outbox, AuditLog audit) {
        this.tenants = tenants;
        this.operators = operators;
        this.permissionSets = permissionSets;
        this.auditEntries = auditEntries;
        this.scope = scope;
        this.outbox = outbox;
        this.audit = audit;
    }

    public static ProblemException notFound() {
        return ProblemException.notFound("Tenant");
    }

    /** Loads a tenant the caller may see with {@code permission}; anything else is "not found". */
    public Uni<Tenant> visible(UUID id, String permission) {
        return tenants.findById(id).map(t -> {
            scope.authorize(t == null ? null : t.path, permission, TenantService::notFound);
            return t;
        });
    }

    /**
     * The root of a subtree query: the tenant {@code under} when the caller may see it with
     * {@code permission}, else "not found"; without {@code under}, the caller's home.
     */
    public Uni<String> subtreeRoot(UUID under, String permission) {
        if (under == null) {
            return Uni.createFrom().item(() -> {
                scope.require(permission);
                return scope.homePath();
            });
        }
        return visible(under, permission).map(t -> t.path);
    }

    @WithSession
    public Uni<TenantView> get(UUID id) {
        return visible(id, Permissions.TENANTS_READ).map(TenantView::of);
    }

    @WithSession
    public Uni<Paging.Page<TenantView>> list(UUID under, TenantType type, String q, String cursor, int limit) {
        Uni<String> root = subtreeRoot(under, Permissions.TENANTS_READ);
        String after = Paging.decode(cursor);
        return root.chain(path -> tenants.subtreePage(path, type, q, after, limit + 1))
                .map(rows -> Paging.page(rows, limit, t -> t.path, TenantView::of));
    }

    @WithTransaction
    public Uni<TenantView> create(CreateTenant request) {
        OperatorPrincipal caller = scope.principal();
        Uni<Tenant> parent = request.parentId() == null ? topLevel() : visible(request.parentId(), Permissions.TENANTS_WRITE);
        return parent.chain(p -> {
            TenantType parentType = p == null ? null : p.type;
            if (!TenantType.allowed(parentType, request.type())) {
                throw new ProblemException(TenantProblems.HIERARCHY_RULE, request.type() + " cannot be placed under "
                        + (p == null ? "the root" : p.type.toString()));
            }
            return requireFreeName(request.parentId(), request.name().trim(), null).chain(() -> {
                Tenant t = new Tenant();
                t.id = UUID.randomUUID();
                t.name = request.name().trim();
                t.type = request.type();
                t.parentId = p == null ? null : p.id;
                t.path = TreePaths.child(p == null ? TreePaths.ROOT : p.path, t.id);
                t.externalId = request.externalId();
                t.createdAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
                return tenants.persist(t);
            });
        }).call(t -> outbox.publish(new TenantEvents.Created(t.id.toString(), t.name, t.type.name(), str(t.parentId),
                        t.path, t.version, t.externalId), t.path))
                .call(t -> audit.record(action(caller, "tenant.created", t, "created " + t.type + " " + t.name)))
                .map(TenantView::of);
    }

    /**
     * Creates many tenants in one transaction (bulk imports), each under a parent that exists already, with the checks
     * of {@link #create} for each: the parent visible with {@code tenants.write} (top level: root operators only), the
     * hierarchy rules, a name no sibling has (in the store or earlier in the batch). Every tenant gets its event and
     * its audit entry. All or nothing; a failure names its entry ({@code tenants[i]...}); answers in request order.
     */
    @WithTransaction
    public Uni<List<TenantView>> createAll(List<CreateTenant> requests) {
        OperatorPrincipal caller = scope.principal();
        Set<UUID> parentIds = new LinkedHashSet<>();
        requests.forEach(r -> {
            if (r.parentId() != null) {
                parentIds.add(r.parentId());
            }
        });
        Uni<Void> topLevel = requests.stream().anyMatch(r -> r.parentId() == null) ? topLevel().replaceWithVoid()
                : Uni.createFrom().voidItem();
        return topLevel.chain(() -> parentIds.isEmpty() ? Uni.createFrom().item(List.<Tenant>of()) : tenants.list("id in ?1", parentIds))
                .chain(found -> {
                    Map<UUID, Tenant> parents = new HashMap<>();
                    found.forEach(p -> parents.put(p.id, p));
                    for (UUID id : parentIds) {
                        Tenant p = parents.get(id);
                        scope.authorize(p == null ? null : p.path, Permissions.TENANTS_WRITE, TenantService::notFound);
                    }
                    for (int i = 0; i < requests.size(); i++) {
                        CreateTenant r = requests.get(i);
                        Tenant p = r.parentId() == null ? null : parents.get(r.parentId());
                        if (!TenantType.allowed(p == null ? null : p.type, r.type())) {
                            throw new ProblemException(TenantProblems.HIERARCHY_RULE, "tenants[" + i + "]: " + r.type()
                                    + " cannot be placed under " + (p == null ? "the root" : p.type.toString()),
                                    List.of(new Problem.FieldError("tenants[" + i + "].type", "cannot be placed under "
                                            + (p == null ? "the root" : p.type.toString()))), null);
                        }
                    }
                    Set<String> names = new HashSet<>();
                    requests.forEach(r -> names.add(r.name().trim().toLowerCase()));
                    return tenants.childNames(parentIds, requests.stream().anyMatch(r -> r.parentId() == null), names).chain(taken -> {
                        List<Tenant> created = new ArrayList<>(requests.size());
                        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
                        for (int i = 0; i < requests.size(); i++) {
                            CreateTenant r = requests.get(i);
                            Tenant p = r.parentId() == null ? null : parents.get(r.parentId());
                            String name = r.name().trim();
                            if (!taken.add(r.parentId() + "/" + name.toLowerCase())) {
                                throw new ProblemException(TenantProblems.DUPLICATE_NAME, "tenants[" + i + "]: a sibling tenant is "
                                        + "already named " + name, List.of(new Problem.FieldError("tenants[" + i + "].name",
                                        "a sibling tenant is already named " + name)), null);
                            }
                            Tenant t = new Tenant();
                            t.id = UUID.randomUUID();
                            t.name = name;
                            t.type = r.type();
                            t.parentId = p == null ? null : p.id;
                            t.path = TreePaths.child(p == null ? TreePaths.ROOT : p.path, t.id);
                            t.externalId = r.externalId();
                            t.createdAt = now;
                            created.add(t);
                        }
                        return tenants.persist(created).chain(() -> tenants.flush())
                                .chain(() -> Multi.createFrom().iterable(created).onItem().transformToUniAndConcatenate(t -> outbox
                                                .publish(new TenantEvents.Created(t.id.toString(), t.name, t.type.name(), str(t.parentId),
                                                        t.path, t.version, t.externalId), t.path)
                                                .chain(() -> audit.record(action(caller, "tenant.created", t, "created " + t.type + " " + t.name))))
                                        .collect().last())
                                .replaceWith(created);
                    });
                })
                .map(created -> created.stream().map(TenantView::of).toList());
    }

    @WithTransaction
    public Uni<TenantView> update(UUID id, long expectedVersion, UpdateTenant request) {
        OperatorPrincipal caller = scope.principal();
        return visible(id, Permissions.TENANTS_WRITE).chain(t -> {
            if (t.version != expectedVersion) {
                throw new ProblemException(CommonProblems.PRECONDITION_FAILED,
                        "The tenant is at version " + t.version + ", not " + expectedVersion);
            }
            String previousName = t.name;
            String newName = request.name() == null ? t.name : request.name().trim();
            boolean renamed = !newName.equals(t.name);
            boolean changed = renamed || (request.externalId() != null && !request.externalId().equals(t.externalId));
            if (!changed) {
                return Uni.createFrom().item(TenantView.of(t));
            }
            Uni<Void> nameCheck = renamed && !newName.equalsIgnoreCase(t.name)
                    ? requireFreeName(t.parentId, newName, t.id) : Uni.createFrom().voidItem();
            return nameCheck.chain(() -> {
                t.name = newName;
                if (request.externalId() != null) {
                    t.externalId = request.externalId();
                }
                return tenants.flush();
            }).chain(() -> renamed
                    ? outbox.publish(new TenantEvents.Renamed(t.id.toString(), t.name, t.type.name(), str(t.parentId),
                            t.path, t.version, previousName), t.path).replaceWithVoid()
                    : Uni.createFrom().voidItem())
                    .chain(() -> audit.record(action(caller, renamed ? "tenant.renamed" : "tenant.updated", t,
                            renamed ? "renamed from " + previousName : "external id set")))
                    .map(v -> TenantView.of(t));
        });
    }

    @WithTransaction
    public Uni<TenantView> move(UUID id, UUID newParentId) {
        OperatorPrincipal caller = scope.principal();
        return visible(id, Permissions.TENANTS_WRITE).chain(t -> {
            Uni<Tenant> parent = newParentId == null ? topLevel() : visible(newParentId, Permissions.TENANTS_WRITE);
            return parent.chain(p -> {
                if (p != null && p.path.startsWith(t.path)) {
                    throw new ProblemException(TenantProblems.HIERARCHY_RULE, "A tenant cannot move under itself or its own descendants");
                }
                if (!TenantType.allowed(p == null ? null : p.type, t.type)) {
                    throw new ProblemException(TenantProblems.HIERARCHY_RULE, t.type + " cannot be placed under "
                            + (p == null ? "the root" : p.type.toString()));
                }
                if (Objects.equals(t.parentId, p == null ? null : p.id)) {
                    return Uni.createFrom().item(TenantView.of(t));
                }
                String oldPath = t.path;
                UUID oldParent = t.parentId;
                String newPath = TreePaths.child(p == null ? TreePaths.ROOT : p.path, t.id);
                return requireFreeName(p == null ? null : p.id, t.name, t.id)
                        .chain(() -> tenants.moveDescendants(oldPath, newPath))
                        .chain(() -> auditEntries.movePaths(oldPath, newPath))
                        .chain(() -> {
                            t.parentId = p == null ? null : p.id;
                            t.path = newPath;
                            return tenants.flush();
                        })
                        .chain(() -> outbox.publish(new TenantEvents.Moved(t.id.toString(), t.name, t.type.name(),
                                str(t.parentId), t.path, t.version, str(oldParent), oldPath), t.path))
                        .chain(() -> audit.record(action(caller, "tenant.moved", t,
                                p == null ? "moved to the top level" : "moved under tenant " + p.id)))
                        .map(v -> TenantView.of(t));
            });
        });
    }

    @WithTransaction
    public Uni<Void> delete(UUID id) {
        OperatorPrincipal caller = scope.principal();
        return visible(id, Permissions.TENANTS_WRITE)
                .call(t -> tenants.hasChildren(t.id).invoke(has -> {
                    if (has) {
                        throw new ProblemException(TenantProblems.HAS_DEPENDENTS, "The tenant still has child tenants");
                    }
                }))
                .call(t -> operators.countHomedAt(t.id).invoke(n -> {
                    if (n > 0) {
                        throw new ProblemException(TenantProblems.HAS_DEPENDENTS, "Operators still have this tenant as their home");
                    }
                }))
                .call(t -> permissionSets.countOwnedBy(t.id).invoke(n -> {
                    if (n > 0) {
                        throw new ProblemException(TenantProblems.HAS_DEPENDENTS, "Permission sets still belong to this tenant");
                    }
                }))
                .call(t -> tenants.delete(t))
                .call(t -> outbox.publish(new TenantEvents.Deleted(t.id.toString(), t.name, t.type.name(), str(t.parentId),
                        t.path, t.version), t.path))
                .call(t -> audit.record(action(caller, "tenant.deleted", t, "deleted " + t.type + " " + t.name)))
                .replaceWithVoid();
    }

    /** The root as a parent: only root operators may place tenants there. */
    private Uni<Tenant> topLevel() {
        return Uni.createFrom().item(() -> {
            scope.require(Permissions.TENANTS_WRITE);
            if (!scope.principal().isRoot()) {
                throw ProblemException.forbidden("Only root operators may create or move top-level tenants");
            }
            return null;
        });
    }

    private Uni<Void> requireFreeName(UUID parentId, String name, UUID except) {
        return tenants.siblingNameTaken(parentId, name, except).invoke(taken -> {
            if (taken) {
                throw new ProblemException(TenantProblems.DUPLICATE_NAME, "A sibling tenant is already named " + name);
            }
        }).replaceWithVoid();
    }

    private static AuditLog.Action action(OperatorPrincipal caller, String action, Tenant t, String detail) {
        return new AuditLog.Action(caller.getName(), action, "tenant", t.id.toString(), t.id, t.path, AuditTrail.SUCCESS, detail);
    }

    private static String str(UUID id) {
        return id == null ? null : id.toString();
    }
}
