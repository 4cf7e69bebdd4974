package io.palisade.local.demo;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the demo created and the secrets only it knows — generated operator passwords, TOTP secrets, installer tokens
 * (shown once by the gateway), the proxy's password — kept in {@code .palisade/demo/state.json} (mode 600) so a
 * second {@code ./palisade up --demo} reuses them. Never committed: {@code .palisade/} is ignored by git.
 */
public final class DemoState {

    /** An operator's generated password and, when TOTP is on, its secret (null when unknown). */
    public record Login(String password, String totpSecret) {
    }

    /** A customer's installer: its id and the token the gateway showed once. */
    public record Installer(String id, String token) {
    }

    /** The file's shape. */
    record Stored(Map<String, String> tenants, Map<String, Login> operators, Map<String, Installer> installers,
                  String caPem, String mspGroupId, String templateId, String dynamicGroupId, String proxyPassword) {
    }

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final Map<String, String> tenants = new LinkedHashMap<>();
    private final Map<String, Login> operators = new LinkedHashMap<>();
    private final Map<String, Installer> installers = new LinkedHashMap<>();
    private String caPem;
    private String mspGroupId;
    private String templateId;
    private String dynamicGroupId;
    private String proxyPassword;

    /** The state in the file, or an empty one when there is no file. */
    public static DemoState load(Path file) throws IOException {
        DemoState state = new DemoState();
        if (!Files.isRegularFile(file)) {
            return state;
        }
        Stored s = JSON.readValue(file.toFile(), Stored.class);
        if (s.tenants() != null) {
            state.tenants.putAll(s.tenants());
        }
        if (s.operators() != null) {
            state.operators.putAll(s.operators());
        }
        if (s.installers() != null) {
            state.installers.putAll(s.installers());
        }
        state.caPem = s.caPem();
        state.mspGroupId = s.mspGroupId();
        state.templateId = s.templateId();
        state.dynamicGroupId = s.dynamicGroupId();
        state.proxyPassword = s.proxyPassword();
        return state;
    }

    /** Writes the file (mode 600, replaced atomically). */
    public synchronized void save(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        JSON.writeValue(tmp.toFile(), new Stored(tenants, operators, installers, caPem, mspGroupId, templateId,
                dynamicGroupId, proxyPassword));
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Forgets everything but the proxy's password (the database it described is gone). */
    public synchronized void clearServerState() {
        tenants.clear();
        operators.clear();
        installers.clear();
        caPem = null;
        mspGroupId = null;
        templateId = null;
        dynamicGroupId = null;
    }

    public synchronized String tenantId(String name) {
        return tenants.get(name);
    }

    public synchronized void tenantId(String name, String id) {
        tenants.put(name, id);
    }

    public synchronized Login login(String username) {
        return operators.get(username);
    }

    public synchronized void login(String username, Login login) {
        operators.put(username, login);
    }

    public synchronized Installer installer(String customer) {
        return installers.get(customer);
    }

    public synchronized void installer(String customer, Installer installer) {
        installers.put(customer, installer);
    }

    public synchronized String caPem() {
        return caPem;
    }

    public synchronized void caPem(String pem) {
        this.caPem = pem;
    }

    public synchronized String mspGroupId() {
        return mspGroupId;
    }

    public synchronized void mspGroupId(String id) {
        this.mspGroupId = id;
    }

    public synchronized String templateId() {
        return templateId;
    }

    public synchronized void templateId(String id) {
        this.templateId = id;
    }

    public synchronized String dynamicGroupId() {
        return dynamicGroupId;
    }

    public synchronized void dynamicGroupId(String id) {
        this.dynamicGroupId = id;
    }

    public synchronized String proxyPassword() {
        return proxyPassword;
    }

    public synchronized void proxyPassword(String password) {
        this.proxyPassword = password;
    }
}
