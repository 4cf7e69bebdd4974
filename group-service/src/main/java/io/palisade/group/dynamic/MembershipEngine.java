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
import io.palisade.kit.outbox.OutboxRelay;
import io.palisade.kit.scope.TreePaths;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
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
    private final OutboxRelay relay;
    private final Map<UUID, CachedRule> rules = new ConcurrentHashMap<>();

    public MembershipEngine(GroupRepository groups, Outbox outbox, OutboxRelay relay) {
        this.groups = groups;
        this.outbox = outbox;
        this.relay = relay;
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
                        return outbox.publishAll(db, events).invoke(() -> {
                            if (!events.isEmpty()) {
                                relay.nudgeAfterCommit(db);
                            }
                        });
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
        return reevaluate(db, List.of(new DeviceState(deviceId, tenantPath, staticPath, facts)));
    }

    /**
     * Re-evaluates many devices whose place and facts the caller has (a batch of inventory changes) in three
     * round trips whatever their number: the dynamic groups of all their scopes, their current memberships,
     * then each device is checked in memory and one statement writes every join, every leave and their events.
     * A device listed twice is evaluated once, with its last state.
     */
    public Uni<Void> reevaluate(SqlClient db, List<DeviceState> devices) {
        if (devices.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        Map<UUID, DeviceState> distinct = new LinkedHashMap<>();
        Set<String> scopes = new LinkedHashSet<>();
        for (DeviceState d : devices) {
            distinct.put(d.id(), d);
            scopes.addAll(TreePaths.lineage(d.tenantPath()));
        }
        return candidates(db, scopes).chain(candidates -> current(db, distinct.keySet()).chain(before -> {
            Map<String, Scoped> byTenant = new HashMap<>();
            Changes changes = new Changes();
            for (DeviceState d : distinct.values()) {
                Scoped scoped = byTenant.computeIfAbsent(d.tenantPath(), path -> new Scoped(inScope(candidates, path)));
                changes.add(d, before.getOrDefault(d.id(), Set.of()), members(scoped, d));
            }
            return write(db, changes);
        }));
    }

    /** A device's place and facts, for {@link #reevaluate(SqlClient, List)}. */
    public record DeviceState(UUID id, String tenantPath, String staticPath, DeviceFacts facts) {
    }

    /** A dynamic group that may contain devices of its tenant's subtree, and what deciding membership needs. */
    private record Candidate(UUID id, String tenantPath, UUID templateId, long ruleVersion, Object rule, boolean staticParent,
                             String parentPath, UUID parentId) {
    }

    /** Dynamic groups whose tenant is one of {@code tenantPaths}, parents before children. */
    private Uni<List<Candidate>> candidates(SqlClient db, Set<String> tenantPaths) {
        return db.preparedQuery("""
                        select g.id, g.tenant_path, g.template_id, t.rule, t.version as rule_version,
                               p.kind as parent_kind, p.group_path as parent_path, p.id as parent_id
                        from group_node g join dynamic_template t on t.id = g.template_id
                        join group_node p on p.id = g.parent_id
                        where g.kind = 'DYNAMIC' and g.tenant_path = any($1)
                        order by length(g.group_path)""")
                .execute(Tuple.of(tenantPaths.toArray(new String[0])))
                .map(rows -> {
                    List<Candidate> out = new ArrayList<>();
                    rows.forEach(g -> out.add(new Candidate(g.getUUID("id"), g.getString("tenant_path"), g.getUUID("template_id"),
                            g.getLong("rule_version"), g.getValue("rule"), "STATIC".equals(g.getString("parent_kind")),
                            g.getString("parent_path"), g.getUUID("parent_id"))));
                    return out;
                });
    }

    /** The candidates whose tenant is {@code tenantPath} or one of its ancestors, in their order. */
    private static List<Candidate> inScope(List<Candidate> candidates, String tenantPath) {
        Set<String> lineage = new HashSet<>(TreePaths.lineage(tenantPath));
        return candidates.stream().filter(c -> lineage.contains(c.tenantPath())).toList();
    }

    /**
     * The candidates of one tenant's devices, indexed for {@link #members}: those under a static group by that group's
     * path, those under a dynamic group by that group's id.
     */
    private static final class Scoped {
        final Map<String, List<Candidate>> byStaticParentPath = new HashMap<>();
        final Map<UUID, List<Candidate>> byDynamicParent = new HashMap<>();

        Scoped(List<Candidate> candidates) {
            for (Candidate g : candidates) {
                if (g.staticParent()) {
                    byStaticParentPath.computeIfAbsent(g.parentPath(), k -> new ArrayList<>()).add(g);
                } else {
                    byDynamicParent.computeIfAbsent(g.parentId(), k -> new ArrayList<>()).add(g);
                }
            }
        }
    }

    /**
     * The dynamic groups whose members the device is: those under a static group that holds the device (one whose
     * path is a prefix of the device's static group's path, ending at a '/'), then, for each it joins, those under
     * it. Only the groups that can hold the device are looked at — a hash lookup per level of the device's static
     * path instead of a prefix comparison with every candidate, which cost a quarter of group-service's CPU in a bulk
     * import (every path shares its first segments).
     */
    private Set<UUID> members(Scoped scoped, DeviceState device) {
        Set<UUID> after = new HashSet<>();
        java.util.ArrayDeque<Candidate> pending = new java.util.ArrayDeque<>();
        String path = device.staticPath() == null ? "" : device.staticPath();
        for (int end = path.indexOf('/'); end >= 0; end = path.indexOf('/', end + 1)) {
            List<Candidate> under = scoped.byStaticParentPath.get(path.substring(0, end + 1));
            if (under != null) {
                pending.addAll(under);
            }
        }
        while (!pending.isEmpty()) {
            Candidate g = pending.poll();
            if (cached(g.templateId(), g.ruleVersion(), g.rule()).predicate().test(device.facts())) {
                after.add(g.id());
                pending.addAll(scoped.byDynamicParent.getOrDefault(g.id(), List.of()));
            }
        }
        return after;
    }

    private Uni<Map<UUID, Set<UUID>>> current(SqlClient db, Set<UUID> deviceIds) {
        return db.preparedQuery("select device_id, group_id from dynamic_membership where device_id = any($1)")
                .execute(Tuple.of(deviceIds.toArray(new UUID[0])))
                .map(rows -> {
                    Map<UUID, Set<UUID>> out = new HashMap<>();
                    rows.forEach(r -> out.computeIfAbsent(r.getUUID("device_id"), k -> new HashSet<>()).add(r.getUUID("group_id")));
                    return out;
                });
    }

    /** Joins and leaves of many devices, as the parallel arrays one statement writes, and their events. */
    private static final class Changes {
        final List<UUID> joinedGroups = new ArrayList<>();
        final List<UUID> joinedDevices = new ArrayList<>();
        final List<UUID> leftGroups = new ArrayList<>();
        final List<UUID> leftDevices = new ArrayList<>();
        final List<Outbox.Pending> events = new ArrayList<>();

        void add(DeviceState device, Set<UUID> before, Set<UUID> after) {
            String deviceId = device.id().toString();
            for (UUID g : after) {
                if (!before.contains(g)) {
                    joinedGroups.add(g);
                    joinedDevices.add(device.id());
                    events.add(new Outbox.Pending(new GroupEvents.MembershipChanged(deviceId, g.toString(), GroupEvents.JOINED),
                            device.tenantPath()));
                }
            }
            for (UUID g : before) {
                if (!after.contains(g)) {
                    leftGroups.add(g);
                    leftDevices.add(device.id());
                    events.add(new Outbox.Pending(new GroupEvents.MembershipChanged(deviceId, g.toString(), GroupEvents.LEFT),
                            device.tenantPath()));
                }
            }
        }
    }

    /** Every join, leave and event in one statement, in the caller's transaction; the relay is woken once it commits. */
    private Uni<Void> write(SqlClient db, Changes changes) {
        if (changes.events.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        Outbox.Rows rows = outbox.rows(changes.events);
        Object[] params = new Object[8];
        params[0] = changes.joinedGroups.toArray(new UUID[0]);
        params[1] = changes.joinedDevices.toArray(new UUID[0]);
        params[2] = changes.leftGroups.toArray(new UUID[0]);
        params[3] = changes.leftDevices.toArray(new UUID[0]);
        System.arraycopy(rows.parameters(), 0, params, 4, 4);
        return db.preparedQuery("""
                        with joined as (insert into dynamic_membership (group_id, device_id)
                                        select * from unnest($1::uuid[], $2::uuid[]) on conflict do nothing),
                             left_ as (delete from dynamic_membership m using unnest($3::uuid[], $4::uuid[]) as l (group_id, device_id)
                                       where m.group_id = l.group_id and m.device_id = l.device_id)
                        """ + Outbox.insertSql(5))
                .execute(Tuple.from(params))
                .invoke(() -> relay.nudgeAfterCommit(db))
                .replaceWithVoid();
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
