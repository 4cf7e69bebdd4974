package io.palisade.local;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LauncherTest {

    @Test
    void parsesDbUrl() {
        Launcher.DbServer db = Launcher.parseDbUrl("postgresql://palisade:s%40cr+t@db.example:6543");
        assertEquals("db.example", db.host());
        assertEquals(6543, db.port());
        assertEquals("palisade", db.user());
        assertEquals("s@cr+t", db.password());
        assertEquals("jdbc:postgresql://db.example:6543/palisade_tenant", db.jdbcUrl("palisade_tenant"));
        assertEquals("postgresql://db.example:6543/palisade_tenant", db.reactiveUrl("palisade_tenant"));

        Launcher.DbServer defaults = Launcher.parseDbUrl("jdbc:postgresql://app@10.0.0.5/ignored?sslmode=disable");
        assertEquals("10.0.0.5", defaults.host());
        assertEquals(5432, defaults.port());
        assertEquals("app", defaults.user());
        assertNull(defaults.password());

        assertThrows(Launcher.Failure.class, () -> Launcher.parseDbUrl("mysql://u:p@h:1"));
        assertThrows(Launcher.Failure.class, () -> Launcher.parseDbUrl("postgresql:///nohost"));
    }

    @Test
    void settingsThatNameAnotherServiceFollowItsConfiguredPort() {
        Launcher moved = new Launcher(Path.of("."), Map.of("PALISADE_TENANT_SERVICE_PORT", "18081"));
        assertEquals("http://127.0.0.1:18081/api/v1/auth/jwks",
                moved.withConfiguredPorts("http://127.0.0.1:8081/api/v1/auth/jwks"));
        assertEquals("http://127.0.0.1:18081", moved.withConfiguredPorts("http://127.0.0.1:8081"));
        assertEquals("http://127.0.0.1:80810", moved.withConfiguredPorts("http://127.0.0.1:80810"));
        assertEquals("http://127.0.0.1:8082/x", moved.withConfiguredPorts("http://127.0.0.1:8082/x"));
        Launcher defaults = new Launcher(Path.of("."), Map.of());
        assertEquals("http://127.0.0.1:8081/api/v1/auth/jwks",
                defaults.withConfiguredPorts("http://127.0.0.1:8081/api/v1/auth/jwks"));
    }

    @Test
    void secretsAreGeneratedOnceWithMode600AndTheEnvironmentWins(@TempDir Path home) throws Exception {
        Files.createDirectories(home.resolve(".palisade"));
        Launcher.Secrets first = new Launcher(home, Map.of()).loadOrCreateSecrets();
        assertEquals(20, first.adminPassword().length());
        assertFalse(first.adminFromEnv());
        assertEquals(32, Base64.getDecoder().decode(first.masterKey()).length);
        Path file = home.resolve(".palisade/secrets.env");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertTrue(Files.readString(file).contains("PALISADE_MASTER_KEY=" + first.masterKey()));

        Launcher.Secrets again = new Launcher(home, Map.of()).loadOrCreateSecrets();
        assertEquals(first, again);

        Launcher.Secrets fromEnv = new Launcher(home, Map.of("PALISADE_BOOTSTRAP_ADMIN_PASSWORD", "given"))
                .loadOrCreateSecrets();
        assertEquals("given", fromEnv.adminPassword());
        assertTrue(fromEnv.adminFromEnv());
        assertEquals(first.masterKey(), fromEnv.masterKey());

        Path other = home.resolve("other");
        Files.createDirectories(other.resolve(".palisade"));
        assertNotEquals(first.masterKey(), new Launcher(other, Map.of()).loadOrCreateSecrets().masterKey());
    }
}
