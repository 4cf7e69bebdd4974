package io.palisade.group.task;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.palisade.events.AuditRecorded;
import io.palisade.events.CommandEvents;
import io.palisade.group.common.Json;
import io.palisade.group.groups.GroupService;
import io.palisade.kit.api.Paging;
import io.palisade.kit.audit.AuditTrail;
import io.palisade.kit.outbox.Outbox;
import io.palisade.kit.problem.ProblemException;
import io.palisade.kit.scope.OperatorPrincipal;
import io.palisade.kit.scope.OperatorScope;
import io.palisade.kit.scope.Permissions;
import io.palisade.kit.scope.TreePaths;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Tasks to groups: the group's active members are fixed when the task is created, and each gets
 * one {@code io.palisade.command.task-assigned.v1} through the outbox. Results arrive as device
 * events and update the per-device status.
 */
@ApplicationScoped
public class TaskService {

    public static final List<String> STATUSES = List.of("PENDING", "DELIVERED", "SUCCEEDED", "FAILED");

    /** A task as the API shows it. */
    public record TaskView(UUID id, TaskType type, UUID groupId, JsonNode parameters, Instant createdAt, Map<String, Long> counts) {
    }

    /** One device's part of a task. */
    public record TaskDeviceView(UUID deviceId, String status, String output, Instant updatedAt) {
    }

    private final Pool pool;
    private final GroupService groups;
    private final OperatorScope scope;
    private final Outbox outbox;
    private final AuditTrail audit;

    public TaskService(Pool pool, GroupService groups, OperatorScope scope, Outbox outbox, AuditTrail audit) {
        this.pool = pool;
        this.groups = groups;
        this.scope = scope;
        this.outbox = outbox;
        this.audit = audit;
    }

    public static ProblemException notFound() {
        return ProblemException.notFound("Task");
    }

    public Uni<TaskView> create(TaskType type, UUID groupId, JsonNode parameters) {
        OperatorPrincipal caller = scope.principal();
        ObjectNode canonical = type.validate(parameters);
        UUID taskId = UUID.randomUUID();
        return pool.withTransaction(db -> groups.visible(db, groupId, Permissions.TASKS_WRITE).chain(group -> {
            String members = group.isStatic()
                    ? "select d.id, d.tenant_path from device d join group_node g on g.id = d.static_group_id "
                            + "where g.group_path >= $2 and g.group_path < $3 and d.status = 'ACTIVE'"
                    : "select d.id, d.tenant_path from device d join dynamic_membership m on m.device_id = d.id "
                            + "where m.group_id = $2::uuid and d.status = 'ACTIVE' and $3::text is not null";
            Object second = group.isStatic() ? group.groupPath() : group.id();
            String third = group.isStatic() ? TreePaths.upperBound(group.groupPath()) : "";
            return db.preparedQuery("insert into task (id, type, group_id, tenant_path, parameters, created_by) values ($1, $2, $3, $4, $5, $6)")
                    .execute(Tuple.from(new Object[] {taskId, type.name(), groupId, group.tenantPath(), Json.jsonb(canonical),
                            caller.operatorId()}))
                    .chain(() -> db.preparedQuery("with members as (" + members + ") "
                                    + "insert into task_device (task_id, device_id, status) select $1, id, 'PENDING' from members "
                                    + "returning device_id, (select tenant_path from device where id = device_id) as tenant_path")
                            .execute(Tuple.of(taskId, second, third)))
                    .chain(rows -> {
                        List<Outbox.Pending> events = new ArrayList<>();
                        for (Row r : rows) {
                            events.add(new Outbox.Pending(new CommandEvents.TaskAssigned(taskId.toString(),
                                    r.getUUID("device_id").toString(), type.name(), canonical), r.getString("tenant_path")));
                        }
                        return outbox.publishAll(db, events).replaceWith(events.size());
                    })
                    .chain(count -> audit.record(db, new AuditRecorded(Instant.now(), caller.getName(), "task.created", "task",
                            taskId.toString(), group.tenantId() == null ? null : group.tenantId().toString(), AuditTrail.SUCCESS,
                            type + " to group " + groupId + " (" + count + " device(s))"), group.tenantPath()))
                    .chain(() -> view(db, taskId));
        }));
    }

    public Uni<TaskView> get(UUID id) {
        return visible(pool, id).chain(path -> view(pool, id));
    }

    public Uni<Paging.Page<TaskDeviceView>> devices(UUID id, String cursor, int limit) {
        String after = Paging.decode(cursor);
        UUID afterId = after == null ? null : io.palisade.kit.api.Ids.parse("cursor", after);
        return visible(pool, id).chain(path -> pool.preparedQuery("""
                        select device_id, status, output, updated_at from task_device
                        where task_id = $1 and device_id > $2 order by device_id limit $3""")
                .execute(Tuple.of(id, afterId == null ? new UUID(0, 0) : afterId, limit + 1)))
                .map(rows -> {
                    List<TaskDeviceView> out = new ArrayList<>();
                    for (Row r : rows) {
                        OffsetDateTime at = r.getOffsetDateTime("updated_at");
                        out.add(new TaskDeviceView(r.getUUID("device_id"), r.getString("status"), r.getString("output"),
                                at == null ? null : at.toInstant()));
                    }
                    return Paging.page(out, limit, d -> d.deviceId().toString(), d -> d);
                });
    }

    /** The task's tenant path, when the caller may see it with {@code tasks.write} (404 otherwise). */
    private Uni<String> visible(SqlClient db, UUID id) {
        return db.preparedQuery("select tenant_path from task where id = $1").execute(Tuple.of(id)).map(rows -> {
            var it = rows.iterator();
            String path = it.hasNext() ? it.next().getString("tenant_path") : null;
            scope.authorize(path, Permissions.TASKS_WRITE, TaskService::notFound);
            return path;
        });
    }

    private Uni<TaskView> view(SqlClient db, UUID id) {
        return db.preparedQuery("""
                        select t.id, t.type, t.group_id, t.parameters, t.created_at,
                               (select json_object_agg(s.status, s.n) from
                                  (select status, count(*) as n from task_device where task_id = t.id group by status) s) as counts
                        from task t where t.id = $1""")
                .execute(Tuple.of(id))
                .map(rows -> {
                    Row r = rows.iterator().next();
                    Map<String, Long> counts = new LinkedHashMap<>();
                    JsonNode stored = Json.tree(r.getValue("counts"));
                    for (String status : STATUSES) {
                        counts.put(status, stored == null || !stored.has(status) ? 0L : stored.get(status).asLong());
                    }
                    return new TaskView(r.getUUID("id"), TaskType.valueOf(r.getString("type")), r.getUUID("group_id"),
                            Json.tree(r.getValue("parameters")), r.getOffsetDateTime("created_at").toInstant(), counts);
                });
    }
}
