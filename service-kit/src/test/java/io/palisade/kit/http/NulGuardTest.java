package io.palisade.kit.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.palisade.kit.problem.ProblemException;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The JSON reader of every service refuses text that spells U+0000, wherever it is, and only that. */
class NulGuardTest {

    private static ObjectMapper strict() {
        ObjectMapper mapper = new ObjectMapper();
        new StrictJson().customize(mapper);
        return mapper;
    }

    /** A stream that hands out one byte per read, so an escape is cut across every possible boundary. */
    private static InputStream trickle(String json) {
        return new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, 1));
            }
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"name\":\"a\\u0000b\"}",
            "{\"a\\u0000\":1}",
            "[\"x\",{\"deep\":[\"\\u0000\"]}]",
            "{\"name\":\"\\\\\\u0000\"}",
            "\"\\u00000\""})
    void textSpellingNulIsRefusedAsA400(String json) {
        ObjectMapper mapper = strict();
        for (var read : List.<org.junit.jupiter.api.function.Executable>of(
                () -> mapper.readTree(json),
                () -> mapper.readTree(json.getBytes(StandardCharsets.UTF_8)),
                () -> mapper.readTree(trickle(json)),
                () -> mapper.readTree(new StringReader(json)),
                () -> mapper.readValue(trickle(json), Object.class))) {
            ProblemException refused = assertThrows(ProblemException.class, read);
            assertEquals(400, refused.type().status());
            assertEquals("body", refused.errors().get(0).field());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"name\":\"\\\\u0000\"}",
            "{\"name\":\"\\u0001\\u0010\\u0100\"}",
            "{\"name\":\"u0000\"}",
            "{\"name\":\"\\\\\\\\u0000\"}",
            "{\"n\":0,\"m\":\"\\u00a0\\\"u0000\"}"})
    void everythingElseReadsAsBefore(String json) throws Exception {
        ObjectMapper mapper = strict();
        JsonNode expected = new ObjectMapper().readTree(json);
        assertEquals(expected, mapper.readTree(json));
        assertEquals(expected, mapper.readTree(trickle(json)));
        assertEquals(expected, mapper.readTree(json.getBytes(StandardCharsets.UTF_8)));
        assertEquals(expected, mapper.readTree(new StringReader(json)));
    }

    @Test
    void aBodyInUtf16IsRefusedItsEscapesWouldPassUnseen() {
        String json = "{\"a\":\"x\\u0000\"}";
        for (java.nio.charset.Charset charset : List.of(StandardCharsets.UTF_16BE, StandardCharsets.UTF_16LE)) {
            byte[] body = json.getBytes(charset);
            assertEquals("malformed-body", assertThrows(ProblemException.class, () -> strict().readTree(body)).type().slug());
            assertEquals("malformed-body", assertThrows(ProblemException.class,
                    () -> strict().readTree(new ByteArrayInputStream(body))).type().slug());
        }
    }

    @Test
    void farIntoALargeBodyTheAnswerStillNamesTheCharacterNotTheFieldBeingRead() {
        StringBuilder json = new StringBuilder("{\"items\":[");
        for (int i = 0; i < 2000; i++) {
            json.append(i == 0 ? "" : ",").append("{\"name\":\"item ").append(i).append(i == 1500 ? "\\u0000" : "").append("\"}");
        }
        json.append("]}");
        Exception failure = assertThrows(Exception.class,
                () -> strict().readValue(new ByteArrayInputStream(json.toString().getBytes(StandardCharsets.UTF_8)), new com.fasterxml.jackson.core.type.TypeReference<Map<String, List<Map<String, String>>>>() { }));
        ProblemException answer = io.palisade.kit.problem.ProblemMappers.classify(failure);
        assertEquals("body", answer.errors().get(0).field());
        assertEquals(400, answer.type().status());
    }

    @Test
    void anEscapedBackslashBeforeUIsText() throws Exception {
        Map<?, ?> read = strict().readValue("{\"path\":\"C:\\\\u0000dir\"}", Map.class);
        assertEquals("C:\\u0000dir", read.get("path"));
    }
}
