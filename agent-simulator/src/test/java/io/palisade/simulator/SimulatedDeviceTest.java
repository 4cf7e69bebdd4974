package io.palisade.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

class SimulatedDeviceTest {

    static SimulatedDevice unprotectedWindowsPc() {
        return SimulatedDevice.fromInventory("hw-1", new JsonObject()
                .put("hostname", "DESKTOP-TEST")
                .put("os", new JsonObject().put("platform", "WINDOWS").put("name", "Microsoft Windows 11 Pro").put("version", "10.0.22631"))
                .put("agent", new JsonObject().put("version", "11.1.2039"))
                .put("hardware", new JsonObject().put("ramMb", 16384).put("cpu", "Intel(R) Core(TM) i5-12500"))
                .put("network", new JsonObject().put("ipv4", new JsonArray().add("192.168.1.20")))
                .put("products", new JsonArray().add(new JsonObject().put("name", "7-Zip").put("version", "24.09")))
                .put("protection", new JsonObject().put("status", "NOT_PROTECTED"))
                .put("tags", new JsonArray()));
    }

    @Test
    void theSameSeedMakesTheSameMachine() {
        assertEquals(SimulatedDevice.random(42).inventory(), SimulatedDevice.random(42).inventory());
        assertEquals(SimulatedDevice.random(42).hardwareId(), SimulatedDevice.random(42).hardwareId());
        assertNotEquals(SimulatedDevice.random(42).hardwareId(), SimulatedDevice.random(43).hardwareId());
    }

    @Test
    void aFleetHasTheRealisticMix() {
        Map<String, Integer> platforms = new HashMap<>();
        int withSecurityProduct = 0;
        for (int seed = 0; seed < 2000; seed++) {
            SimulatedDevice device = SimulatedDevice.random(seed);
            JsonObject inventory = device.inventory();
            platforms.merge(inventory.getJsonObject("os").getString("platform"), 1, Integer::sum);
            if (device.products().containsKey(SimulatedDevice.SECURITY_PRODUCT)) {
                withSecurityProduct++;
                assertTrue(Set.of("PROTECTED", "AT_RISK").contains(device.protectionStatus()));
            } else {
                assertEquals("NOT_PROTECTED", device.protectionStatus());
            }
            long ram = inventory.getJsonObject("hardware").getLong("ramMb");
            assertTrue(ram >= 4096 && ram <= 131072, "ram " + ram);
            for (Object ip : inventory.getJsonObject("network").getJsonArray("ipv4")) {
                assertTrue(((String) ip).matches("(10|192\\.168|172\\.(1[6-9]|2\\d|3[01]))\\..*"), "private address " + ip);
            }
            assertFalse(inventory.getString("hostname").isBlank());
        }
        assertEquals(0.60, platforms.get("WINDOWS") / 2000.0, 0.04);
        assertEquals(0.25, platforms.get("MACOS") / 2000.0, 0.04);
        assertEquals(0.15, platforms.get("LINUX") / 2000.0, 0.04);
        assertEquals(0.66, withSecurityProduct / 2000.0, 0.05);
    }

    @Test
    void installingASecurityProductProtectsAnUnprotectedDevice() {
        SimulatedDevice device = unprotectedWindowsPc();
        long before = device.version();
        TaskResult result = device.execute(new Task("t1", "INSTALL_PRODUCT",
                new JsonObject().put("name", SimulatedDevice.SECURITY_PRODUCT).put("version", "11.2.100.0")));
        assertEquals(TaskResult.SUCCEEDED, result.status());
        assertEquals("11.2.100.0", device.products().get(SimulatedDevice.SECURITY_PRODUCT));
        assertEquals("PROTECTED", device.protectionStatus());
        assertTrue(device.version() > before);
    }

    @Test
    void installingAnotherProductLeavesProtectionAlone() {
        SimulatedDevice device = unprotectedWindowsPc();
        device.execute(new Task("t1", "INSTALL_PRODUCT", new JsonObject().put("name", "Google Chrome").put("version", "133.0")));
        assertEquals("NOT_PROTECTED", device.protectionStatus());
        assertEquals("133.0", device.products().get("Google Chrome"));
    }

    @Test
    void uninstallingRemovesTheProductAndFailsWhenItIsNotInstalled() {
        SimulatedDevice device = unprotectedWindowsPc();
        assertEquals(TaskResult.SUCCEEDED, device.execute(new Task("t1", "UNINSTALL_PRODUCT", new JsonObject().put("name", "7-Zip"))).status());
        assertFalse(device.products().containsKey("7-Zip"));
        long version = device.version();
        TaskResult missing = device.execute(new Task("t2", "UNINSTALL_PRODUCT", new JsonObject().put("name", "7-Zip")));
        assertEquals(TaskResult.FAILED, missing.status());
        assertEquals("7-Zip is not installed", missing.output());
        assertEquals(version, device.version(), "a failed task changes nothing");
    }

    @Test
    void setTagsReplacesTheTagsAndUpdateModulesBumpsThePatch() {
        SimulatedDevice device = unprotectedWindowsPc();
        device.execute(new Task("t1", "SET_TAGS", new JsonObject().put("tags", new JsonArray().add("vip").add("berlin"))));
        assertEquals(List.of("vip", "berlin"), device.tags());
        long version = device.version();
        device.execute(new Task("t2", "SET_TAGS", new JsonObject().put("tags", new JsonArray().add("vip").add("berlin"))));
        assertEquals(version, device.version(), "the same tags are no change");
        assertEquals(TaskResult.FAILED, device.execute(new Task("t3", "SET_TAGS", new JsonObject().put("tags", "vip"))).status());

        TaskResult update = device.execute(new Task("t4", "UPDATE_MODULES", null));
        assertEquals(TaskResult.SUCCEEDED, update.status());
        assertEquals("11.1.2040", device.agentVersion());
    }

    @Test
    void scansChangeNothingAndUnknownTasksFail() {
        SimulatedDevice device = unprotectedWindowsPc();
        long version = device.version();
        TaskResult scan = device.execute(new Task("t1", "RUN_SCAN", new JsonObject()));
        assertEquals(new TaskResult("t1", "SUCCEEDED", "scan finished: 0 threats"), scan);
        assertEquals(new TaskResult("t2", "FAILED", "unsupported task type"),
                device.execute(new Task("t2", "REBOOT", new JsonObject())));
        assertEquals(version, device.version());
    }
}
