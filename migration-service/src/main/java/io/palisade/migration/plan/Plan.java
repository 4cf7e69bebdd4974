package io.palisade.migration.plan;

import com.fasterxml.jackson.databind.JsonNode;
import io.palisade.kit.problem.Problem.FieldError;
import java.util.List;

/**
 * The outcome of planning: the problems that stop the export (all of them), or the objects to create in the
 * order they are created, with the warnings the operator should read.
 */
public record Plan(List<FieldError> errors, String sourceVersion, Rules rules, List<Item> items, List<String> warnings) {

    /** Which version rules apply. */
    public enum Rules {
        /** 7.0: the MSP tree is created, legacy groups stay unchanged beside it, moves are recommended. */
        V7_0,
        /** 7.1 and 7.2: the tree and the groups are imported as they are. */
        V7_1_2
    }

    /** Kinds of object an apply creates or maps. */
    public enum Kind { TENANT, MAPPED_GROUP, STATIC_GROUP, DYNAMIC_GROUP }

    /** The target of a parent reference: the import's target node (or its group). */
    public static final String TARGET = "TARGET";

    public static String tenantRef(String companyId) {
        return "T:" + companyId;
    }

    public static String groupRef(String groupId) {
        return "G:" + groupId;
    }

    /**
     * One object to create (or, for {@code MAPPED_GROUP}, to map onto an existing MSP-tree group).
     *
     * @param parentRef {@link #TARGET}, {@code T:<company>} or {@code G:<group>}
     */
    public record Item(Kind kind, String legacyId, int order, String name, String tenantType, String parentRef, JsonNode rule) {
    }

    public long count(Kind kind) {
        return items.stream().filter(i -> i.kind() == kind).count();
    }
}
