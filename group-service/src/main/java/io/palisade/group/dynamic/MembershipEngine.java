package io.palisade.group.dynamic;

import io.palisade.events.GroupEvents;
import io.palisade.group.dynamic.rule.DeviceFacts;
import io.palisade.group.dynamic.rule.Rule;
import io.palisade.group.dynamic.rule.RuleEvaluator;
import io.palisade.group.dynamic.rule.RuleParser;
import io.palisade.group.dynamic.rule.SqlCompiler;
import io.palisade.group.dynamic.rule.SqlPredicate;
import io.palisade.group.common.Json;
import io.palisade.group.groups.GroupRepository;
import io.palisade.group.groups.GroupRow;
import io.palisade.kit.outbox.Outbox;
import io.palisade.kit.scope.TreePaths;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps dynamic group membership current, two ways that must agree (a property test checks it):
 * <ul>
 * <li>full evaluation of one group — its rule compiled to one SQL predicate over the device table,
 *     within its parent's members — when a dynamic group is created or its template changes;</li>
 * <li>incremental evaluation of one device — its facts checked in memory against the dynamic groups
 *     that can contain it — when its inventory or its static group changes.</li>
 * </ul>
 * Every join and leave is published as {@code io.palisade.group.membership-changed.v1} through the
 * outbox, in the same transaction.
 */
@ApplicationScoped
public class MembershipEngine {

    /** A parsed rule, its in-memory form, and the template version it came from. */
    private record CachedRule(long version, Rule rule, java.util.function.Predicate<DeviceFacts> predicate) {
    }

    private final GroupRepository groups;
    private final Outbox outbox;
    private final java.util.Map<UUID, CachedRule> rules = new ConcurrentHashMap<>();

    public MembershipEngine(GroupRepository groups, Outbox outbox) {
        this.groups = groups;
        this.outbox = outbox;
    }

    /** Recomputes a dynamic group from scratch, then every dynamic group below it. */
    public Uni<Void> recompute(SqlClient db, UUID groupId) {
        return db.preparedQuery("""
                        select g.id, g.group_path, g.tenant_path, g.template_id, t.rule, t.version as rule_version,
                               p.kind as parent_kind, p.group_path as parent_path, p.id as parent_id
                        from group_node g join dynamic_template t on t.id = g.template_id
                        join group_node p on p.id = g.parent_id
                        where g.id = $1 and g.kind = 'DYNAMIC'""")
                .execute(Tuple.of(groupId))
                .chain(rows -> {
                    var it = rows.iterator();
                    if (!it.hasNext()) {
                        return Uni.createFrom().voidItem();
                    }
                    Row g = it.next();
                    Rule rule = rule(g.getUUID("template_id"), g.getLong("rule_version"), g.getValue("rule"));
                    boolean staticParent = "STATIC".equals(g.getString("parent_kind"));
                    SqlPredicate predicate = SqlCompiler.compile(rule, "d", staticParent ? 4 : 3);
                    String parentScope = staticParent
                            ? "d.static_group_id in (select id from group_node where kind = 'STATIC' and group_path >= $2 and group_path < $3)"
                            : "d.id in (select device_id from dynamic_membership where group_id = $2)";
                    String sql = predicate.sql();
                    List<Object> args = new ArrayList<>();
                    args.add(groupId);
                    if (staticParent) {
                        args.add(g.getString("parent_path"));
                        args.add(TreePaths.upperBound(g.getString("parent_path")));
                    } else {
                        args.add(g.getUUID("parent_id"));
                    }
                    args.addAll(predicate.parameters());
                    String diff = """
                            with target as (select d.id, d.tenant_path from device d where %s and %s),
                            joined as (insert into dynamic_membership (group_id, device_id)
                                       select $1, id from target on conflict do nothing returning device_id),
                            left_ as (delete from dynamic_membership m where m.group_id = $1
                                      and not exists (select 1 from target t where t.id = m.device_id) returning device_id)
                            select 'JOINED' as change, j.device_id, d.tenant_path from joined j join device d on d.id = j.device_id
                            union all
                            select 'LEFT', l.device_id, d.tenant_path from left_ l join device d on d.id = l.device_id"""
                            .formatted(parentScope, sql);
                    return db.preparedQuery(diff).execute(Tuple.from(args)).chain(changes -> {
                        List<Outbox.Pending> events = new ArrayList<>();
                        for (Row c : changes) {
                            events.add(new Outbox.Pending(new GroupEvents.MembershipChanged(c.getUUID("device_id").toString(),
                                    groupId.toString(), c.getString("change")), c.getString("tenant_path")));
                        }
                        return outbox.publishAll(db, events);
                    });
                })
                .chain(() -> groups.dynamicChildren(db, groupId))
                .chain(children -> {
                    Uni<Void> chain = Uni.createFrom().voidItem();
                    for (GroupRow child : children) {
                        chain = chain.chain(() -> recompute(db, child.id()));
                    }
                    return chain;
                });
    }

