package io.palisade.bench.dynamic;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.palisade.group.dynamic.rule.DeviceFacts;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A catalogue of realistic inventory documents (without hostname and network, which are per device) that the
 * synthetic devices are drawn from: a platform mix of about 70 % Windows (a sixth of it servers), 15 % macOS and
 * 15 % Linux (mostly servers); the security product on most but not all machines; RAM, OS and agent versions
 * (7.4 … 7.12, so that 7.10 sorts after 7.9), products with versions, tags in mixed case, and a few incomplete
 * inventories (no products, no tags, no OS version or RAM) so that absent facts are exercised too.
 */
final class InventoryProfiles {
    static final String SECURITY_PRODUCT = "Palisade Endpoint Security";

    /** One inventory document and the facts group-service would store for it. */
    record Profile(int id, String hostPrefix, ObjectNode inventory, DeviceFacts facts) {
    }

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final String[] WORKSTATION_TAGS = {"Finance", "Sales", "Engineering", "HR", "VIP", "Laptop",
            "Remote", "BYOD", "Kiosk", "POS", "Decommissioning"};
    private static final double[] WORKSTATION_TAG_ODDS = {0.12, 0.15, 0.15, 0.05, 0.03, 0.45, 0.25, 0.05, 0.01,
            0.01, 0.02};

    private final Random random;

    private InventoryProfiles(long seed) {
        this.random = new Random(seed);
    }

    /** {@code count} profiles, the same for the same seed. */
    static List<Profile> generate(int count, long seed) {
        InventoryProfiles generator = new InventoryProfiles(seed);
        List<Profile> profiles = new ArrayList<>(count);
        for (int id = 0; id < count; id++) {
            profiles.add(generator.profile(id));
        }
        return profiles;
    }

    private Profile profile(int id) {
        double p = random.nextDouble();
        String platform = p < 0.70 ? "Windows" : p < 0.85 ? "macOS" : "Linux";
        boolean server = switch (platform) {
            case "Windows" -> chance(0.17);
            case "Linux" -> chance(0.60);
            default -> false;
        };
        ObjectNode inventory = JSON.objectNode();
        String[] os = os(platform, server);
        ObjectNode osNode = inventory.putObject("os").put("platform", platform).put("name", os[0]);
        boolean incomplete = chance(0.02);
        if (!incomplete) {
            osNode.put("version", os[1]);
        }
        inventory.putObject("agent").put("version", "7." + (4 + random.nextInt(9)) + "." + random.nextInt(6));
        ObjectNode hardware = inventory.putObject("hardware").put("cpu", pick("Intel Core i5-1245U",
                "Intel Core i7-1365U", "AMD Ryzen 7 PRO 7840U", "Intel Xeon Silver 4314", "Apple M2", "Apple M3 Pro"));
        if (!incomplete) {
            hardware.put("ramMb", ram(platform, server));
        }
        boolean security = chance(switch (platform) {
            case "Windows" -> 0.75;
            case "macOS" -> 0.40;
            default -> 0.30;
        });
        if (!chance(0.03)) {
            ArrayNode products = inventory.putArray("products");
            if (security) {
                product(products, SECURITY_PRODUCT, "11." + random.nextInt(3) + "." + (2000 + random.nextInt(80)));
            }
            products(products, platform, server);
        }
        if (security) {
            double s = random.nextDouble();
            inventory.putObject("protection").put("status", s < 0.90 ? "Protected" : s < 0.98 ? "At risk" : "Disabled");
        }
        ArrayNode tags = JSON.arrayNode();
        if (server) {
            tags.add("Server");
            if (chance(0.3)) {
                tags.add("Production");
            }
        } else {
            for (int t = 0; t < WORKSTATION_TAGS.length; t++) {
                if (chance(WORKSTATION_TAG_ODDS[t])) {
                    tags.add(WORKSTATION_TAGS[t]);
                }
            }
        }
        if (!tags.isEmpty()) {
            inventory.set("tags", tags);
        }
        String hostPrefix = server ? "srv" : platform.equals("macOS") ? "mac" : platform.equals("Linux") ? "lnx" : "ws";
        return new Profile(id, hostPrefix, inventory, DeviceFacts.from(inventory));
    }

