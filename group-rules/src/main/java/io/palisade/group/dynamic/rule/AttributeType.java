package io.palisade.group.dynamic.rule;

import java.util.EnumSet;
import java.util.Set;

import static io.palisade.group.dynamic.rule.Operator.CONTAINS;
import static io.palisade.group.dynamic.rule.Operator.ENDS_WITH;
import static io.palisade.group.dynamic.rule.Operator.EQ;
import static io.palisade.group.dynamic.rule.Operator.EXISTS;
import static io.palisade.group.dynamic.rule.Operator.GE;
import static io.palisade.group.dynamic.rule.Operator.GT;
import static io.palisade.group.dynamic.rule.Operator.IN;
import static io.palisade.group.dynamic.rule.Operator.LE;
import static io.palisade.group.dynamic.rule.Operator.LT;
import static io.palisade.group.dynamic.rule.Operator.NE;
import static io.palisade.group.dynamic.rule.Operator.NOT_EXISTS;
import static io.palisade.group.dynamic.rule.Operator.REGEX;
import static io.palisade.group.dynamic.rule.Operator.STARTS_WITH;

/** The value type of an {@link Attribute}, which decides the operators it accepts and the type of its values. */
public enum AttributeType {
    /** One of WINDOWS, MACOS, LINUX. */
    PLATFORM(false, "platform", EnumSet.of(EQ, NE, IN, EXISTS, NOT_EXISTS)),
    /** Case-insensitive text. */
    TEXT(false, "text", EnumSet.of(EQ, NE, CONTAINS, STARTS_WITH, ENDS_WITH, IN, REGEX, EXISTS, NOT_EXISTS)),
    /** A version: ordered by its sortable key, substring operators and REGEX on the lower-cased text. */
    VERSION(false, "version", EnumSet.allOf(Operator.class)),
    /** A whole number (JSON integer). */
    NUMBER(false, "number", EnumSet.of(EQ, NE, LT, LE, GT, GE, IN, EXISTS, NOT_EXISTS)),
    /** A list of IPv4 addresses; IN takes addresses and CIDR blocks. */
    IPV4_LIST(true, "list of IPv4 addresses",
            EnumSet.of(EQ, NE, CONTAINS, STARTS_WITH, ENDS_WITH, IN, REGEX, EXISTS, NOT_EXISTS)),
    /** A list of case-insensitive texts. */
    TEXT_LIST(true, "list of text", EnumSet.of(EQ, NE, CONTAINS, STARTS_WITH, ENDS_WITH, IN, REGEX, EXISTS, NOT_EXISTS)),
    /** A list of versions. */
    VERSION_LIST(true, "list of versions", EnumSet.allOf(Operator.class));

    private final boolean list;
    private final String description;
    private final Set<Operator> operators;

    AttributeType(boolean list, String description, Set<Operator> operators) {
        this.list = list;
        this.description = description;
        this.operators = operators;
    }

    /** True for the list types (ANY element decides). */
    public boolean list() {
        return list;
    }

    /** A short human description ("list of text"). */
    public String description() {
        return description;
    }

    /** The operators this type accepts. */
    public Set<Operator> operators() {
        return EnumSet.copyOf(operators);
    }

    /** Whether this type accepts the operator. */
    public boolean supports(Operator operator) {
        return operators.contains(operator);
    }

    /** True for VERSION and VERSION_LIST (EQ, NE, IN and ordering use the sortable key). */
    public boolean versioned() {
        return this == VERSION || this == VERSION_LIST;
    }
}
