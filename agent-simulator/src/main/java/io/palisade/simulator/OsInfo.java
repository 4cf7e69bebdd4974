package io.palisade.simulator;

import io.vertx.core.json.JsonObject;

/**
 * The {@code os} part of an enrolment request and of the inventory.
 *
 * @param platform {@code WINDOWS}, {@code MACOS} or {@code LINUX}
 * @param name     the product name, e.g. {@code Microsoft Windows 11 Pro}
 * @param version  the version, e.g. {@code 10.0.22631}
 */
public record OsInfo(String platform, String name, String version) {

    /** {@code {platform, name, version}}. */
    public JsonObject toJson() {
        return new JsonObject().put("platform", platform).put("name", name).put("version", version);
    }

    /** Reads {@code {platform, name, version}}; missing fields are null. */
    public static OsInfo fromJson(JsonObject json) {
        return json == null ? new OsInfo(null, null, null)
                : new OsInfo(json.getString("platform"), json.getString("name"), json.getString("version"));
    }
}
