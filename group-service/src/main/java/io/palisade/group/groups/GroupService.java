package io.palisade.group.groups;

import io.palisade.events.AuditRecorded;
import io.palisade.group.common.GroupProblems;
import io.palisade.group.dynamic.MembershipEngine;
import io.palisade.group.dynamic.TemplateRepository;
import io.palisade.group.groups.GroupDtos.CreateGroup;
import io.palisade.group.groups.GroupDtos.GroupView;
import io.palisade.group.tree.TenantScope;
import io.palisade.kit.api.Paging;
import io.palisade.kit.audit.AuditTrail;
import io.palisade.kit.problem.ProblemException;
import io.palisade.kit.scope.OperatorPrincipal;
import io.palisade.kit.scope.OperatorScope;
import io.palisade.kit.scope.Permissions;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.UUID;

/**
 * Custom static and dynamic groups. Managed groups (the MSP tree) are changed only by tenant events;
 * every use case checks the caller's scope on every group it touches.
 */
@ApplicationScoped
public class GroupService {

    private final Pool pool;
    private final GroupRepository groups;
    private final TemplateRepository templates;
    private final TenantScope tenantScope;
    private final MembershipEngine membership;
    private final OperatorScope scope;
    private final AuditTrail audit;
    private final io.palisade.kit.outbox.Outbox outbox;

    public GroupService(Pool pool, GroupRepository groups, TemplateRepository templates, TenantScope tenantScope,
                        MembershipEngine membership, OperatorScope scope, AuditTrail audit, io.palisade.kit.outbox.Outbox outbox) {
        this.pool = pool;
        this.groups = groups;
        this.templates = templates;
        this.tenantScope = tenantScope;
        this.membership = membership;
        this.scope = scope;
        this.audit = audit;
        this.outbox = outbox;
    }

    public static ProblemException notFound() {
        return ProblemException.notFound("Group");
    }

    /** A group the caller may touch with {@code permission}; anything else is "not found". */
    public Uni<GroupRow> visible(SqlClient db, UUID id, String permission) {
        return groups.find(db, id).invoke(g -> scope.authorize(g == null ? null : g.tenantPath(), permission, GroupService::notFound));
    }

    public Uni<GroupView> get(UUID id) {
        return visible(pool, id, Permissions.GROUPS_READ).map(GroupView::of);
    }

    public Uni<Paging.Page<GroupView>> list(UUID tenantId, UUID parentId, String cursor, int limit) {
        String after = Paging.decode(cursor);
        Uni<String> root;
        if (parentId != null) {
            root = visible(pool, parentId, Permissions.GROUPS_READ).map(p -> scope.homePath());
        } else {
            root = tenantScope.subtreeRoot(pool, tenantId, Permissions.GROUPS_READ);
        }
        return root.chain(path -> groups.page(pool, path, parentId, after, limit + 1))
                .map(rows -> Paging.page(rows, limit, GroupRow::groupPath, GroupView::of));
    }

    public Uni<GroupView> create(CreateGroup request) {
        OperatorPrincipal caller = scope.principal();
        String name = request.name().trim();
        return pool.withTransaction(db -> visible(db, request.parentId(), Permissions.GROUPS_WRITE).chain(parent -> {
            if (parent.isStatic() && "LOST_AND_FOUND".equals(parent.systemRole())) {
                throw new ProblemException(GroupProblems.GROUP_RULE, "Lost & Found holds devices only");
            }
            if (request.kind() == GroupRow.Kind.STATIC && !parent.isStatic()) {
                throw new ProblemException(GroupProblems.GROUP_RULE, "A static group cannot sit under a dynamic group");
            }
            Uni<UUID> template = request.kind() == GroupRow.Kind.STATIC
                    ? Uni.createFrom().item(() -> {
                        if (request.templateId() != null) {
                            throw ProblemException.invalid("templateId", "only dynamic groups have a template");
                        }
                        return (UUID) null;
                    })
                    : usableTemplate(db, request.templateId(), parent.tenantPath());
            return template.chain(templateId -> requireFreeName(db, parent.id(), name, null).chain(() -> {
                UUID id = UUID.randomUUID();
                GroupRow group = new GroupRow(id, name, request.kind(), parent.id(), parent.tenantId(), parent.tenantPath(),
                        parent.groupPath() + id + "/", false, null, templateId, 0);
                return groups.insert(db, group)
                        .chain(() -> group.isStatic() ? Uni.createFrom().voidItem() : membership.recompute(db, id))
                        .chain(() -> record(db, caller, "group.created", group, "created " + group.kind() + " group " + name))
                        .replaceWith(group);
            }));
        })).map(GroupView::of);
    }

