package io.palisade.gateway.checkin;

import com.fasterxml.jackson.databind.JsonNode;
import io.palisade.events.DeviceEvents;
import io.palisade.gateway.checkin.Identities.Identity;
import io.palisade.gateway.common.GatewaySettings;
import io.palisade.kit.outbox.Outbox;
import io.palisade.kit.problem.CommonProblems;
import io.palisade.kit.problem.ProblemException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Records check-ins and answers them with their devices' pending tasks, many at a time (group commit):
 * a check-in that arrives while fewer than {@link #MAX_IN_FLIGHT} batches are in flight goes at once,
 * alone if need be; the ones that arrive meanwhile go together in the next batch. A batch is ONE SQL
 * statement — its events into the outbox (checked-in for each, inventory-changed and task-result where
 * sent), the reported tasks removed from the pending ones, and the pending tasks of every device in the
 * batch read back — so a check-in costs one database round trip at most, and far less under load. The
 * agent is answered only after the statement committed: what it sent is never lost once acknowledged.
 * <p>
 * Tasks handed out for the first time are marked delivered (and {@code task-delivered} published) in a
 * second, separate transaction, off the answer's path; if that fails, the next check-in tries again.
 */
@ApplicationScoped
public class CheckinBatcher {

    /** A task as the agent receives it. */
    public record TaskOut(UUID taskId, String type, JsonObject parameters) {
    }

    /** A result as the agent reports it. */
    public record TaskResultIn(UUID taskId, String status, String output) {
    }

    /** One validated check-in of an authenticated device. */
    public record Checkin(Identity device, long sequence, JsonNode inventory, List<TaskResultIn> results) {
    }

    static final int MAX_IN_FLIGHT = 4;
    static final int MAX_QUEUED_BATCHES = 40;
    static final int MAX_TASKS_PER_ANSWER = 50;
    private static final Logger LOG = Logger.getLogger(CheckinBatcher.class);

    private final Pool pool;
    private final Outbox outbox;
    private final HeartbeatPublisher heartbeats;
    private final int maxBatch;
    private final Timer flushTimer;
    private final ArrayDeque<Waiting> queue = new ArrayDeque<>();
    private int inFlight;

    private record Waiting(Checkin checkin, Promise<List<TaskOut>> answer) {
    }

    public CheckinBatcher(Pool pool, Outbox outbox, HeartbeatPublisher heartbeats, GatewaySettings settings, MeterRegistry metrics) {
        this.pool = pool;
        this.outbox = outbox;
        this.heartbeats = heartbeats;
        this.maxBatch = settings.agent().maxBatch();
        this.flushTimer = Timer.builder("palisade.gateway.checkin.batch").description("One check-in batch statement")
                .publishPercentiles(0.5, 0.99).register(metrics);
    }

    public Future<List<TaskOut>> submit(Checkin checkin) {
        Promise<List<TaskOut>> answer = Promise.promise();
        List<Waiting> batch;
        synchronized (this) {
            if (queue.size() >= maxBatch * MAX_QUEUED_BATCHES) {
                // the database cannot keep up: tell the agent when to come back rather than queue without bound
                return Future.failedFuture(new ProblemException(CommonProblems.UNAVAILABLE,
                        "The gateway is busy; check in again later", null, 30L));
            }
            queue.add(new Waiting(checkin, answer));
            batch = take();
        }
        if (batch != null) {
            flush(batch);
        }
        return answer.future();
    }

    /** The next batch to send, if one may go now (called holding the lock). */
    private List<Waiting> take() {
        if (queue.isEmpty() || inFlight >= MAX_IN_FLIGHT) {
            return null;
        }
        inFlight++;
        List<Waiting> batch = new ArrayList<>(Math.min(queue.size(), maxBatch));
        while (!queue.isEmpty() && batch.size() < maxBatch) {
            batch.add(queue.poll());
        }
        return batch;
    }

    private void done() {
        List<Waiting> next;
        synchronized (this) {
            inFlight--;
            next = take();
        }
        if (next != null) {
            flush(next);
        }
    }

    private void flush(List<Waiting> batch) {
        Instant now = Instant.now();
        List<Outbox.Pending> checkedIn = new ArrayList<>(batch.size());
        List<Outbox.Pending> events = new ArrayList<>();
        Set<UUID> devices = new LinkedHashSet<>();
        List<UUID> resultDevices = new ArrayList<>();
        List<UUID> resultTasks = new ArrayList<>();
        for (Waiting w : batch) {
            Checkin c = w.checkin();
            Identity d = c.device();
            String device = d.deviceId().toString();
            devices.add(d.deviceId());
            checkedIn.add(new Outbox.Pending(new DeviceEvents.CheckedIn(device, d.customerId().toString(), now, c.sequence()),
                    d.customerPath()));
            if (c.inventory() != null) {
                events.add(new Outbox.Pending(new DeviceEvents.InventoryChanged(device, d.customerId().toString(), c.inventory()),
                        d.customerPath()));
            }
            for (TaskResultIn r : c.results()) {
                events.add(new Outbox.Pending(new DeviceEvents.TaskResult(device, r.taskId().toString(), r.status(), r.output()),
                        d.customerPath()));
                resultDevices.add(d.deviceId());
                resultTasks.add(r.taskId());
            }
        }
        Outbox.Rows rows = outbox.rows(events);
        Object[] params = new Object[7];
        System.arraycopy(rows.parameters(), 0, params, 0, 4);
        params[4] = resultDevices.toArray(UUID[]::new);
        params[5] = resultTasks.toArray(UUID[]::new);
        params[6] = devices.toArray(UUID[]::new);
        Future<Void> sent = heartbeats.publish(checkedIn);
        Timer.Sample sample = Timer.start();
        pool.preparedQuery("with ev as (" + Outbox.insertSql(1) + "), "
                        + "done as (delete from pending_task p using unnest($5::uuid[], $6::uuid[]) as r (device_id, task_id) "
                        + "where p.device_id = r.device_id and p.task_id = r.task_id returning p.device_id, p.task_id) "
                        + "select p.device_id, p.task_id, p.type, p.parameters, p.delivered_at is null as fresh "
                        + "from pending_task p where p.device_id = any($7::uuid[]) "
                        + "and not exists (select 1 from done d where d.device_id = p.device_id and d.task_id = p.task_id) "
                        + "order by p.device_id, p.assigned_at, p.task_id")
                .execute(Tuple.from(params))
                .subscribe().with(result -> {
                    sample.stop(flushTimer);
                    Map<UUID, List<TaskOut>> tasks = new HashMap<>();
                    Map<UUID, List<UUID>> fresh = new HashMap<>();
                    for (Row row : result) {
                        UUID device = row.getUUID("device_id");
                        List<TaskOut> list = tasks.computeIfAbsent(device, k -> new ArrayList<>());
                        if (list.size() >= MAX_TASKS_PER_ANSWER) {
                            continue;
                        }
                        Object parameters = row.getValue("parameters");
                        list.add(new TaskOut(row.getUUID("task_id"), row.getString("type"),
                                parameters instanceof JsonObject o ? o : new JsonObject()));
                        if (row.getBoolean("fresh")) {
                            fresh.computeIfAbsent(device, k -> new ArrayList<>()).add(row.getUUID("task_id"));
                        }
                    }
                    heartbeatsDelivered(sent, checkedIn).onComplete(delivered -> {
                        done();
                        for (Waiting w : batch) {
                            if (delivered.succeeded()) {
                                w.answer().complete(tasks.getOrDefault(w.checkin().device().deviceId(), List.of()));
                            } else {
                                w.answer().fail(delivered.cause());
                            }
                        }
                        if (delivered.succeeded() && !fresh.isEmpty()) {
                            markDelivered(batch, fresh);
                        }
                    });
                }, failure -> {
                    LOG.warnf("A batch of %d check-ins could not be written: %s", batch.size(), failure.getMessage());
                    done();
                    for (Waiting w : batch) {
                        w.answer().fail(failure);
                    }
                });
    }

    /** The check-in events acknowledged by Kafka, or else written to the outbox; fails only if neither worked. */
    private Future<Void> heartbeatsDelivered(Future<Void> sent, List<Outbox.Pending> checkedIn) {
        return sent.recover(kafkaFailure -> {
            heartbeats.fellBack();
            LOG.debugf("Kafka did not acknowledge %d check-in event(s) (%s); writing them to the outbox", checkedIn.size(),
                    kafkaFailure.getMessage());
            Promise<Void> written = Promise.promise();
            pool.withTransaction(db -> outbox.publishAll(db, checkedIn)).subscribe().with(ok -> written.complete(), written::fail);
            return written.future();
        });
    }

    private void markDelivered(List<Waiting> batch, Map<UUID, List<UUID>> fresh) {
        Map<UUID, String> paths = new HashMap<>();
        for (Waiting w : batch) {
            paths.put(w.checkin().device().deviceId(), w.checkin().device().customerPath());
        }
        List<UUID> devices = new ArrayList<>();
        List<UUID> tasks = new ArrayList<>();
        fresh.forEach((device, ids) -> ids.forEach(id -> {
            devices.add(device);
            tasks.add(id);
        }));
        Instant now = Instant.now();
        pool.withTransaction(db -> db.preparedQuery("""
                        update pending_task p set delivered_at = now()
                        from unnest($1::uuid[], $2::uuid[]) as r (device_id, task_id)
                        where p.device_id = r.device_id and p.task_id = r.task_id and p.delivered_at is null
                        returning p.device_id, p.task_id""")
                .execute(Tuple.of(devices.toArray(UUID[]::new), tasks.toArray(UUID[]::new)))
                .chain(rows -> {
                    List<Outbox.Pending> events = new ArrayList<>();
                    for (Row row : rows) {
                        UUID device = row.getUUID("device_id");
                        events.add(new Outbox.Pending(new DeviceEvents.TaskDelivered(device.toString(),
                                row.getUUID("task_id").toString(), now), paths.get(device)));
                    }
                    return outbox.publishAll(db, events);
                }))
                .subscribe().with(ok -> { }, failure -> LOG.debugf("Marking tasks delivered failed (next check-in retries): %s",
                        failure.getMessage()));
    }
}
