package io.palisade.migration.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.palisade.kit.problem.ProblemException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The streaming reader, with a mapper as strict as a service's (trailing tokens and duplicate keys refused). */
class ExportReaderTest {

    private static final ObjectMapper STRICT = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    static final class Sink implements ExportReader.StagingSink {
        final List<String> seen = new ArrayList<>();

        @Override
        public void company(LegacyExport.Company company) {
            seen.add("company " + company.id());
        }

        @Override
        public void group(String kind, LegacyExport.Group group) {
            seen.add(kind + " " + group.id());
        }

        @Override
        public void device(int seq, String id, String name, String staticGroupId, String companyId, String hardwareId, String inventory) {
            seen.add("device " + id + " in " + staticGroupId + " " + inventory);
        }
    }

    static LegacyExport read(String json, Sink sink, long max) throws Exception {
        return new ExportReader(STRICT, 100).read(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), max, sink);
    }

    @Test
    void readsEveryPartElementByElementInAnyOrder() throws Exception {
        Sink sink = new Sink();
        LegacyExport x = read("""
                {"devices": [{"id": "u1", "staticGroupId": "g1", "inventory": {"os": {"platform": "LINUX"}}}, {"id": 7, "staticGroupId": "g1"}],
                 "unknown": {"deep": [1, 2, {"x": null}]},
                 "format": "esmc-export", "formatVersion": 1, "server": {"product": "ESMC", "version": "7.2.1"},
                 "emaAccount": {"imported": true, "companies": [{"id": "c1", "name": "A", "type": "MSP", "parentId": null}]},
                 "staticGroups": [{"id": "g1", "name": "All", "parentId": null}],
                 "dynamicGroups": [{"id": "d1", "name": "D", "parentId": "g1", "rule": {"op": "AND", "rules": []}}]}
                """, sink, 1 << 20);
        assertThat(sink.seen).containsExactly("device u1 in g1 {\"os\":{\"platform\":\"LINUX\"}}", "device 7 in g1 null",
                "company c1", "STATIC g1", "DYNAMIC d1");
        assertThat(x.version).isEqualTo("7.2.1");
        assertThat(x.imported).isTrue();
        assertThat(x.devices).isEqualTo(2);
        assertThat(x.dynamicGroups.get(0).rule().get("op").asText()).isEqualTo("AND");
        assertThat(x.digest).hasSize(64);
        assertThat(x.errors).isEmpty();
    }

    @Test
    void fieldsOfTheWrongTypeAreCollectedNotThrown() throws Exception {
        LegacyExport x = read("{\"staticGroups\": [{\"id\": {}, \"name\": 5}, 3], \"devices\": {}}", new Sink(), 1 << 20);
        assertThat(x.errors).extracting(e -> e.field())
                .containsExactly("staticGroups[0].id", "staticGroups[0].name", "staticGroups[1]", "devices");
    }

    @Test
    void anExportOverTheLimitIsRefusedWhileItStreams() {
        assertThatThrownBy(() -> read("{\"devices\": [" + "{\"id\": \"u\"},".repeat(1000) + "{}]}", new Sink(), 2000))
                .isInstanceOf(ProblemException.class).hasMessageContaining("at most 2000 bytes");
    }
}
