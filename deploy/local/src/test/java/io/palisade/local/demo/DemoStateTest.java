package io.palisade.local.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoStateTest {

    @Test
    void roundTripsThroughAFileOnlyItsOwnerCanRead(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("demo").resolve("state.json");
        DemoState state = DemoState.load(file);
        assertNull(state.tenantId("Acme"), "no file: an empty state");
        state.tenantId("Acme", "t-1");
        state.login("maria", new DemoState.Login("pw-1", "SECRET"));
        state.login("tom", new DemoState.Login("pw-2", null));
        state.installer("Acme", new DemoState.Installer("i-1", "token-1"));
        state.caPem("PEM");
        state.mspGroupId("g-1");
        state.templateId("tpl-1");
        state.dynamicGroupId("g-2");
        state.proxyPassword("proxy-pw");
        state.save(file);

        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        DemoState again = DemoState.load(file);
        assertEquals("t-1", again.tenantId("Acme"));
        assertEquals(new DemoState.Login("pw-1", "SECRET"), again.login("maria"));
        assertEquals(new DemoState.Login("pw-2", null), again.login("tom"));
        assertEquals(new DemoState.Installer("i-1", "token-1"), again.installer("Acme"));
        assertEquals("PEM", again.caPem());
        assertEquals("g-1", again.mspGroupId());
        assertEquals("tpl-1", again.templateId());
        assertEquals("g-2", again.dynamicGroupId());
        assertEquals("proxy-pw", again.proxyPassword());
    }

    @Test
    void forgettingTheServerKeepsOnlyTheProxyPassword(@TempDir Path dir) throws Exception {
        DemoState state = DemoState.load(dir.resolve("none.json"));
        state.tenantId("Acme", "t-1");
        state.login("maria", new DemoState.Login("pw", null));
        state.dynamicGroupId("g");
        state.proxyPassword("keep");
        state.clearServerState();
        assertNull(state.tenantId("Acme"));
        assertNull(state.login("maria"));
        assertNull(state.dynamicGroupId());
        assertEquals("keep", state.proxyPassword());
    }
}
