package io.palisade.simulator;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The simulator's own version (from the build). */
final class Versions {

    /** e.g. {@code 0.1.0-SNAPSHOT}; "dev" when run from classes without the filtered resource. */
    static final String SIMULATOR = read();

    private Versions() {
    }

    private static String read() {
        try (InputStream in = Versions.class.getResourceAsStream("simulator.properties")) {
            if (in == null) {
                return "dev";
            }
            Properties properties = new Properties();
            properties.load(in);
            String version = properties.getProperty("version", "dev");
            return version.startsWith("${") ? "dev" : version;
        } catch (IOException e) {
            return "dev";
        }
    }
}
