package io.palisade.e2e.support;

import java.util.Optional;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * For a class whose ordered tests are the steps of one journey: once a step fails, the later steps are skipped
 * ("an earlier step failed") instead of failing for a reason that is not theirs.
 */
public final class StopAfterFirstFailure implements TestWatcher, ExecutionCondition {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(StopAfterFirstFailure.class);
    private static final String FAILED = "failed";

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        classStore(context).put(FAILED, context.getDisplayName());
    }

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if (context.getTestMethod().isEmpty()) {
            return ConditionEvaluationResult.enabled("a class");
        }
        String failed = classStore(context).get(FAILED, String.class);
        return failed == null ? ConditionEvaluationResult.enabled("no step failed")
                : ConditionEvaluationResult.disabled("an earlier step failed: " + failed);
    }

    private static ExtensionContext.Store classStore(ExtensionContext context) {
        Optional<ExtensionContext> parent = context.getParent();
        return parent.orElse(context).getStore(NAMESPACE);
    }
}
