package io.palisade.local;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * One JVM shutdown hook that closes everything registered, last registered first. A single ordered hook (instead of a
 * hook per resource, which the JVM would run concurrently) lets the launcher stop the services before Kafka and Kafka
 * before PostgreSQL.
 */
final class Cleanup {
    private static final Deque<AutoCloseable> STACK = new ArrayDeque<>();
    private static boolean hookInstalled;
    private static volatile boolean closing;

    private Cleanup() {
    }

    /**
     * Registers a resource to close at JVM exit. If the shutdown has already begun, the resource is closed right away
     * (so nothing started during a Ctrl-C is left behind).
     */
    static void register(AutoCloseable resource) {
        synchronized (Cleanup.class) {
            if (!closing) {
                install();
                STACK.push(resource);
                return;
            }
        }
        closeQuietly(resource);
    }

    /** True once closeAll has begun (a shutdown is in progress). */
    static boolean closing() {
        return closing;
    }

    private static void install() {
        if (!hookInstalled) {
            Thread hook = new Thread(Cleanup::closeAll, "palisade-local-cleanup");
            Runtime.getRuntime().addShutdownHook(hook);
            hookInstalled = true;
        }
    }

    static synchronized void unregister(AutoCloseable resource) {
        STACK.removeIf(r -> r == resource);
    }

    /** Closes every registered resource, last registered first. Safe to call more than once. */
    static void closeAll() {
        closing = true;
        while (true) {
            AutoCloseable next;
            synchronized (Cleanup.class) {
                next = STACK.poll();
            }
            if (next == null) {
                return;
            }
            closeQuietly(next);
        }
    }

    private static void closeQuietly(AutoCloseable resource) {
        try {
            resource.close();
        } catch (Throwable t) {
            System.err.println("palisade: error while stopping " + resource + ": " + t);
        }
    }
}
