package io.palisade.group.dynamic.rule;

import java.util.Locale;

/** Text normalisation shared by the fact extraction, the evaluator and the SQL compiler. */
final class Texts {
    /** Numeric version segments are zero-padded to this many digits. */
    static final int VERSION_DIGITS = 10;
    private static final String ZEROS = "0".repeat(VERSION_DIGITS);

    private Texts() {
    }

    /**
     * Replaces what PostgreSQL {@code text} cannot hold or what is not Unicode (NUL, unpaired surrogates) with
     * U+FFFD, so that Java and the database see the same characters.
     */
    static String sanitize(String s) {
        if (s == null) {
            return null;
        }
        StringBuilder out = null;
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            boolean bad;
            if (c == 0) {
                bad = true;
            } else if (Character.isHighSurrogate(c)) {
                if (i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    if (out != null) {
                        out.append(c).append(s.charAt(i + 1));
                    }
                    i++;
                    continue;
                }
                bad = true;
            } else {
                bad = Character.isLowSurrogate(c);
            }
            if (bad && out == null) {
                out = new StringBuilder(n).append(s, 0, i);
            }
            if (out != null) {
                out.append(bad ? '\uFFFD' : c);
            }
        }
        return out == null ? s : out.toString();
    }

    /** True if the text has a NUL or an unpaired surrogate (rule values with them are refused). */
    static boolean unsafe(String s) {
        return !sanitize(s).equals(s);
    }

    /** The normalised (compared) form of a text: sanitised, then lower-cased with {@link Locale#ROOT}. */
    static String lower(String s) {
        return s == null ? null : sanitize(s).toLowerCase(Locale.ROOT);
    }

    /**
     * The sortable key of a (lower-cased) version: split on '.', '-' and '_' (empty segments kept); a segment of ASCII
     * digits loses its leading zeros and is left-padded with zeros to 10 digits; other segments stay as they are;
     * the segments are joined with '.'. Keys compare by code point (= PostgreSQL {@code COLLATE "C"} on UTF-8).
     * Numbers of more than 10 significant digits keep all their digits (and so sort after any shorter number only if
     * their first digit is not smaller, a documented limitation).
     */
    static String versionKey(String lowered) {
        if (lowered == null) {
            return null;
        }
        StringBuilder key = new StringBuilder(lowered.length() + 24);
        int start = 0;
        int n = lowered.length();
        for (int i = 0; i <= n; i++) {
            if (i == n || isVersionSeparator(lowered.charAt(i))) {
                if (start > 0) {
                    key.append('.');
                }
                appendSegment(key, lowered, start, i);
                start = i + 1;
            }
        }
        return key.toString();
    }

    private static boolean isVersionSeparator(char c) {
        return c == '.' || c == '-' || c == '_';
    }

    private static void appendSegment(StringBuilder key, String s, int from, int to) {
        if (from == to) {
            return;
        }
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                key.append(s, from, to);
                return;
            }
        }
        int first = from;
        while (first < to - 1 && s.charAt(first) == '0') {
            first++;
        }
        int digits = to - first;
        if (digits < VERSION_DIGITS) {
            key.append(ZEROS, 0, VERSION_DIGITS - digits);
        }
        key.append(s, first, to);
    }

    /** Compares by Unicode code point, which is the byte order of UTF-8 and so of PostgreSQL's "C" collation. */
    static int compareCodePoints(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Boolean.compare(i < a.length(), j < b.length());
    }

    /** The LIKE pattern (backslash escape) for a substring operator; the value must already be lower-cased. */
    static String likePattern(Operator operator, String lowered) {
        String escaped = lowered.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
        return switch (operator) {
            case CONTAINS -> "%" + escaped + "%";
            case STARTS_WITH -> escaped + "%";
            case ENDS_WITH -> "%" + escaped;
            default -> throw new IllegalArgumentException(operator.name());
        };
    }
}
