package io.palisade.group.dynamic;

import com.fasterxml.jackson.databind.JsonNode;
import io.palisade.events.AuditRecorded;
import io.palisade.group.common.GroupProblems;
import io.palisade.group.common.Json;
import io.palisade.group.dynamic.TemplateRepository.TemplateRow;
import io.palisade.group.dynamic.rule.RuleParser;
import io.palisade.group.dynamic.rule.RuleValidationException;
import io.palisade.group.groups.GroupRepository;
import io.palisade.group.groups.GroupRow;
import io.palisade.group.tree.TenantScope;
import io.palisade.kit.api.Ids;
import io.palisade.kit.api.Paging;
import io.palisade.kit.audit.AuditTrail;
import io.palisade.kit.outbox.Outbox;
import io.palisade.kit.problem.Problem;
import io.palisade.kit.problem.ProblemException;
import io.palisade.kit.scope.OperatorPrincipal;
import io.palisade.kit.scope.OperatorScope;
import io.palisade.kit.scope.Permissions;
import io.palisade.kit.scope.TreePaths;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Dynamic group templates: a rule owned by a tenant (null = the root), usable by dynamic groups in
 * its subtree. Changing a template recomputes every group that uses it.
 */
@ApplicationScoped
public class TemplateService {

    /** A template as the API shows it. */
    public record TemplateView(UUID id, String name, UUID tenantId, JsonNode rule, long version, Instant createdAt) {
        static TemplateView of(TemplateRow t) {
            return new TemplateView(t.id(), t.name(), t.tenantId(), Json.tree(t.rule()), t.version(), t.createdAt());
        }
    }

    private final Pool pool;
    private final TemplateRepository templates;
    private final GroupRepository groups;
    private final TenantScope tenantScope;
    private final MembershipEngine membership;
    private final OperatorScope scope;
    private final AuditTrail audit;
    private final Outbox outbox;

    public TemplateService(Pool pool, TemplateRepository templates, GroupRepository groups, TenantScope tenantScope,
                           MembershipEngine membership, OperatorScope scope, AuditTrail audit, Outbox outbox) {
        this.outbox = outbox;
        this.pool = pool;
        this.templates = templates;
        this.groups = groups;
        this.tenantScope = tenantScope;
        this.membership = membership;
        this.scope = scope;
        this.audit = audit;
    }

    public static ProblemException notFound() {
        return ProblemException.notFound("Template");
    }

    private Uni<TemplateRow> visible(SqlClient db, UUID id, String permission) {
        return templates.find(db, id).invoke(t -> scope.authorize(t == null ? null : t.tenantPath(), permission,
                TemplateService::notFound));
    }

    public Uni<TemplateView> get(UUID id) {
        return visible(pool, id, Permissions.GROUPS_READ).map(TemplateView::of);
    }

    public Uni<Paging.Page<TemplateView>> list(UUID tenantId, String cursor, int limit) {
        String after = Paging.decode(cursor);
        UUID afterId = after == null ? null : Ids.parse("cursor", after);
        return ownerPath(pool, tenantId, Permissions.GROUPS_READ)
                .chain(path -> templates.page(pool, path, afterId, limit + 1))
                .map(rows -> Paging.page(rows, limit, t -> t.id().toString(), TemplateView::of));
    }

    public Uni<TemplateView> create(String name, UUID tenantId, JsonNode rule) {
        OperatorPrincipal caller = scope.principal();
        JsonNode canonical = validate(rule);
        UUID id = UUID.randomUUID();
        return pool.withTransaction(db -> ownerPath(db, tenantId, Permissions.GROUPS_WRITE)
                .call(path -> templates.insert(db, id, name.trim(), tenantId, path, canonical))
                .call(path -> record(db, caller, "template.created", id, tenantId, path, "created " + name.trim()))
                .chain(path -> templates.find(db, id)))
                .map(TemplateView::of);
    }

    /** A template of a batch, as {@link #createAll} takes it. */
    public record NewTemplate(String name, UUID tenantId, JsonNode rule) {
    }