    /**
     * Creates many groups in one transaction, under parents that exist already, with the same checks as
     * {@link #create} for each (scope and permission on every parent, kinds, templates, unique sibling names — in the
     * store and within the batch) and one audit entry per group. All or nothing; failures name the entry
     * ({@code groups[i]...}).
     */
    public Uni<java.util.List<GroupView>> createAll(java.util.List<CreateGroup> requests) {
        OperatorPrincipal caller = scope.principal();
        java.util.Set<UUID> parentIds = new java.util.LinkedHashSet<>();
        requests.forEach(r -> parentIds.add(r.parentId()));
        return pool.withTransaction(db -> groups.findAll(db, parentIds).chain(found -> {
            java.util.Map<UUID, GroupRow> parents = new java.util.HashMap<>();
            found.forEach(p -> parents.put(p.id(), p));
            for (UUID id : parentIds) {
                GroupRow p = parents.get(id);
                scope.authorize(p == null ? null : p.tenantPath(), Permissions.GROUPS_WRITE, GroupService::notFound);
            }
            for (int i = 0; i < requests.size(); i++) {
                CreateGroup r = requests.get(i);
                GroupRow parent = parents.get(r.parentId());
                if (parent.isStatic() && "LOST_AND_FOUND".equals(parent.systemRole())) {
                    throw batchRule(i, "Lost & Found holds devices only");
                }
                if (r.kind() == GroupRow.Kind.STATIC && !parent.isStatic()) {
                    throw batchRule(i, "A static group cannot sit under a dynamic group");
                }
                if (r.kind() == GroupRow.Kind.STATIC && r.templateId() != null) {
                    throw ProblemException.invalid("groups[" + i + "].templateId", "only dynamic groups have a template");
                }
            }
            UUID[] templateIds = new UUID[requests.size()];
            return io.smallrye.mutiny.Multi.createFrom().range(0, requests.size())
                    .filter(i -> requests.get(i).kind() == GroupRow.Kind.DYNAMIC)
                    .onItem().transformToUniAndConcatenate(i -> usableTemplate(db, requests.get(i).templateId(),
                            parents.get(requests.get(i).parentId()).tenantPath()).invoke(t -> templateIds[i] = t))
                    .collect().asList()
                    .chain(ignored -> groups.childNames(db, parentIds).chain(taken -> {
                        java.util.List<GroupRow> rows = new java.util.ArrayList<>();
                        for (int i = 0; i < requests.size(); i++) {
                            CreateGroup r = requests.get(i);
                            GroupRow parent = parents.get(r.parentId());
                            String name = r.name().trim();
                            if (!taken.add(parent.id() + "/" + name.toLowerCase(java.util.Locale.ROOT))) {
                                throw new ProblemException(GroupProblems.DUPLICATE_NAME, "groups[" + i + "]: a sibling group is "
                                        + "already named " + name, java.util.List.of(new io.palisade.kit.problem.Problem.FieldError(
                                        "groups[" + i + "].name", "a sibling group is already named " + name)), null);
                            }
                            UUID id = UUID.randomUUID();
                            rows.add(new GroupRow(id, name, r.kind(), parent.id(), parent.tenantId(), parent.tenantPath(),
                                    parent.groupPath() + id + "/", false, null, templateIds[i], 0));
                        }
                        java.util.List<io.palisade.kit.outbox.Outbox.Pending> entries = new java.util.ArrayList<>();
                        for (GroupRow g : rows) {
                            entries.add(new io.palisade.kit.outbox.Outbox.Pending(new AuditRecorded(Instant.now(), caller.getName(),
                                    "group.created", "group", g.id().toString(), g.tenantId() == null ? null : g.tenantId().toString(),
                                    AuditTrail.SUCCESS, "created " + g.kind() + " group " + g.name()), g.tenantPath()));
                        }
                        return groups.insertAll(db, rows)
                                .chain(() -> io.smallrye.mutiny.Multi.createFrom().iterable(rows).filter(g -> !g.isStatic())
                                        .onItem().transformToUniAndConcatenate(g -> membership.recompute(db, g.id()))
                                        .collect().asList())
                                .chain(() -> outbox.publishAll(db, entries))
                                .replaceWith(rows);
                    }));
        })).map(rows -> rows.stream().map(GroupView::of).toList());
    }

    private static ProblemException batchRule(int index, String message) {
        return new ProblemException(GroupProblems.GROUP_RULE, "groups[" + index + "]: " + message);
    }

    public Uni<GroupView> rename(UUID id, String newName) {
        OperatorPrincipal caller = scope.principal();
        String name = newName.trim();
        return pool.withTransaction(db -> visible(db, id, Permissions.GROUPS_WRITE).chain(group -> {
            requireCustom(group);
            if (group.name().equals(name)) {
                return Uni.createFrom().item(group);
            }
            return requireFreeName(db, group.parentId(), name, group.id())
                    .chain(() -> groups.rename(db, id, name))
                    .chain(() -> record(db, caller, "group.renamed", group, "renamed from " + group.name()))
                    .chain(() -> groups.find(db, id));
        })).map(GroupView::of);
    }

