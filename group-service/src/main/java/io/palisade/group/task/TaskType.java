package io.palisade.group.task;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.palisade.kit.problem.CommonProblems;
import io.palisade.kit.problem.Problem;
import io.palisade.kit.problem.ProblemException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/** The tasks an agent runs, and the parameters each takes. */
public enum TaskType {
    RUN_SCAN(Set.of()),
    UPDATE_MODULES(Set.of()),
    INSTALL_PRODUCT(Set.of("name", "version")),
    UNINSTALL_PRODUCT(Set.of("name")),
    SET_TAGS(Set.of("tags"));

    private final Set<String> required;

    TaskType(Set<String> required) {
        this.required = required;
    }

    /** Checks the parameters (400 naming each problem) and answers them in canonical form. */
    public ObjectNode validate(JsonNode parameters) {
        List<Problem.FieldError> errors = new ArrayList<>();
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        if (parameters != null && !parameters.isNull() && !parameters.isObject()) {
            throw ProblemException.invalid("parameters", "must be an object");
        }
        JsonNode given = parameters == null || parameters.isNull() ? JsonNodeFactory.instance.objectNode() : parameters;
        for (Iterator<String> names = given.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!required.contains(name)) {
                errors.add(new Problem.FieldError("parameters." + name, "is not a parameter of " + name()));
            }
        }
        for (String name : required) {
            JsonNode value = given.get(name);
            String field = "parameters." + name;
            if ("tags".equals(name)) {
                if (value == null || !value.isArray() || value.size() > 50) {
                    errors.add(new Problem.FieldError(field, "must be a list of at most 50 tags"));
                    continue;
                }
                for (JsonNode tag : value) {
                    if (!tag.isTextual() || tag.asText().isBlank() || tag.asText().length() > 64) {
                        errors.add(new Problem.FieldError(field, "each tag must be text of 1 to 64 characters"));
                        break;
                    }
                }
                out.set(name, value);
            } else if (value == null || !value.isTextual() || value.asText().isBlank() || value.asText().length() > 200) {
                errors.add(new Problem.FieldError(field, "must be text of 1 to 200 characters"));
            } else {
                out.put(name, value.asText());
            }
        }
        if (!errors.isEmpty()) {
            throw new ProblemException(CommonProblems.INVALID_REQUEST, "The parameters of " + name() + " are invalid", errors, null);
        }
        return out;
    }
}
