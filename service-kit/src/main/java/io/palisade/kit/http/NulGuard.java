package io.palisade.kit.http;

import com.fasterxml.jackson.core.io.IOContext;
import com.fasterxml.jackson.core.io.InputDecorator;
import io.palisade.kit.problem.ProblemException;
import java.io.FilterInputStream;
import java.io.FilterReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;

/**
 * Refuses JSON text that spells the character U+0000 ({@code \u0000} inside a string). JSON allows it, but PostgreSQL
 * stores it neither in {@code text} nor in {@code jsonb}: without this guard such a body would pass every check and
 * fail at the database as a 500. Installed on the services' {@link com.fasterxml.jackson.databind.ObjectMapper}
 * ({@link StrictJson}) it covers every field of every body, names and keys included; the answer is a 400. Quarkus
 * hands the same mapper to Vert.x, so {@code new JsonObject(text)} refuses such text too (a {@code DecodeException},
 * which consumers treat as a failure that never passes: the event is set aside, see {@code ConsumerLog}).
 * <p>
 * The scan follows escapes only: {@code \\u0000} (an escaped backslash, then the text "u0000") is accepted. A body
 * read as bytes must not hold a zero byte (UTF-16 and UTF-32 bodies are refused: UTF-8 is what the API speaks).
 */
public final class NulGuard extends InputDecorator {

    private static final long serialVersionUID = 1L;

    /** Tracks escapes across reads: one scanner per body. */
    static final class Scanner {
        private boolean escape;
        private int zeros = -1;

        /** Feeds one character (or byte) of the JSON text; throws the 400 at the fourth zero of {@code \u0000}. */
        void next(int c) {
            if (escape) {
                escape = false;
                zeros = c == 'u' ? 0 : -1;
                return;
            }
            if (zeros >= 0) {
                if (c == '0') {
                    if (++zeros == 4) {
                        throw refused();
                    }
                    return;
                }
                zeros = -1;
            }
            if (c == '\\') {
                escape = true;
            }
        }
    }

    /** The answer to a body that spells U+0000. */
    public static ProblemException refused() {
        return ProblemException.invalid("body", "text must not contain the character U+0000 (\\u0000)");
    }

    /**
     * Feeds one byte of a body read as bytes: a zero byte is refused too, as a malformed body. UTF-8 JSON never holds
     * one, and a body in UTF-16 or UTF-32 (which Jackson would detect and read) always does — its escapes would pass
     * the scan unseen.
     */
    static void nextByte(Scanner scanner, byte b) {
        if (b == 0) {
            throw new ProblemException(io.palisade.kit.problem.CommonProblems.MALFORMED_BODY, "The body is not well-formed UTF-8 JSON");
        }
        scanner.next(b);
    }

    /** Checks a whole body held in memory. */
    public static void check(byte[] json, int offset, int length) {
        Scanner scanner = new Scanner();
        for (int i = offset; i < offset + length; i++) {
            nextByte(scanner, json[i]);
        }
    }

    @Override
    public InputStream decorate(IOContext ctxt, InputStream in) {
        Scanner scanner = new Scanner();
        return new FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b >= 0) {
                    nextByte(scanner, (byte) b);
                }
                return b;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                int n = super.read(buffer, offset, length);
                for (int i = 0; i < n; i++) {
                    nextByte(scanner, buffer[offset + i]);
                }
                return n;
            }
        };
    }

    @Override
    public InputStream decorate(IOContext ctxt, byte[] src, int offset, int length) {
        check(src, offset, length);
        return null; // unchanged: Jackson reads the array itself
    }

    @Override
    public Reader decorate(IOContext ctxt, Reader r) {
        Scanner scanner = new Scanner();
        return new FilterReader(r) {
            @Override
            public int read() throws IOException {
                int c = super.read();
                if (c >= 0) {
                    scanner.next(c);
                }
                return c;
            }

            @Override
            public int read(char[] buffer, int offset, int length) throws IOException {
                int n = super.read(buffer, offset, length);
                for (int i = 0; i < n; i++) {
                    scanner.next(buffer[offset + i]);
                }
                return n;
            }
        };
    }
}
