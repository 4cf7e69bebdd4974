package io.palisade.simulator;

import io.vertx.core.json.JsonObject;

/**
 * The outcome of a task, reported in the check-in after the one that delivered it.
 *
 * @param taskId the task's id
 * @param status {@link #SUCCEEDED} or {@link #FAILED}
 * @param output a short text
 */
public record TaskResult(String taskId, String status, String output) {

    public static final String SUCCEEDED = "SUCCEEDED";
    public static final String FAILED = "FAILED";

    public static TaskResult succeeded(String taskId, String output) {
        return new TaskResult(taskId, SUCCEEDED, output);
    }

    public static TaskResult failed(String taskId, String output) {
        return new TaskResult(taskId, FAILED, output);
    }

    public boolean isSucceeded() {
        return SUCCEEDED.equals(status);
    }

    /** {@code {taskId, status, output}}. */
    public JsonObject toJson() {
        return new JsonObject().put("taskId", taskId).put("status", status).put("output", output);
    }

    public static TaskResult fromJson(JsonObject json) {
        return new TaskResult(json.getString("taskId"), json.getString("status"), json.getString("output"));
    }
}
