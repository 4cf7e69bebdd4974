package io.palisade.group.dynamic.rule;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The REGEX dialect of rules: a subset of regular expressions with one meaning, matched in memory by a linear-time
 * automaton and rendered for PostgreSQL's {@code ~}.
 *
 * <p>Accepted: literal characters, {@code .}, {@code [...]} classes (ranges, negation with a leading {@code ^},
 * {@code ]} literal when first, {@code -} literal when first or last), {@code ^}, {@code $}, {@code |},
 * {@code (...)} groups (no {@code (?} modifiers), the quantifiers {@code * + ?} and {@code {m} {m,} {m,n}} with
 * m, n &le; 100, and the escapes {@code \. \\ \- \d \w \s} (also inside classes). Not accepted: other escapes, a
 * quantifier without an operand, on an anchor or directly after another quantifier, unescaped {@code ) ] { }}
 * outside their constructs, empty alternatives, POSIX bracket expressions ({@code [:alpha:]}), patterns longer than
 * 256 characters, and patterns whose repetitions expand to more than {@value #MAX_SIZE} atoms.
 *
 * <p>Meaning (in memory and in PostgreSQL): unanchored search ("some substring matches"), {@code .} matches any
 * character including line breaks, {@code ^}/{@code $} are the start/end of the whole text, {@code \d} = [0-9],
 * {@code \w} = [a-zA-Z0-9_], {@code \s} = [ \t\n\x0B\f\r]; characters are Unicode code points. Case-insensitivity
 * works by lower-casing: the text is lower-cased, literal characters of the pattern are lower-cased, and every class
 * also contains the lower-case form of each of its members (so {@code [A-F]} matches "a".."f" and {@code [^A]} does
 * not match "a"). Texts longer than {@value #MAX_INPUT_CODE_POINTS} code points never match.
 *
 * <p>In memory the pattern runs as a Thompson automaton (a set of NFA states advanced one code point at a time), so
 * the time is at most proportional to text length &times; pattern size, without backtracking, recursion or a time
 * limit that could make the answer differ from PostgreSQL (java.util.regex takes exponential time on e.g.
 * {@code (.*a){12}b} and overflows the stack on {@code (a|b)*} over a few thousand characters). The PostgreSQL form
 * is case-sensitive and spells every character other than ASCII letters and digits as an escape ({@code \}{@code
 * uXXXX}, {@code \}{@code UXXXXXXXX}), so it does not depend on the database locale.
 */
final class SafeRegex {
    static final int MAX_LENGTH = 256;
    static final int MAX_REPEAT = 100;
    static final int MAX_SIZE = 1000;
    /** Texts with more code points than this never match (in memory and in SQL). */
    static final int MAX_INPUT_CODE_POINTS = 4096;

    private final String source;
    private final String postgresPattern;
    private final Nfa nfa;

    private SafeRegex(String source, String postgresPattern, Nfa nfa) {
        this.source = source;
        this.postgresPattern = postgresPattern;
        this.nfa = nfa;
    }

    /** A pattern outside the subset: the message names the problem and the (0-based) character position. */
    static final class SyntaxError extends Exception {
        SyntaxError(String message) {
            super(message, null, false, false);
        }
    }

    /** Parses and compiles a pattern of the subset. */
    static SafeRegex compile(String source) throws SyntaxError {
        if (source == null) {
            throw new SyntaxError("must be a string");
        }
        if (source.isEmpty()) {
            throw new SyntaxError("empty pattern");
        }
        if (source.length() > MAX_LENGTH) {
            throw new SyntaxError("longer than " + MAX_LENGTH + " characters (" + source.length() + ")");
        }
        if (Texts.unsafe(source)) {
            throw new SyntaxError("contains a NUL or an unpaired surrogate character");
        }
        Parser parser = new Parser(source);
        Node root = parser.parse();
        long size = root.size();
        if (size > MAX_SIZE) {
            throw new SyntaxError("expands to " + size + " atoms through its repetitions (at most " + MAX_SIZE + ")");
        }
        StringBuilder pg = new StringBuilder();
        root.render(pg);
        return new SafeRegex(source, pg.toString(), Nfa.of(root));
    }

    String source() {
        return source;
    }

    /** The pattern for PostgreSQL's case-sensitive {@code ~} over lower-cased text. */
    String postgresPattern() {
        return postgresPattern;
    }

    /**
     * Whether some substring of the (already lower-cased) text matches; false for null and for texts of more than
     * {@value #MAX_INPUT_CODE_POINTS} code points.
     */
    boolean find(String lowered) {
        if (lowered == null || lowered.length() > MAX_INPUT_CODE_POINTS
                && lowered.codePointCount(0, lowered.length()) > MAX_INPUT_CODE_POINTS) {
            return false;
        }
        return nfa.find(lowered.codePoints().toArray());
    }

    @Override
    public String toString() {
        return source;
    }

    // ----------------------------------------------------------------------------------------------------------- AST

    private sealed interface Node permits Alt, Seq, Lit, AnyChar, Cls, Group, Anchor, Repeat {
        long size();

        void render(StringBuilder out);
    }

    private record Alt(List<Node> branches) implements Node {
        public long size() {
            return branches.stream().mapToLong(Node::size).sum();
        }

        public void render(StringBuilder out) {
            for (int i = 0; i < branches.size(); i++) {
                if (i > 0) {
                    out.append('|');
                }
                branches.get(i).render(out);
            }
        }
    }

    private record Seq(List<Node> items) implements Node {
        public long size() {
            return items.stream().mapToLong(Node::size).sum();
        }

        public void render(StringBuilder out) {
            items.forEach(n -> n.render(out));
        }
    }

    private record Lit(int codePoint) implements Node {
        public long size() {
            return 1;
        }

        public void render(StringBuilder out) {
            appendCodePoint(out, codePoint);
        }
    }

    private record AnyChar() implements Node {
        public long size() {
            return 1;
        }

        public void render(StringBuilder out) {
            out.append('.');
        }
    }

    private record Anchor(boolean start) implements Node {
        public long size() {
            return 1;
        }

        public void render(StringBuilder out) {
            out.append(start ? "^" : "$");
        }
    }

    /** A class: sorted, disjoint, non-adjacent ranges [lo, hi] in {@code ranges} (pairs). */
    private record Cls(boolean negated, int[] ranges) implements Node {
        public long size() {
            return 1;
        }

        public void render(StringBuilder out) {
            out.append('[');
            if (negated) {
                out.append('^');
            }
            for (int i = 0; i < ranges.length; i += 2) {
                appendCodePoint(out, ranges[i]);
                if (ranges[i + 1] != ranges[i]) {
                    if (ranges[i + 1] > ranges[i] + 1) {
                        out.append('-');
                    }
                    appendCodePoint(out, ranges[i + 1]);
                }
            }
            out.append(']');
        }
    }

    private record Group(Node inner) implements Node {
        public long size() {
            return inner.size();
        }

        public void render(StringBuilder out) {
            out.append("(?:");
            inner.render(out);
            out.append(')');
        }
    }

    /** max = -1: unbounded. */
    private record Repeat(Node atom, int min, int max) implements Node {
        public long size() {
            return atom.size() * Math.max(1, max < 0 ? min + 1 : max);
        }

        public void render(StringBuilder out) {
            atom.render(out);
            if (min == 0 && max < 0) {
                out.append('*');
            } else if (min == 1 && max < 0) {
                out.append('+');
            } else if (min == 0 && max == 1) {
                out.append('?');
            } else if (max < 0) {
                out.append('{').append(min).append(",}");
            } else if (min == max) {
                out.append('{').append(min).append('}');
            } else {
                out.append('{').append(min).append(',').append(max).append('}');
            }
        }
    }

    /**
     * ASCII letters and digits as themselves; everything else as an escape PostgreSQL reads as that one literal
     * character, inside and outside classes: {@code \}{@code uXXXX} in the BMP, else {@code \}{@code UXXXXXXXX}.
     */
    private static void appendCodePoint(StringBuilder out, int cp) {
        if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9')) {
            out.append((char) cp);
        } else if (cp < 0x10000) {
            out.append(String.format("\\u%04x", cp));
        } else {
            out.append(String.format("\\U%08x", cp));
        }
    }

    // ----------------------------------------------------------------------------------------------------- automaton

    /**
     * A Thompson NFA: states of kind CHAR (consume one code point in a class), SPLIT (two epsilon edges), BOL / EOL
     * (epsilon edge taken only at the start / end of the text) and MATCH. Built backwards: each node is compiled
     * with the state that follows it.
     */
    private static final class Nfa {
        private static final int CHAR = 0;
        private static final int SPLIT = 1;
        private static final int BOL = 2;
        private static final int EOL = 3;
        private static final int MATCH = 4;
        /** CHAR state that accepts every code point. */
        private static final int[] ANY = {0, Character.MAX_CODE_POINT};

        private int count;
        private int[] kind = new int[16];
        private int[] out1 = new int[16];
        private int[] out2 = new int[16];
        private int[][] ranges = new int[16][];
        private boolean[] negated = new boolean[16];
        private int start;

        static Nfa of(Node root) {
            Nfa nfa = new Nfa();
            int match = nfa.state(MATCH, -1, -1);
            nfa.start = nfa.compile(root, match);
            return nfa;
        }

        private int state(int k, int o1, int o2) {
            if (count == kind.length) {
                int n = count * 2;
                kind = Arrays.copyOf(kind, n);
                out1 = Arrays.copyOf(out1, n);
                out2 = Arrays.copyOf(out2, n);
                ranges = Arrays.copyOf(ranges, n);
                negated = Arrays.copyOf(negated, n);
            }
            kind[count] = k;
            out1[count] = o1;
            out2[count] = o2;
            return count++;
        }

        private int charState(int[] r, boolean neg, int next) {
            int s = state(CHAR, next, -1);
            ranges[s] = r;
            negated[s] = neg;
            return s;
        }

        private int compile(Node node, int next) {
            if (node instanceof Lit l) {
                return charState(new int[] {l.codePoint(), l.codePoint()}, false, next);
            }
            if (node instanceof AnyChar) {
                return charState(ANY, false, next);
            }
            if (node instanceof Cls c) {
                return charState(c.ranges(), c.negated(), next);
            }
            if (node instanceof Anchor a) {
                return state(a.start() ? BOL : EOL, next, -1);
            }
            if (node instanceof Group g) {
                return compile(g.inner(), next);
            }
            if (node instanceof Seq seq) {
                int cur = next;
                for (int i = seq.items().size() - 1; i >= 0; i--) {
                    cur = compile(seq.items().get(i), cur);
                }
                return cur;
            }
            if (node instanceof Alt alt) {
                int n = alt.branches().size();
                int cur = compile(alt.branches().get(n - 1), next);
                for (int i = n - 2; i >= 0; i--) {
                    cur = state(SPLIT, compile(alt.branches().get(i), next), cur);
                }
                return cur;
            }
            Repeat r = (Repeat) node;
            int cur = next;
            if (r.max() < 0) {
                int loop = state(SPLIT, -1, next);
                int body = compile(r.atom(), loop); // may grow the arrays: assign after the call
                out1[loop] = body;
                cur = loop;
            } else {
                for (int i = 0; i < r.max() - r.min(); i++) {
                    cur = state(SPLIT, compile(r.atom(), cur), next);
                }
            }
            for (int i = 0; i < r.min(); i++) {
                cur = compile(r.atom(), cur);
            }
            return cur;
        }

        /** Unanchored search over code points: a new attempt starts at every position. */
        boolean find(int[] text) {
            int n = text.length;
            int[] current = new int[count];
            int[] following = new int[count];
            int[] mark = new int[count];
            int[] stack = new int[count];
            int stamp = 1;
            int size = closure(start, 0, n, current, 0, mark, stamp, stack);
            if (size < 0) {
                return true;
            }
            for (int pos = 0; pos < n; pos++) {
                int cp = text[pos];
                stamp++;
                int nextSize = 0;
                for (int i = 0; i < size; i++) {
                    int s = current[i];
                    if (accepts(s, cp)) {
                        nextSize = closure(out1[s], pos + 1, n, following, nextSize, mark, stamp, stack);
                        if (nextSize < 0) {
                            return true;
                        }
                    }
                }
                nextSize = closure(start, pos + 1, n, following, nextSize, mark, stamp, stack);
                if (nextSize < 0) {
                    return true;
                }
                int[] t = current;
                current = following;
                following = t;
                size = nextSize;
            }
            return false;
        }

        private boolean accepts(int s, int cp) {
            int[] r = ranges[s];
            boolean in = false;
            for (int i = 0; i < r.length; i += 2) {
                if (cp < r[i]) {
                    break;
                }
                if (cp <= r[i + 1]) {
                    in = true;
                    break;
                }
            }
            return in != negated[s];
        }

        /**
         * Adds the CHAR states reachable from s by epsilon edges at position pos to set (from index size) and
         * answers the new size, or -1 if MATCH is reachable. mark/stamp de-duplicates within one position.
         */
        private int closure(int s, int pos, int n, int[] set, int size, int[] mark, int stamp, int[] stack) {
            int top = 0;
            if (mark[s] != stamp) {
                mark[s] = stamp;
                stack[top++] = s;
            }
            while (top > 0) {
                int t = stack[--top];
                int next1 = -1;
                int next2 = -1;
                switch (kind[t]) {
                    case CHAR -> set[size++] = t;
                    case MATCH -> {
                        return -1;
                    }
                    case SPLIT -> {
                        next1 = out1[t];
                        next2 = out2[t];
                    }
                    case BOL -> next1 = pos == 0 ? out1[t] : -1;
                    case EOL -> next1 = pos == n ? out1[t] : -1;
                    default -> throw new IllegalStateException();
                }
                if (next2 >= 0 && mark[next2] != stamp) {
                    mark[next2] = stamp;
                    stack[top++] = next2;
                }
                if (next1 >= 0 && mark[next1] != stamp) {
                    mark[next1] = stamp;
                    stack[top++] = next1;
                }
            }
            return size;
        }
    }

    // -------------------------------------------------------------------------------------------------------- parser

    private static final int[] DIGIT = {'0', '9'};
    private static final int[] WORD = {'0', '9', 'A', 'Z', '_', '_', 'a', 'z'};
    private static final int[] SPACE = {'\t', '\r', ' ', ' '}; // \t \n \x0B \f \r are 9..13

    private static final class Parser {
        private final String s;
        private int pos;

        Parser(String s) {
            this.s = s;
        }

        Node parse() throws SyntaxError {
            Node node = alternation();
            if (pos < s.length()) {
                // only a ')' stops an alternation early
                throw error("unmatched ')'", pos);
            }
            return node;
        }

        private SyntaxError error(String message, int at) {
            return new SyntaxError(message + " at position " + at);
        }

        private boolean more() {
            return pos < s.length();
        }

        private int peek() {
            return s.codePointAt(pos);
        }

        private int next() {
            int cp = s.codePointAt(pos);
            pos += Character.charCount(cp);
            return cp;
        }

        private Node alternation() throws SyntaxError {
            List<Node> branches = new ArrayList<>();
            branches.add(sequence());
            while (more() && peek() == '|') {
                pos++;
                branches.add(sequence());
            }
            return branches.size() == 1 ? branches.get(0) : new Alt(List.copyOf(branches));
        }

        private Node sequence() throws SyntaxError {
            List<Node> items = new ArrayList<>();
            while (more() && peek() != '|' && peek() != ')') {
                items.add(piece());
            }
            if (items.isEmpty()) {
                throw error("empty alternative", pos);
            }
            return items.size() == 1 ? items.get(0) : new Seq(List.copyOf(items));
        }

        private Node piece() throws SyntaxError {
            Node atom = atom();
            if (!more() || !isQuantifierStart(peek())) {
                return atom;
            }
            if (atom instanceof Anchor) {
                throw error("a quantifier cannot follow an anchor", pos);
            }
            Node repeated = quantifier(atom);
            if (more() && isQuantifierStart(peek())) {
                throw error("a quantifier cannot follow another quantifier (put the first one in a group)", pos);
            }
            return repeated;
        }

        private static boolean isQuantifierStart(int cp) {
            return cp == '*' || cp == '+' || cp == '?' || cp == '{';
        }

        private Node quantifier(Node atom) throws SyntaxError {
            int at = pos;
            int c = next();
            switch (c) {
                case '*':
                    return new Repeat(atom, 0, -1);
                case '+':
                    return new Repeat(atom, 1, -1);
                case '?':
                    return new Repeat(atom, 0, 1);
                default:
                    break;
            }
            int min = number(at);
            int max = min;
            if (more() && peek() == ',') {
                pos++;
                max = more() && peek() >= '0' && peek() <= '9' ? number(at) : -1;
            }
            if (!more() || next() != '}') {
                throw error("malformed repetition, expected {m}, {m,} or {m,n}", at);
            }
            if (min > MAX_REPEAT || max > MAX_REPEAT) {
                throw error("repetition count above " + MAX_REPEAT, at);
            }
            if (max >= 0 && max < min) {
                throw error("repetition {m,n} with n < m", at);
            }
            return new Repeat(atom, min, max);
        }

        private int number(int at) throws SyntaxError {
            int start = pos;
            long value = 0;
            while (more() && peek() >= '0' && peek() <= '9') {
                value = Math.min(value * 10 + (next() - '0'), 1_000_000);
            }
            if (pos == start) {
                throw error("malformed repetition, expected {m}, {m,} or {m,n}", at);
            }
            return (int) value;
        }

        private Node atom() throws SyntaxError {
            int at = pos;
            int c = next();
            switch (c) {
                case '(': {
                    if (more() && peek() == '?') {
                        throw error("group modifiers '(?' are not supported", at);
                    }
                    Node inner = alternation();
                    if (!more() || peek() != ')') {
                        throw error("unclosed group '('", at);
                    }
                    pos++;
                    return new Group(inner);
                }
                case '[':
                    return charClass(at);
                case '.':
                    return new AnyChar();
                case '^':
                    return new Anchor(true);
                case '$':
                    return new Anchor(false);
                case '\\': {
                    int[] named = escape(at);
                    return named.length == 1 ? new Lit(named[0]) : new Cls(false, withLowerCase(List.of(named)));
                }
                case '*':
                case '+':
                case '?':
                case '{':
                    throw error("quantifier '" + Character.toString(c) + "' without anything to repeat", at);
                case ']':
                case '}':
                    throw error("unescaped '" + Character.toString(c) + "' (write it inside a class, e.g. [" + Character.toString(c) + "])", at);
                default:
                    return new Lit(Character.toLowerCase(c));
            }
        }

        /** After a backslash: a literal ({@code [cp]}) or a named class (ranges, length &ge; 2). */
        private int[] escape(int at) throws SyntaxError {
            if (!more()) {
                throw error("pattern ends with '\\'", at);
            }
            int c = next();
            return switch (c) {
                case '.', '\\', '-' -> new int[] {c};
                case 'd' -> DIGIT;
                case 'w' -> WORD;
                case 's' -> SPACE;
                default -> throw error("unsupported escape '\\" + Character.toString(c)
                        + "' (only \\. \\\\ \\- \\d \\w \\s)", at);
            };
        }

        private Node charClass(int at) throws SyntaxError {
            boolean negated = false;
            if (more() && peek() == '^') {
                negated = true;
                pos++;
            }
            List<int[]> ranges = new ArrayList<>();
            boolean first = true;
            while (true) {
                if (!more()) {
                    throw error("unclosed class '['", at);
                }
                int itemAt = pos;
                int c = next();
                if (c == ']' && !first) {
                    break;
                }
                int lo;
                if (c == '\\') {
                    int[] e = escape(itemAt);
                    if (e.length > 1) {
                        ranges.add(e);
                        first = false;
                        if (more() && peek() == '-' && pos + 1 < s.length() && s.charAt(pos + 1) != ']') {
                            throw error("a range cannot start at a class escape", itemAt);
                        }
                        continue;
                    }
                    lo = e[0];
                } else if (c == '[' && more() && (peek() == ':' || peek() == '.' || peek() == '=')) {
                    throw error("POSIX bracket expressions like [:alpha:] are not supported", itemAt);
                } else if (c == '-' && !first && !(more() && peek() == ']')) {
                    throw error("'-' must be first or last in a class, or escaped as \\-", itemAt);
                } else {
                    lo = c;
                }
                first = false;
                if (more() && peek() == '-' && pos + 1 < s.length() && s.charAt(pos + 1) != ']') {
                    pos++; // the '-'
                    int hiAt = pos;
                    int h = next();
                    int hi;
                    if (h == '\\') {
                        int[] e = escape(hiAt);
                        if (e.length > 1) {
                            throw error("a range cannot end at a class escape", hiAt);
                        }
                        hi = e[0];
                    } else if (h == '[' && more() && (peek() == ':' || peek() == '.' || peek() == '=')) {
                        throw error("POSIX bracket expressions like [:alpha:] are not supported", hiAt);
                    } else {
                        hi = h;
                    }
                    if (hi < lo) {
                        throw error("range out of order", itemAt);
                    }
                    ranges.add(new int[] {lo, hi});
                    if (more() && peek() == '-' && pos + 1 < s.length() && s.charAt(pos + 1) != ']') {
                        throw error("'-' must be first or last in a class, or escaped as \\-", pos);
                    }
                } else {
                    ranges.add(new int[] {lo, lo});
                }
            }
            return new Cls(negated, withLowerCase(ranges));
        }
    }

    // ------------------------------------------------------------------------------------------------ class helpers

    /** Code points whose lower-case form differs, ascending. */
    private static final class Cased {
        static final int[] CODE_POINTS = compute();

        private static int[] compute() {
            int[] found = new int[4096];
            int n = 0;
            for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp++) {
                if (Character.toLowerCase(cp) != cp) {
                    if (n == found.length) {
                        found = Arrays.copyOf(found, n * 2);
                    }
                    found[n++] = cp;
                }
            }
            return Arrays.copyOf(found, n);
        }
    }

    /** The union of the ranges and the lower-case forms of their members, as sorted disjoint pairs. */
    private static int[] withLowerCase(List<int[]> items) {
        List<int[]> all = new ArrayList<>();
        for (int[] item : items) {
            for (int i = 0; i < item.length; i += 2) {
                int lo = item[i];
                int hi = item[i + 1];
                all.add(new int[] {lo, hi});
                int[] cased = Cased.CODE_POINTS;
                int from = Arrays.binarySearch(cased, lo);
                if (from < 0) {
                    from = -from - 1;
                }
                for (int k = from; k < cased.length && cased[k] <= hi; k++) {
                    int lower = Character.toLowerCase(cased[k]);
                    all.add(new int[] {lower, lower});
                }
            }
        }
        all.sort((a, b) -> Integer.compare(a[0], b[0]));
        List<int[]> merged = new ArrayList<>();
        for (int[] r : all) {
            int[] last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
            if (last != null && r[0] <= last[1] + 1) {
                last[1] = Math.max(last[1], r[1]);
            } else {
                merged.add(new int[] {r[0], r[1]});
            }
        }
        int[] out = new int[merged.size() * 2];
        for (int i = 0; i < merged.size(); i++) {
            out[2 * i] = merged.get(i)[0];
            out[2 * i + 1] = merged.get(i)[1];
        }
        return out;
    }
}
