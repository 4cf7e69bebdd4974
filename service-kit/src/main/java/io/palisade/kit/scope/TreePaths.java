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

    /** The path of the parent ("/" for a top-level node). */
    public static String parentOf(String path) {
        int cut = path.lastIndexOf('/', path.length() - 2);
        return path.substring(0, cut + 1);
    }

    /** The id of the parent, or null for a top-level node. */
    public static UUID parentIdOf(String path) {
        String parent = parentOf(path);
        if (ROOT.equals(parent)) {
            return null;
        }
        int cut = parent.lastIndexOf('/', parent.length() - 2);
        return UUID.fromString(parent.substring(cut + 1, parent.length() - 1));
    }

    /** Every ancestor-or-self path of {@code path}, root first: "/", "/a/", "/a/b/". */
    public static java.util.List<String> lineage(String path) {
        java.util.List<String> out = new java.util.ArrayList<>();
        for (int i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1)) {
            out.add(path.substring(0, i + 1));
        }
        return out;
    }

    public static boolean within(String path, String ancestorPath) {
        return path.startsWith(ancestorPath);
    }
}
