package io.palisade.group.dynamic.rule;

import java.util.List;
import java.util.stream.Collectors;

/** A rule that does not parse or validate; every problem found is listed with its path ({@code rule.rules[1].op}). */
public class RuleValidationException extends RuntimeException {

    /** One problem: where in the rule ({@code rule}, {@code rule.rules[0].value[2]}) and what. */
    public record Violation(String path, String message) {
        @Override
        public String toString() {
            return path + ": " + message;
        }
    }

    private final transient List<Violation> violations;

    public RuleValidationException(List<Violation> violations) {
        super(violations.stream().map(Violation::toString).collect(Collectors.joining("; ")));
        this.violations = List.copyOf(violations);
    }

    /** The problems, in the order of the rule (size limits first). Never empty. */
    public List<Violation> violations() {
        return violations;
    }
}
