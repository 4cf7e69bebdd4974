package io.palisade.bench.dynamic;

/**
 * The benchmark's knobs, from system properties ({@code -Ddevices=100000}).
 *
 * @param devices   devices to load (default 1,000,000)
 * @param customers customers they belong to (default 10,000), under customers / 100 MSPs
 * @param runs      measured runs of each query, alternating template and by-hand (default 7)
 * @param warmups   unmeasured runs of each query first (default 2)
 * @param profiles  distinct inventory documents the devices are drawn from (default 4,096)
 * @param seed      seed of the synthetic data (default 42)
 * @param data      PostgreSQL data directory to keep the loaded fleet in for later runs; empty = a temporary one
 * @param workers   max_parallel_workers_per_gather for the measured queries; -1 (default) = the server's (2)
 */
record BenchConfig(int devices, int customers, int runs, int warmups, int profiles, long seed, String data,
                   int workers) {

    BenchConfig {
        require(devices >= 1, "devices >= 1");
        require(customers >= 1, "customers >= 1");
        require(runs >= 1, "runs >= 1");
        require(warmups >= 0, "warmups >= 0");
        require(profiles >= 1, "profiles >= 1");
    }

    static BenchConfig fromSystemProperties() {
        return new BenchConfig(
                integer("devices", 1_000_000),
                integer("customers", 10_000),
                integer("runs", 7),
                integer("warmups", 2),
                integer("profiles", 4096),
                Long.getLong("seed", 42L),
                System.getProperty("data", ""),
                integer("workers", -1));
    }

    /** The data directory, or null for a temporary one. */
    java.nio.file.Path dataDirectory() {
        return data.isBlank() ? null : java.nio.file.Path.of(data);
    }

    private static int integer(String name, int defaultValue) {
        String value = System.getProperty(name);
        if (value == null || value.isBlank()) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(value.replace("_", "").replace(",", "").trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-D" + name + " must be a whole number, not " + value);
        }
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
