package io.palisade.simulator.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/**
 * What {@code run} keeps beside the identity between runs, in {@code state.json}: the last sequence sent (so
 * sequences keep growing across runs) and the simulated machine's inventory (so tasks' effects last).
 */
record RunState(long lastSequence, JsonObject inventory) {

    static final String FILE = "state.json";

    /** The saved state, or null when there is none (or it is unreadable). */
    static RunState load(Path dir) {
        Path file = dir.resolve(FILE);
        if (!Files.exists(file)) {
            return null;
        }
        try {
            JsonObject json = new JsonObject(Files.readString(file, StandardCharsets.UTF_8));
            return new RunState(json.getLong("lastSequence", 0L), json.getJsonObject("inventory"));
        } catch (IOException | DecodeException | ClassCastException e) {
            return null;
        }
    }

    static void save(Path dir, RunState state) throws IOException {
        Path temporary = dir.resolve(FILE + ".tmp");
        Files.writeString(temporary, new JsonObject().put("lastSequence", state.lastSequence())
                .put("inventory", state.inventory()).encodePrettily() + "\n", StandardCharsets.UTF_8);
        Files.move(temporary, dir.resolve(FILE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
