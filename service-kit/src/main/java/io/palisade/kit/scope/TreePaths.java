package io.palisade.kit.scope;

import java.util.UUID;

/**
 * Materialised tenant paths: "/" is the root, a node's path is its parent's path plus its id and
 * "/". Under the C collation, everything in the subtree of {@code p} is the range
 * [{@code p}, {@link #upperBound(String) upperBound(p)}), an index range scan.
 */
public final class TreePaths {

    public static final String ROOT = "/";

    private TreePaths() {
    }

    public static String child(String parentPath, UUID id) {
        return parentPath + id + "/";
    }

    /** The exclusive upper bound of the subtree range of {@code path}. */
    public static String upperBound(String path) {
        return path.substring(0, path.length() - 1) + (char) ('/' + 1);
    }

    public static boolean within(String path, String ancestorPath) {
        return path.startsWith(ancestorPath);
    }
}
