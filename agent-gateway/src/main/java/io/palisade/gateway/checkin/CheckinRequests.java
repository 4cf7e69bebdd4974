package io.palisade.gateway.checkin;

import com.fasterxml.jackson.databind.JsonNode;
import io.palisade.gateway.checkin.CheckinBatcher.TaskResultIn;
import io.palisade.kit.problem.CommonProblems;
import io.palisade.kit.problem.Problem.FieldError;
import io.palisade.kit.problem.ProblemException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Reads the body of {@code POST /agent/v1/checkin}: {@code {sequence, inventory?, taskResults?}}. Fields the
 * contract does not name are ignored — in particular a device id in the body, since the device is the one
 * its certificate names. Every error is reported at once, with its path. Pure.
 */
public final class CheckinRequests {

    /** The body's meaning. */
    public record Parsed(long sequence, JsonNode inventory, List<TaskResultIn> results) {
    }

    static final int MAX_RESULTS = 100;
    static final int MAX_OUTPUT = 8192;
    private static final Set<String> STATUSES = Set.of("SUCCEEDED", "FAILED");

    private CheckinRequests() {
    }

    public static Parsed parse(JsonNode body) {
        List<FieldError> errors = new ArrayList<>();
        if (body == null || !body.isObject()) {
            throw new ProblemException(CommonProblems.MALFORMED_BODY, "The body must be a JSON object", null, null);
        }
        JsonNode seq = body.get("sequence");
        long sequence = 0;
        if (seq == null || !seq.isIntegralNumber() || !seq.canConvertToLong() || seq.asLong() < 0) {
            errors.add(new FieldError("sequence", "must be a whole number, 0 or more"));
        } else {
            sequence = seq.asLong();
        }
        JsonNode inventory = body.get("inventory");
        if (inventory != null && inventory.isNull()) {
            inventory = null;
        }
        if (inventory != null) {
            errors.addAll(InventorySchema.check(inventory, "inventory"));
        }
        List<TaskResultIn> results = new ArrayList<>();
        JsonNode list = body.get("taskResults");
        if (list != null && !list.isNull()) {
            if (!list.isArray() || list.size() > MAX_RESULTS) {
                errors.add(new FieldError("taskResults", "must be a list of at most " + MAX_RESULTS + " results"));
            } else {
                for (int i = 0; i < list.size(); i++) {
                    TaskResultIn result = result(list.get(i), "taskResults[" + i + "]", errors);
                    if (result != null) {
                        results.add(result);
                    }
                }
            }
        }
        if (!errors.isEmpty()) {
            throw new ProblemException(CommonProblems.INVALID_REQUEST, "The check-in is invalid", errors, null);
        }
        return new Parsed(sequence, inventory, results);
    }

    private static TaskResultIn result(JsonNode node, String at, List<FieldError> errors) {
        if (!node.isObject()) {
            errors.add(new FieldError(at, "must be an object"));
            return null;
        }
        UUID taskId = null;
        JsonNode id = node.get("taskId");
        if (id == null || !id.isTextual() || id.asText().length() != 36) {
            errors.add(new FieldError(at + ".taskId", "must be a UUID"));
        } else {
            try {
                taskId = UUID.fromString(id.asText());
            } catch (IllegalArgumentException e) {
                errors.add(new FieldError(at + ".taskId", "must be a UUID"));
            }
        }
        JsonNode status = node.get("status");
        if (status == null || !status.isTextual() || !STATUSES.contains(status.asText())) {
            errors.add(new FieldError(at + ".status", "must be SUCCEEDED or FAILED"));
        }
        JsonNode output = node.get("output");
        if (output != null && !output.isNull() && (!output.isTextual() || output.asText().length() > MAX_OUTPUT)) {
            errors.add(new FieldError(at + ".output", "must be text of at most " + MAX_OUTPUT + " characters"));
        }
        if (taskId == null || status == null || !status.isTextual() || !STATUSES.contains(status.asText())) {
            return null;
        }
        return new TaskResultIn(taskId, status.asText(), output == null || output.isNull() ? "" : output.asText());
    }
}