    /**
     * Moves a custom group. Both ends must be in the caller's scope. A group that changes tenant takes the new
     * place's tenant with its subtree: allowed when every device in it belongs to that tenant's part of the tree and
     * every dynamic group in it uses a template usable there (a legacy group of one customer's devices moving under
     * that customer's group, say); otherwise it stays within its tenant's part of the tree.
     */
    public Uni<GroupView> move(UUID id, UUID newParentId) {
        OperatorPrincipal caller = scope.principal();
        return pool.withTransaction(db -> visible(db, id, Permissions.GROUPS_WRITE).chain(group -> {
            requireCustom(group);
            return visible(db, newParentId, Permissions.GROUPS_WRITE).chain(parent -> {
                if (parent.groupPath().startsWith(group.groupPath())) {
                    throw new ProblemException(GroupProblems.GROUP_RULE, "A group cannot move under itself or its own subgroups");
                }
                if (group.isStatic() && !parent.isStatic() || "LOST_AND_FOUND".equals(parent.systemRole())) {
                    throw new ProblemException(GroupProblems.GROUP_RULE, "A static group must sit under a static group other than Lost & Found");
                }
                if (parent.id().equals(group.parentId())) {
                    return Uni.createFrom().item(group);
                }
                boolean sameTenant = java.util.Objects.equals(parent.tenantId(), group.tenantId());
                Uni<Void> tenantCheck = sameTenant ? Uni.createFrom().voidItem()
                        : groups.boundOutside(db, group.groupPath(), parent.tenantPath())
                                .invoke(bound -> {
                                    if (bound) {
                                        throw new ProblemException(GroupProblems.GROUP_RULE, "A group with devices or dynamic "
                                                + "groups stays within its tenant's part of the tree (a device of another "
                                                + "tenant, or a template not usable there, is in it)");
                                    }
                                }).replaceWithVoid();
                return tenantCheck
                        .chain(() -> requireFreeName(db, parent.id(), group.name(), group.id()))
                        .chain(() -> groups.move(db, group, parent))
                        .chain(() -> sameTenant ? Uni.createFrom().voidItem()
                                : groups.retenantSubtree(db, parent.groupPath() + group.id() + "/", parent.tenantId(), parent.tenantPath()))
                        .chain(() -> group.isStatic() ? Uni.createFrom().voidItem() : membership.recompute(db, group.id()))
                        .chain(() -> record(db, caller, "group.moved", group, "moved under group " + parent.id()))
                        .chain(() -> groups.find(db, id));
            });
        })).map(GroupView::of);
    }

    /** Deletes a custom group with no devices and no subgroups (the vendor's rule). */
    public Uni<Void> delete(UUID id) {
        OperatorPrincipal caller = scope.principal();
        return pool.withTransaction(db -> visible(db, id, Permissions.GROUPS_WRITE).chain(group -> {
            requireCustom(group);
            return groups.hasChildren(db, id).chain(children -> {
                if (children) {
                    throw new ProblemException(GroupProblems.NOT_EMPTY, "The group still has subgroups");
                }
                return group.isStatic() ? groups.hasDevicesInSubtree(db, group.groupPath()) : Uni.createFrom().item(false);
            }).chain(devices -> {
                if (devices) {
                    throw new ProblemException(GroupProblems.NOT_EMPTY, "The group still has devices");
                }
                return groups.delete(db, id);
            }).chain(() -> record(db, caller, "group.deleted", group, "deleted " + group.name()));
        }));
    }

    /** A template the caller may use for a group at {@code groupTenantPath}: its owner's subtree holds that place. */
    private Uni<UUID> usableTemplate(SqlClient db, UUID templateId, String groupTenantPath) {
        if (templateId == null) {
            throw ProblemException.invalid("templateId", "a dynamic group needs a template");
        }
        return templates.find(db, templateId).map(t -> {
            scope.authorize(t == null ? null : t.tenantPath(), Permissions.GROUPS_READ, () -> ProblemException.notFound("Template"));
            if (!groupTenantPath.startsWith(t.tenantPath())) {
                throw new ProblemException(GroupProblems.GROUP_RULE, "The template belongs to another part of the tree");
            }
            return t.id();
        });
    }

    private Uni<Void> requireFreeName(SqlClient db, UUID parentId, String name, UUID except) {
        return groups.siblingNameTaken(db, parentId, name, except).invoke(taken -> {
            if (taken) {
                throw new ProblemException(GroupProblems.DUPLICATE_NAME, "A sibling group is already named " + name);
            }
        }).replaceWithVoid();
    }

    private static void requireCustom(GroupRow group) {
        if (group.managed()) {
            throw new ProblemException(GroupProblems.MANAGED_GROUP, "This group mirrors the MSP tree; change the tenant instead");
        }
    }

    private Uni<Void> record(SqlClient db, OperatorPrincipal caller, String action, GroupRow group, String detail) {
        return audit.record(db, new AuditRecorded(Instant.now(), caller.getName(), action, "group", group.id().toString(),
                group.tenantId() == null ? null : group.tenantId().toString(), AuditTrail.SUCCESS, detail), group.tenantPath())
                .replaceWithVoid();
    }
}
