/**
 * The dynamic-group rule engine: pure Java, no CDI.
 *
 * <ul>
 * <li>{@link io.palisade.group.dynamic.rule.RuleParser} reads and validates the JSON form of a
 *     {@link io.palisade.group.dynamic.rule.Rule} (400-style problems with paths) and writes the canonical form.</li>
 * <li>{@link io.palisade.group.dynamic.rule.DeviceFacts} are the normalised facts of an inventory document: the
 *     device table's fact columns and the input of the in-memory evaluator.</li>
 * <li>{@link io.palisade.group.dynamic.rule.RuleEvaluator} decides a rule for one device in memory (incremental
 *     path); its Javadoc is the reference for what rules mean.</li>
 * <li>{@link io.palisade.group.dynamic.rule.SqlCompiler} turns a rule into one SQL predicate over the device table
 *     (full evaluation) that selects exactly the devices the evaluator matches.</li>
 * </ul>
 */
package io.palisade.group.dynamic.rule;
