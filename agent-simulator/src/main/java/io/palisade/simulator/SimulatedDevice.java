package io.palisade.simulator;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The machine an agent runs on, simulated: what its inventory says, and how tasks change it.
 *
 * <p>{@link #random(long)} makes a realistic machine from a seed (the same seed, the same machine): about 60 %
 * Windows, 25 % macOS, 15 % Linux, with real OS names and versions, RAM, CPU, private IPv4 addresses, some common
 * software, and for about two thirds the Palisade security product (then mostly PROTECTED, sometimes AT_RISK;
 * without it NOT_PROTECTED).
 *
 * <p>Every change of state increments {@link #version()}, which is how an agent knows the inventory changed.
 * Methods are synchronized: an agent changes the device on its event loop while a test reads it.
 */
public final class SimulatedDevice {

    /** The product whose presence makes a device PROTECTED. */
    public static final String SECURITY_PRODUCT = "Palisade Endpoint Security";
    public static final String PROTECTED = "PROTECTED";
    public static final String AT_RISK = "AT_RISK";
    public static final String NOT_PROTECTED = "NOT_PROTECTED";

    private static final String[][] WINDOWS = {
        {"Microsoft Windows 11 Pro", "10.0.22631"}, {"Microsoft Windows 11 Pro", "10.0.26100"},
        {"Microsoft Windows 11 Enterprise", "10.0.22631"}, {"Microsoft Windows 11 Enterprise", "10.0.26100"},
        {"Microsoft Windows 10 Pro", "10.0.19045"}, {"Microsoft Windows 10 Enterprise", "10.0.19045"},
    };
    private static final String[][] WINDOWS_SERVER = {
        {"Microsoft Windows Server 2022 Standard", "10.0.20348"}, {"Microsoft Windows Server 2019 Standard", "10.0.17763"},
        {"Microsoft Windows Server 2025 Datacenter", "10.0.26100"},
    };
    private static final String[][] MACOS = {
        {"macOS Sequoia", "15.3.1"}, {"macOS Sequoia", "15.2"}, {"macOS Sonoma", "14.7.4"}, {"macOS Ventura", "13.7.4"},
    };
    private static final String[][] LINUX = {
        {"Ubuntu 24.04.1 LTS", "24.04"}, {"Ubuntu 22.04.5 LTS", "22.04"}, {"Debian GNU/Linux 12 (bookworm)", "12"},
        {"Red Hat Enterprise Linux 9.5 (Plow)", "9.5"}, {"Rocky Linux 9.5 (Blue Onyx)", "9.5"},
    };
    private static final String[] WINDOWS_CPUS = {
        "Intel(R) Core(TM) i5-1145G7 @ 2.60GHz", "Intel(R) Core(TM) i7-1265U", "Intel(R) Core(TM) i5-12500",
        "AMD Ryzen 5 PRO 5650U with Radeon Graphics", "AMD Ryzen 7 PRO 7840U w/ Radeon 780M Graphics",
    };
    private static final String[] SERVER_CPUS = {
        "Intel(R) Xeon(R) Silver 4314 CPU @ 2.40GHz", "Intel(R) Xeon(R) Gold 6338 CPU @ 2.00GHz",
        "AMD EPYC 7763 64-Core Processor",
    };
    private static final String[] MAC_CPUS = {"Apple M1", "Apple M2", "Apple M3", "Apple M3 Pro", "Intel(R) Core(TM) i7-9750H CPU @ 2.60GHz"};
    private static final String[] FIRST_NAMES = {"anna", "ben", "carla", "david", "eva", "felix", "gina", "hugo", "ines", "jonas", "kim", "lena", "marc", "nora", "omar", "paula"};
    private static final String[] SERVER_ROLES = {"FILE", "DC", "SQL", "APP", "PRINT", "RDS", "WEB"};
    private static final String[] LINUX_ROLES = {"web", "db", "build", "k8s-node", "proxy", "backup", "mail", "ubuntu-dev"};
    private static final String[][] WINDOWS_APPS = {
        {"Google Chrome", "133.0.6943.127"}, {"Microsoft 365 Apps for enterprise", "16.0.18324.20194"},
        {"Mozilla Firefox", "135.0.1"}, {"7-Zip", "24.09"}, {"Adobe Acrobat Reader", "24.005.20421"},
    };
    private static final String[][] MAC_APPS = {
        {"Google Chrome", "133.0.6943.127"}, {"Microsoft Edge", "133.0.3065.82"}, {"Slack", "4.42.117"}, {"Zoom", "6.3.11"},
    };
    private static final String[][] LINUX_APPS = {
        {"OpenSSH Server", "9.6p1"}, {"nginx", "1.24.0"}, {"Docker Engine", "27.5.1"}, {"PostgreSQL", "16.6"},
    };

    private final String hardwareId;
    private String hostname;
    private OsInfo os;
    private String agentVersion;
    private long ramMb;
    private String cpu;
    private List<String> ipv4;
    private final Map<String, String> products = new LinkedHashMap<>();
    private String protectionStatus;
    private List<String> tags;
    private long version;

    private SimulatedDevice(String hardwareId) {
        this.hardwareId = hardwareId;
    }

    /** A realistic machine, the same for the same seed. */
    public static SimulatedDevice random(long seed) {
        Random random = new Random(seed);
        byte[] idBytes = ByteBuffer.allocate(16).putLong(random.nextLong()).putLong(seed).array();
        SimulatedDevice device = new SimulatedDevice(UUID.nameUUIDFromBytes(idBytes).toString());
        double platform = random.nextDouble();
        String[][] apps;
        if (platform < 0.60) {
            boolean server = random.nextDouble() < 0.12;
            String[] os = pick(random, server ? WINDOWS_SERVER : WINDOWS);
            device.os = new OsInfo("WINDOWS", os[0], os[1]);
            device.hostname = server ? "SRV-" + pick(random, SERVER_ROLES) + "-" + String.format("%02d", 1 + random.nextInt(20))
                    : (random.nextBoolean() ? "DESKTOP-" : "LAPTOP-") + randomName(random, 7);
            device.cpu = pick(random, server ? SERVER_CPUS : WINDOWS_CPUS);
            device.ramMb = server ? pick(random, new long[] {32768, 65536, 131072}) : ram(random);
            apps = WINDOWS_APPS;
        } else if (platform < 0.85) {
            String[] os = pick(random, MACOS);
            device.os = new OsInfo("MACOS", os[0], os[1]);
            String model = pick(random, new String[] {"MacBook-Pro", "MacBook-Air", "iMac", "Mac-mini"});
            device.hostname = pick(random, FIRST_NAMES) + "s-" + model + (random.nextBoolean() ? "" : "-" + (2 + random.nextInt(8)));
            device.cpu = pick(random, MAC_CPUS);
            device.ramMb = pick(random, new long[] {8192, 16384, 16384, 24576, 32768});
            apps = MAC_APPS;
        } else {
            String[] os = pick(random, LINUX);
            device.os = new OsInfo("LINUX", os[0], os[1]);
            device.hostname = pick(random, LINUX_ROLES) + "-" + String.format("%02d", 1 + random.nextInt(40));
            device.cpu = pick(random, SERVER_CPUS);
            device.ramMb = pick(random, new long[] {4096, 8192, 16384, 32768, 65536});
            apps = LINUX_APPS;
        }
        device.agentVersion = "11.1." + pick(random, new String[] {"2039", "2045", "2052"});
        device.ipv4 = new ArrayList<>();
        device.ipv4.add(privateAddress(random));
        if (random.nextDouble() < 0.2) {
            device.ipv4.add(privateAddress(random));
        }
        double security = random.nextDouble();
        if (security < 0.66) {
            device.products.put(SECURITY_PRODUCT, "11.1." + pick(random, new String[] {"2039.0", "2045.0", "2052.1"}));
            device.protectionStatus = random.nextDouble() < 0.88 ? PROTECTED : AT_RISK;
        } else {
            if ("WINDOWS".equals(device.os.platform()) && random.nextBoolean()) {
                device.products.put("Microsoft Defender Antivirus", "4.18.24090.11");
            }
            device.protectionStatus = NOT_PROTECTED;
        }
        int appCount = 1 + random.nextInt(3);
        for (int i = 0; i < appCount; i++) {
            String[] app = pick(random, apps);
            device.products.put(app[0], app[1]);
        }
        device.tags = random.nextDouble() < 0.1 ? new ArrayList<>(List.of(pick(random, new String[] {"kiosk", "vip", "lab"})))
                : new ArrayList<>();
        return device;
    }

    /**
     * A device whose state is the given inventory document (for tests that want a known starting point, and to
     * resume a saved one). Missing parts read as empty.
     */
    public static SimulatedDevice fromInventory(String hardwareId, JsonObject inventory) {
        SimulatedDevice device = new SimulatedDevice(hardwareId);
        device.hostname = inventory.getString("hostname", "device");
        device.os = OsInfo.fromJson(inventory.getJsonObject("os"));
        device.agentVersion = inventory.getJsonObject("agent", new JsonObject()).getString("version", "11.1.0");
        JsonObject hardware = inventory.getJsonObject("hardware", new JsonObject());
        device.ramMb = hardware.getLong("ramMb", 0L);
        device.cpu = hardware.getString("cpu", "");
        device.ipv4 = strings(inventory.getJsonObject("network", new JsonObject()).getJsonArray("ipv4"));
        for (Object product : inventory.getJsonArray("products", new JsonArray())) {
            if (product instanceof JsonObject p && p.getString("name") != null) {
                device.products.put(p.getString("name"), p.getString("version", ""));
            }
        }
        device.protectionStatus = inventory.getJsonObject("protection", new JsonObject()).getString("status", NOT_PROTECTED);
        device.tags = strings(inventory.getJsonArray("tags"));
        return device;
    }

    /**
     * The inventory document: {@code {hostname, os: {platform, name, version}, agent: {version}, hardware: {ramMb,
     * cpu}, network: {ipv4: [...]}, products: [{name, version}], protection: {status}, tags: []}}.
     */
    public synchronized JsonObject inventory() {
        JsonArray productArray = new JsonArray();
        products.forEach((name, productVersion) -> productArray.add(new JsonObject().put("name", name).put("version", productVersion)));
        return new JsonObject()
                .put("hostname", hostname)
                .put("os", os.toJson())
                .put("agent", new JsonObject().put("version", agentVersion))
                .put("hardware", new JsonObject().put("ramMb", ramMb).put("cpu", cpu))
                .put("network", new JsonObject().put("ipv4", new JsonArray(new ArrayList<>(ipv4))))
                .put("products", productArray)
                .put("protection", new JsonObject().put("status", protectionStatus))
                .put("tags", new JsonArray(new ArrayList<>(tags)));
    }

    /** Increments with every change of state; starts at 0. */
    public synchronized long version() {
        return version;
    }

    /**
     * Runs a task against the state and says how it went:
     * <ul>
     * <li>{@code RUN_SCAN}: no change; "scan finished: 0 threats".</li>
     * <li>{@code UPDATE_MODULES}: the agent version's last number goes up by one.</li>
     * <li>{@code INSTALL_PRODUCT {name, version}}: adds or replaces the product; a NOT_PROTECTED device that
     * installs a product whose name contains "Security" becomes PROTECTED.</li>
     * <li>{@code UNINSTALL_PRODUCT {name}}: removes it (FAILED when not installed); removing the last product whose
     * name contains "Security" makes the device NOT_PROTECTED.</li>
     * <li>{@code SET_TAGS {tags}}: replaces the tags.</li>
     * <li>anything else: FAILED "unsupported task type".</li>
     * </ul>
     * Missing or mistyped parameters give FAILED naming the parameter. A task that changes nothing (the same tags,
     * the same product version) leaves {@link #version()} as it was.
     */
    public synchronized TaskResult execute(Task task) {
        String id = task.taskId();
        JsonObject parameters = task.parameters();
        switch (String.valueOf(task.type())) {
            case "RUN_SCAN":
                return TaskResult.succeeded(id, "scan finished: 0 threats");
            case "UPDATE_MODULES": {
                String updated = bumpPatch(agentVersion);
                agentVersion = updated;
                version++;
                return TaskResult.succeeded(id, "agent updated to " + updated);
            }
            case "INSTALL_PRODUCT": {
                String name = text(parameters, "name");
                String productVersion = text(parameters, "version");
                if (name == null || productVersion == null) {
                    return TaskResult.failed(id, "parameters 'name' and 'version' are required");
                }
                boolean changed = !productVersion.equals(products.put(name, productVersion));
                if (NOT_PROTECTED.equals(protectionStatus) && name.contains("Security")) {
                    protectionStatus = PROTECTED;
                    changed = true;
                }
                if (changed) {
                    version++;
                }
                return TaskResult.succeeded(id, "installed " + name + " " + productVersion);
            }
            case "UNINSTALL_PRODUCT": {
                String name = text(parameters, "name");
                if (name == null) {
                    return TaskResult.failed(id, "parameter 'name' is required");
                }
                if (products.remove(name) == null) {
                    return TaskResult.failed(id, name + " is not installed");
                }
                if (name.contains("Security") && products.keySet().stream().noneMatch(p -> p.contains("Security"))) {
                    protectionStatus = NOT_PROTECTED;
                }
                version++;
                return TaskResult.succeeded(id, "uninstalled " + name);
            }
            case "SET_TAGS": {
                Object value = parameters.getValue("tags");
                if (!(value instanceof JsonArray array) || !array.stream().allMatch(String.class::isInstance)) {
                    return TaskResult.failed(id, "parameter 'tags' must be a list of strings");
                }
                List<String> newTags = strings(array);
                if (!newTags.equals(tags)) {
                    tags = newTags;
                    version++;
                }
                return TaskResult.succeeded(id, "tags set: " + String.join(", ", newTags));
            }
            default:
                return TaskResult.failed(id, "unsupported task type");
        }
    }

    /** Renames the machine (the inventory changes). */
    public synchronized void setHostname(String hostname) {
        if (!hostname.equals(this.hostname)) {
            this.hostname = hostname;
            version++;
        }
    }

    public String hardwareId() {
        return hardwareId;
    }

    public synchronized String hostname() {
        return hostname;
    }

    public synchronized OsInfo os() {
        return os;
    }

    public synchronized String agentVersion() {
        return agentVersion;
    }

    /** Installed products, name to version, in installation order. */
    public synchronized Map<String, String> products() {
        return new LinkedHashMap<>(products);
    }

    public synchronized String protectionStatus() {
        return protectionStatus;
    }

    public synchronized List<String> tags() {
        return List.copyOf(tags);
    }

    @Override
    public synchronized String toString() {
        return hostname + " (" + os.name() + " " + os.version() + ", " + protectionStatus + ")";
    }

    static String bumpPatch(String version) {
        int dot = version.lastIndexOf('.');
        try {
            return version.substring(0, dot + 1) + (Long.parseLong(version.substring(dot + 1)) + 1);
        } catch (NumberFormatException e) {
            return version + ".1";
        }
    }

    private static String text(JsonObject parameters, String name) {
        Object value = parameters.getValue(name);
        return value instanceof String text && !text.isBlank() ? text : null;
    }

    private static List<String> strings(JsonArray array) {
        List<String> list = new ArrayList<>();
        if (array != null) {
            for (Object value : array) {
                if (value instanceof String text) {
                    list.add(text);
                }
            }
        }
        return list;
    }

    /** Workstation RAM: mostly 8 or 16 GiB, some 4, 32 or 64. */
    private static long ram(Random random) {
        double r = random.nextDouble();
        return r < 0.07 ? 4096 : r < 0.42 ? 8192 : r < 0.77 ? 16384 : r < 0.92 ? 32768 : 65536;
    }

    private static <T> T pick(Random random, T[] values) {
        return values[random.nextInt(values.length)];
    }

    private static long pick(Random random, long[] values) {
        return values[random.nextInt(values.length)];
    }

    private static String randomName(Random random, int length) {
        String alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789";
        StringBuilder name = new StringBuilder();
        for (int i = 0; i < length; i++) {
            name.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return name.toString();
    }

    private static String privateAddress(Random random) {
        double range = random.nextDouble();
        if (range < 0.5) {
            return "192.168." + (random.nextBoolean() ? 1 : random.nextInt(255)) + "." + (2 + random.nextInt(250));
        }
        if (range < 0.85) {
            return "10." + random.nextInt(256) + "." + random.nextInt(256) + "." + (2 + random.nextInt(250));
        }
        return "172." + (16 + random.nextInt(16)) + "." + random.nextInt(256) + "." + (2 + random.nextInt(250));
    }
}