    private String[] os(String platform, boolean server) {
        int build = random.nextInt(900);
        return switch (platform) {
            case "Windows" -> server
                    ? pick(new String[][] {{"Windows Server 2019 Standard", "10.0.17763." + (5000 + build)},
                            {"Windows Server 2022 Standard", "10.0.20348." + (2000 + build)},
                            {"Windows Server 2022 Datacenter", "10.0.20348." + (2000 + build)},
                            {"Windows Server 2025 Standard", "10.0.26100." + (1000 + build)}})
                    : pick(new String[][] {{"Windows 10 Pro", "10.0.19045." + (4000 + build)},
                            {"Windows 11 Pro", "10.0.22631." + (3000 + build)},
                            {"Windows 11 Enterprise", "10.0.22631." + (3000 + build)},
                            {"Windows 11 Pro", "10.0.26100." + (1000 + build)}});
            case "macOS" -> pick(new String[][] {{"macOS Ventura", "13.7." + random.nextInt(3)},
                    {"macOS Sonoma", "14." + random.nextInt(8) + "." + random.nextInt(2)},
                    {"macOS Sequoia", "15." + random.nextInt(3)}});
            default -> pick(new String[][] {{"Ubuntu", "22.04"}, {"Ubuntu", "24.04"}, {"Debian GNU/Linux", "12"},
                    {"Red Hat Enterprise Linux", "9.4"}, {"Red Hat Enterprise Linux", "8.10"}});
        };
    }

    private long ram(String platform, boolean server) {
        if (server) {
            return pick(16384L, 32768L, 65536L, 131072L);
        }
        if (platform.equals("macOS")) {
            return pick(8192L, 16384L, 18432L, 24576L, 36864L);
        }
        return pick(4096L, 8192L, 8192L, 16384L, 16384L, 32768L);
    }

    private void products(ArrayNode products, String platform, boolean server) {
        if (!server && chance(0.8)) {
            product(products, "Google Chrome", "131.0." + (6778 + random.nextInt(10)) + "." + random.nextInt(200));
        }
        if (!server && chance(0.25)) {
            product(products, "Mozilla Firefox", (130 + random.nextInt(4)) + "." + random.nextInt(2));
        }
        if (!server && !platform.equals("Linux") && chance(0.6)) {
            product(products, "Microsoft 365 Apps", "16.0." + (17000 + random.nextInt(900)) + "." + random.nextInt(300));
        }
        if (!server && chance(0.4)) {
            product(products, "Zoom Workplace", "6." + random.nextInt(3) + "." + random.nextInt(12));
        }
        if (platform.equals("Windows") && chance(0.3)) {
            product(products, "7-Zip", pick("19.00", "22.01", "23.01", "24.08"));
        }
        if (chance(0.05)) {
            product(products, "Legacy VPN Client", "5." + random.nextInt(4) + "." + random.nextInt(20));
        }
        if (chance(0.2)) {
            product(products, "Palisade Remote Access", "3." + random.nextInt(5) + ".0");
        }
        if (server && platform.equals("Windows") && chance(0.25)) {
            product(products, "Microsoft SQL Server 2019", "15.0." + (4000 + random.nextInt(400)) + ".1");
        }
        if (server && platform.equals("Linux")) {
            if (chance(0.35)) {
                product(products, "nginx", "1." + (22 + random.nextInt(5)) + "." + random.nextInt(3));
            }
            if (chance(0.2)) {
                product(products, "PostgreSQL", (14 + random.nextInt(4)) + "." + random.nextInt(12));
            }
        }
    }

    private static void product(ArrayNode products, String name, String version) {
        products.addObject().put("name", name).put("version", version);
    }

    private boolean chance(double p) {
        return random.nextDouble() < p;
    }

    @SafeVarargs
    private <T> T pick(T... options) {
        return options[random.nextInt(options.length)];
    }
}
