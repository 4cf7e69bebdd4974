package io.palisade.simulator;

import io.vertx.core.json.JsonObject;

/**
 * A task handed to the agent in a check-in answer.
 *
 * @param taskId     the task's id
 * @param type       {@code RUN_SCAN}, {@code UPDATE_MODULES}, {@code INSTALL_PRODUCT}, {@code UNINSTALL_PRODUCT},
 *                   {@code SET_TAGS}, or anything else (answered FAILED "unsupported task type")
 * @param parameters the type's parameters, never null
 */
public record Task(String taskId, String type, JsonObject parameters) {

    public Task {
        parameters = parameters == null ? new JsonObject() : parameters;
    }

    /** {@code {taskId, type, parameters}}. */
    public JsonObject toJson() {
        return new JsonObject().put("taskId", taskId).put("type", type).put("parameters", parameters);
    }

    /** Reads {@code {taskId, type, parameters}}; a non-object {@code parameters} reads as empty. */
    public static Task fromJson(JsonObject json) {
        Object parameters = json.getValue("parameters");
        return new Task(json.getString("taskId"), json.getString("type"),
                parameters instanceof JsonObject object ? object : new JsonObject());
    }
}
