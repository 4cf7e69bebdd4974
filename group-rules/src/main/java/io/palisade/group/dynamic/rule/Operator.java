package io.palisade.group.dynamic.rule;

/** The comparison of a {@link Rule.Condition}; the JSON name is the constant's name. */
public enum Operator {
    EQ,
    NE,
    LT,
    LE,
    GT,
    GE,
    CONTAINS,
    STARTS_WITH,
    ENDS_WITH,
    IN,
    REGEX,
    EXISTS,
    NOT_EXISTS;

    /** LT, LE, GT or GE. */
    public boolean ordering() {
        return this == LT || this == LE || this == GT || this == GE;
    }

    /** CONTAINS, STARTS_WITH or ENDS_WITH. */
    public boolean substring() {
        return this == CONTAINS || this == STARTS_WITH || this == ENDS_WITH;
    }

    /** EXISTS or NOT_EXISTS: the condition takes no value. */
    public boolean valueless() {
        return this == EXISTS || this == NOT_EXISTS;
    }
}
