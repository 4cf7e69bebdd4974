package io.palisade.group.dynamic.rule;

/**
 * How a {@link Rule.Group} combines its children. {@code NAND} is NOT AND and {@code NOR} is NOT OR. Over an empty
 * list of children AND is true and OR is false, so NAND is false and NOR is true.
 */
public enum Op {
    AND,
    OR,
    NAND,
    NOR;

    /** True for NAND and NOR: the group negates the AND or OR of its children. */
    public boolean negated() {
        return this == NAND || this == NOR;
    }

    /** True for AND and NAND (children are combined conjunctively before any negation). */
    public boolean conjunctive() {
        return this == AND || this == NAND;
    }
}
