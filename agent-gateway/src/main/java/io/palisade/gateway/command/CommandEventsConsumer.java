package io.palisade.gateway.command;

import io.palisade.events.CloudEvent;
import io.palisade.events.CommandEvents;
import io.palisade.events.EventCodec;
import io.palisade.kit.consumer.ConsumerLog;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Keeps each {@code io.palisade.command.task-assigned.v1} from {@code palisade.commands} as a pending task
 * of its device until the agent reports a result. A task for a device this gateway does not know, or has
 * revoked, is dropped: no agent would ever collect it — except for a device record awaiting its agent, which
 * {@code io.palisade.command.device-expected.v1} announces: its tasks wait for the agent that binds to it.
 */
@ApplicationScoped
public class CommandEventsConsumer {

    private static final String CONSUMER = "agent-gateway.commands";

    private final ConsumerLog log;
    private final Pool pool;
    private final EventCodec codec = new EventCodec();

    public CommandEventsConsumer(ConsumerLog log, Pool pool) {
        this.log = log;
        this.pool = pool;
    }

    @Incoming("commands-in")
    public Uni<Void> consume(String payload) {
        return log.applyOnce(CONSUMER, payload, pool, this::apply);
    }

    Uni<Void> apply(SqlClient db, CloudEvent event) {
        if (CommandEvents.DeviceExpected.TYPE.equals(event.type())) {
            var expected = codec.data(event, CommandEvents.DeviceExpected.class);
            return db.preparedQuery("""
                            insert into expected_device (device_id, tenant_id, hardware_id, hostname)
                            select $1, $2, $3, $4 where not exists (select 1 from device where id = $1)
                            on conflict do nothing""")
                    .execute(Tuple.of(UUID.fromString(expected.deviceId()), UUID.fromString(expected.tenantId()),
                            truncate(expected.hardwareId()), expected.hostname() == null ? null : truncate(expected.hostname())))
                    .replaceWithVoid();
        }
        if (!CommandEvents.TaskAssigned.TYPE.equals(event.type())) {
            return Uni.createFrom().voidItem();
        }
        var task = codec.data(event, CommandEvents.TaskAssigned.class);
        String parameters = task.parameters() == null || task.parameters().isNull() ? "{}" : task.parameters().toString();
        return db.preparedQuery("""
                        insert into pending_task (device_id, task_id, type, parameters)
                        select $1, $2, $3, $4
                        where exists (select 1 from device where id = $1 and revoked_at is null)
                           or exists (select 1 from expected_device where device_id = $1)
                        on conflict do nothing""")
                .execute(Tuple.of(UUID.fromString(task.deviceId()), UUID.fromString(task.taskId()), task.type(),
                        new JsonObject(parameters)))
                .replaceWithVoid();
    }

    private static String truncate(String s) {
        return s.length() > 200 ? s.substring(0, 200) : s;
    }
}
