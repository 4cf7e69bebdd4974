package io.palisade.bench.dynamic;

import com.fasterxml.jackson.databind.ObjectMapper;

/** The one Jackson mapper of the benchmark. */
final class BenchJson {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private BenchJson() {
    }
}
