package io.palisade.group.dynamic.rule;

import java.util.List;
import java.util.Objects;

/**
 * A dynamic group rule: a {@link Group} of rules combined with an {@link Op}, or a leaf {@link Condition}. Instances
 * are immutable; build them with {@link RuleParser#parse} (which validates) rather than by hand. Semantics: see
 * {@link RuleEvaluator}.
 */
public sealed interface Rule permits Rule.Group, Rule.Condition {

    /** {@code {"op": ..., "rules": [...]}}. */
    record Group(Op op, List<Rule> rules) implements Rule {
        public Group {
            Objects.requireNonNull(op, "op");
            rules = List.copyOf(rules);
        }

        /** The canonical JSON. */
        @Override
        public String toString() {
            return RuleParser.toJson(this).toString();
        }
    }

    /**
     * {@code {"attribute": ..., "operator": ..., "value": ...}}. The value, as produced by {@link RuleParser}: null for
     * EXISTS / NOT_EXISTS; for IN an immutable {@code List} of items; an item or a single value is a {@code String}
     * (text and versions as written, platforms upper-case, IPv4 addresses and CIDR blocks in canonical dotted form,
     * regexes as written) or a {@code Long} (hardware.ramMb).
     */
    record Condition(Attribute attribute, Operator operator, Object value) implements Rule {
        public Condition {
            Objects.requireNonNull(attribute, "attribute");
            Objects.requireNonNull(operator, "operator");
            if (value instanceof List<?> list) {
                value = List.copyOf(list);
            }
        }

        /** The canonical JSON. */
        @Override
        public String toString() {
            return RuleParser.toJson(this).toString();
        }
    }
}
