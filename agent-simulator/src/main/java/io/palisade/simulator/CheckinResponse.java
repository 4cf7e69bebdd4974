package io.palisade.simulator;

import java.util.ArrayList;
import java.util.List;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The answer to a check-in (200).
 *
 * @param checkInIntervalSeconds when to check in next
 * @param tasks                  tasks to run, possibly none
 */
public record CheckinResponse(int checkInIntervalSeconds, List<Task> tasks) {

    public CheckinResponse {
        tasks = List.copyOf(tasks);
    }

    /**
     * Reads the answer; a missing {@code tasks} is an empty list.
     *
     * @throws IllegalArgumentException when {@code checkInIntervalSeconds} is missing or a task is not an object
     */
    public static CheckinResponse fromJson(JsonObject json) {
        Integer interval = json.getInteger("checkInIntervalSeconds");
        if (interval == null) {
            throw new IllegalArgumentException("the check-in answer has no checkInIntervalSeconds");
        }
        List<Task> tasks = new ArrayList<>();
        JsonArray array = json.getJsonArray("tasks");
        if (array != null) {
            for (Object task : array) {
                if (!(task instanceof JsonObject object)) {
                    throw new IllegalArgumentException("the check-in answer has a task that is not an object");
                }
                tasks.add(Task.fromJson(object));
            }
        }
        return new CheckinResponse(interval, tasks);
    }
}