    /**
     * Creates many templates in one transaction (bulk imports), with the checks of {@link #create} for each: every rule
     * valid (problems named {@code templates[i].rule...}, all of them at once), every owner in the caller's scope with
     * {@code groups.write}, one audit entry per template. All or nothing; answers them in request order.
     */
    public Uni<List<TemplateView>> createAll(List<NewTemplate> requests) {
        OperatorPrincipal caller = scope.principal();
        List<Problem.FieldError> problems = new java.util.ArrayList<>();
        List<JsonNode> rules = new java.util.ArrayList<>(requests.size());
        for (int i = 0; i < requests.size(); i++) {
            try {
                rules.add(RuleParser.toJson(RuleParser.parse(requests.get(i).rule())));
            } catch (RuleValidationException e) {
                String prefix = "templates[" + i + "].";
                e.violations().forEach(v -> problems.add(new Problem.FieldError(prefix + v.path(), v.message())));
                rules.add(null);
            }
        }
        if (!problems.isEmpty()) {
            throw new ProblemException(GroupProblems.INVALID_RULE, "The batch has " + problems.size() + " rule problem(s)", problems, null);
        }
        // the owners, empty for the root: a Multi cannot carry null items
        Set<Optional<UUID>> owners = new LinkedHashSet<>();
        requests.forEach(r -> owners.add(Optional.ofNullable(r.tenantId())));
        return pool.withTransaction(db -> Multi.createFrom().iterable(owners)
                .onItem().transformToUniAndConcatenate(owner -> ownerPath(db, owner.orElse(null), Permissions.GROUPS_WRITE)
                        .map(path -> Map.entry(owner, path)))
                .collect().asMap(Map.Entry::getKey, Map.Entry::getValue)
                .chain(paths -> {
                    List<TemplateRow> rows = new java.util.ArrayList<>(requests.size());
                    List<Outbox.Pending> entries = new java.util.ArrayList<>(requests.size());
                    // the precision PostgreSQL stores, so that the answer is what a later read answers
                    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
                    for (int i = 0; i < requests.size(); i++) {
                        NewTemplate r = requests.get(i);
                        String path = paths.get(Optional.ofNullable(r.tenantId()));
                        TemplateRow row = new TemplateRow(UUID.randomUUID(), r.name().trim(), r.tenantId(), path,
                                Json.jsonb(rules.get(i)), 0, now);
                        rows.add(row);
                        entries.add(new Outbox.Pending(new AuditRecorded(now, caller.getName(), "template.created", "dynamic-template",
                                row.id().toString(), r.tenantId() == null ? null : r.tenantId().toString(), AuditTrail.SUCCESS,
                                "created " + row.name()), path));
                    }
                    return templates.insertAll(db, rows).chain(() -> outbox.publishAll(db, entries)).replaceWith(rows);
                }))
                .map(rows -> rows.stream().map(TemplateView::of).toList());
    }

    public Uni<TemplateView> update(UUID id, String name, JsonNode rule) {
        OperatorPrincipal caller = scope.principal();
        JsonNode canonical = validate(rule);
        return pool.withTransaction(db -> visible(db, id, Permissions.GROUPS_WRITE)
                .call(t -> templates.update(db, id, name.trim(), canonical))
                .invoke(t -> membership.forget(id))
                .call(t -> groups.usingTemplate(db, id).chain(users -> {
                    Uni<Void> chain = Uni.createFrom().voidItem();
                    for (GroupRow g : users) {
                        chain = chain.chain(() -> membership.recompute(db, g.id()));
                    }
                    return chain;
                }))
                .call(t -> record(db, caller, "template.updated", id, t.tenantId(), t.tenantPath(), "rule changed"))
                .chain(t -> templates.find(db, id)))
                .map(TemplateView::of);
    }

    public Uni<Void> delete(UUID id) {
        OperatorPrincipal caller = scope.principal();
        return pool.withTransaction(db -> visible(db, id, Permissions.GROUPS_WRITE)
                .call(t -> groups.usingTemplate(db, id).invoke(users -> {
                    if (!users.isEmpty()) {
                        throw new ProblemException(GroupProblems.IN_USE, users.size() + " dynamic group(s) still use this template");
                    }
                }))
                .call(t -> templates.delete(db, id))
                .invoke(t -> membership.forget(id))
                .call(t -> record(db, caller, "template.deleted", id, t.tenantId(), t.tenantPath(), "deleted " + t.name()))
                .replaceWithVoid());
    }

    /** The owner's path: a tenant in scope, or the root (root operators only). */
    private Uni<String> ownerPath(SqlClient db, UUID tenantId, String permission) {
        return tenantScope.subtreeRoot(db, tenantId, permission).invoke(path -> {
            if (tenantId == null && Permissions.GROUPS_WRITE.equals(permission) && !TreePaths.ROOT.equals(path)) {
                throw ProblemException.invalid("tenantId", "name the tenant that owns the template");
            }
        });
    }

    /** Parses the rule (400 naming every problem with its path) and answers its canonical form. */
    static JsonNode validate(JsonNode rule) {
        try {
            return RuleParser.toJson(RuleParser.parse(rule));
        } catch (RuleValidationException e) {
            List<Problem.FieldError> errors = e.violations().stream()
                    .map(v -> new Problem.FieldError(v.path(), v.message())).toList();
            throw new ProblemException(GroupProblems.INVALID_RULE, "The rule has " + errors.size() + " problem(s)", errors, null);
        }
    }

    private Uni<Void> record(SqlClient db, OperatorPrincipal caller, String action, UUID id, UUID tenantId, String path, String detail) {
        return audit.record(db, new AuditRecorded(Instant.now(), caller.getName(), action, "dynamic-template", id.toString(),
                tenantId == null ? null : tenantId.toString(), AuditTrail.SUCCESS, detail), path).replaceWithVoid();
    }

}
