package io.palisade.group.dynamic.rule;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.opentest4j.AssertionFailedError;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * Small random generators for the randomized tests, over {@link SplittableRandom}.
 *
 * <p>One seed per JVM: {@code -Dpalisade.seed=<long>} (Maven passes it on to Surefire), or else a random one. Every
 * try of every check draws from its own stream, derived from the seed, the check's name and the try's index, so a
 * failure is reproduced with the same seed whatever the order in which the tests run. Register {@link ReportSeed}
 * on a test class to have the seed in every failure message.
 */
final class Gen {
    static final String SEED_PROPERTY = "palisade.seed";
    static final long SEED = seed();

    private final SplittableRandom random;

    private Gen(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /** The stream for try {@code index} of the check {@code name}. */
    static Gen forTry(String name, int index) {
        return new Gen(mix(mix(SEED ^ mix(name.hashCode())) + index));
    }

    /** "reproduce with -Dpalisade.seed=...". */
    static String reproduce() {
        return "reproduce with -D" + SEED_PROPERTY + "=" + SEED;
    }

    private static long seed() {
        String given = System.getProperty(SEED_PROPERTY, "").trim();
        if (given.isEmpty()) {
            return new SecureRandom().nextLong();
        }
        try {
            return Long.parseLong(given);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-D" + SEED_PROPERTY + " must be a long, not '" + given + "'", e);
        }
    }

    /** The finaliser of MurmurHash3 / SplitMix64: spreads nearby seeds far apart. */
    private static long mix(long z) {
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return z ^ (z >>> 33);
    }

    // ---------------------------------------------------------------------------------------------------- values

    /** 0 (inclusive) to n (exclusive). */
    int below(int n) {
        return random.nextInt(n);
    }

    /** lo to hi, both inclusive. */
    int between(int lo, int hi) {
        return random.nextInt(lo, hi + 1);
    }

    /** lo to hi, both inclusive. */
    long between(long lo, long hi) {
        return random.nextLong(lo, hi + 1);
    }

    boolean coin() {
        return random.nextBoolean();
    }

    /** True one time in n. */
    boolean oneIn(int n) {
        return random.nextInt(n) == 0;
    }

    <T> T pick(List<T> values) {
        return values.get(random.nextInt(values.size()));
    }

    @SafeVarargs
    final <T> T pick(T... values) {
        return values[random.nextInt(values.length)];
    }

    /** {@code a} with weight {@code wa}, else {@code b} with weight {@code wb}. */
    <T> T frequency(int wa, Supplier<? extends T> a, int wb, Supplier<? extends T> b) {
        return random.nextInt(wa + wb) < wa ? a.get() : b.get();
    }

    /** A list of min to max elements (sizes equally likely). */
    <T> List<T> list(int min, int max, Supplier<? extends T> element) {
        int n = between(min, max);
        List<T> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(element.get());
        }
        return out;
    }

    /**
     * A string of 0 to maxLength chars, each one of the chars of {@code alphabet} (UTF-16 units: an emoji in the
     * alphabet gives its surrogates one by one, so unpaired surrogates occur too).
     */
    String string(String alphabet, int maxLength) {
        int n = between(0, maxLength);
        StringBuilder out = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            out.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return out.toString();
    }

    // ----------------------------------------------------------------------------------------------- reporting

    /** Puts "reproduce with -Dpalisade.seed=..." in every failure of the test class (tests and lifecycle methods). */
    static final class ReportSeed implements TestExecutionExceptionHandler, LifecycleMethodExecutionExceptionHandler {
        @Override
        public void handleTestExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
            throw withSeed(throwable);
        }

        @Override
        public void handleBeforeAllMethodExecutionException(ExtensionContext context, Throwable throwable)
                throws Throwable {
            throw withSeed(throwable);
        }

        @Override
        public void handleBeforeEachMethodExecutionException(ExtensionContext context, Throwable throwable)
                throws Throwable {
            throw withSeed(throwable);
        }

        private static Throwable withSeed(Throwable t) {
            String message = t.getMessage();
            if (message != null && message.contains("-D" + SEED_PROPERTY + "=")) {
                return t;
            }
            String prefix = "(" + reproduce() + ") ";
            if (t instanceof AssertionFailedError a) {
                AssertionFailedError wrapped = a.isExpectedDefined() || a.isActualDefined()
                        ? new AssertionFailedError(prefix + message,
                                a.isExpectedDefined() ? a.getExpected().getEphemeralValue() : null,
                                a.isActualDefined() ? a.getActual().getEphemeralValue() : null, a.getCause())
                        : new AssertionFailedError(prefix + message, a.getCause());
                wrapped.setStackTrace(a.getStackTrace());
                return wrapped;
            }
            if (t instanceof AssertionError) {
                AssertionError wrapped = new AssertionError(prefix + message, t.getCause());
                wrapped.setStackTrace(t.getStackTrace());
                return wrapped;
            }
            return new AssertionFailedError(prefix + t, t);
        }
    }
}