    /** Re-evaluates one device against every dynamic group that could contain it, reading its facts first. */
    public Uni<Void> reevaluate(SqlClient db, UUID deviceId) {
        return db.preparedQuery("""
                        select d.tenant_path, d.inventory, g.group_path as static_path
                        from device d join group_node g on g.id = d.static_group_id where d.id = $1""")
                .execute(Tuple.of(deviceId))
                .chain(rows -> {
                    var it = rows.iterator();
                    if (!it.hasNext()) {
                        return Uni.createFrom().voidItem();
                    }
                    Row device = it.next();
                    return reevaluate(db, deviceId, device.getString("tenant_path"), device.getString("static_path"),
                            DeviceFacts.from(Json.tree(device.getValue("inventory"))));
                });
    }

    /**
     * Re-evaluates one device whose place and facts the caller already has (the inventory path just
     * wrote them), so the hot path reads nothing twice.
     */
    public Uni<Void> reevaluate(SqlClient db, UUID deviceId, String tenantPath, String staticPath, DeviceFacts facts) {
        return candidates(db, tenantPath).chain(candidates -> current(db, deviceId).chain(before -> {
            Set<UUID> after = new HashSet<>();
            for (Row g : candidates) {
                boolean inParent = "STATIC".equals(g.getString("parent_kind"))
                        ? staticPath.startsWith(g.getString("parent_path"))
                        : after.contains(g.getUUID("parent_id"));
                if (inParent && cached(g.getUUID("template_id"), g.getLong("rule_version"), g.getValue("rule"))
                        .predicate().test(facts)) {
                    after.add(g.getUUID("id"));
                }
            }
            return apply(db, deviceId, tenantPath, before, after);
        }));
    }

    /** Dynamic groups whose tenant is the device's tenant or an ancestor of it, parents before children. */
    private Uni<List<Row>> candidates(SqlClient db, String tenantPath) {
        return db.preparedQuery("""
                        select g.id, g.template_id, t.rule, t.version as rule_version,
                               p.kind as parent_kind, p.group_path as parent_path, p.id as parent_id
                        from group_node g join dynamic_template t on t.id = g.template_id
                        join group_node p on p.id = g.parent_id
                        where g.kind = 'DYNAMIC' and g.tenant_path = any($1)
                        order by length(g.group_path)""")
                .execute(Tuple.of(TreePaths.lineage(tenantPath).toArray(new String[0])))
                .map(rows -> {
                    List<Row> out = new ArrayList<>();
                    rows.forEach(out::add);
                    return out;
                });
    }

    private Uni<Set<UUID>> current(SqlClient db, UUID deviceId) {
        return db.preparedQuery("select group_id from dynamic_membership where device_id = $1").execute(Tuple.of(deviceId))
                .map(rows -> {
                    Set<UUID> out = new HashSet<>();
                    rows.forEach(r -> out.add(r.getUUID("group_id")));
                    return out;
                });
    }

    private Uni<Void> apply(SqlClient db, UUID deviceId, String tenantPath, Set<UUID> before, Set<UUID> after) {
        List<UUID> joined = after.stream().filter(g -> !before.contains(g)).toList();
        List<UUID> left = before.stream().filter(g -> !after.contains(g)).toList();
        if (joined.isEmpty() && left.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Outbox.Pending> events = new ArrayList<>();
        joined.forEach(g -> events.add(new Outbox.Pending(new GroupEvents.MembershipChanged(deviceId.toString(), g.toString(),
                GroupEvents.JOINED), tenantPath)));
        left.forEach(g -> events.add(new Outbox.Pending(new GroupEvents.MembershipChanged(deviceId.toString(), g.toString(),
                GroupEvents.LEFT), tenantPath)));
        return db.preparedQuery("insert into dynamic_membership (group_id, device_id) select unnest($1::uuid[]), $2 on conflict do nothing")
                .execute(Tuple.of(joined.toArray(new UUID[0]), deviceId))
                .chain(() -> db.preparedQuery("delete from dynamic_membership where device_id = $2 and group_id = any($1)")
                        .execute(Tuple.of(left.toArray(new UUID[0]), deviceId)))
                .chain(() -> outbox.publishAll(db, events));
    }

    private Rule rule(UUID templateId, long version, Object stored) {
        return cached(templateId, version, stored).rule();
    }

    private CachedRule cached(UUID templateId, long version, Object stored) {
        CachedRule cached = rules.get(templateId);
        if (cached != null && cached.version() == version) {
            return cached;
        }
        Rule rule = RuleParser.parse(Json.tree(stored));
        CachedRule fresh = new CachedRule(version, rule, RuleEvaluator.compile(rule));
        rules.put(templateId, fresh);
        return fresh;
    }

    /** Forgets cached rules of a template (after a change or deletion). */
    public void forget(UUID templateId) {
        rules.remove(templateId);
    }

}
