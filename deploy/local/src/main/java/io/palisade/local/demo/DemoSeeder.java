package io.palisade.local.demo;

import static io.palisade.local.demo.DemoApi.object;
import static io.palisade.local.demo.DemoApi.url;

import com.fasterxml.jackson.databind.JsonNode;
import io.palisade.local.demo.DemoApi.DemoFailure;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Makes a {@link DemoPlan} real through the public APIs, as the bootstrap admin: the tree, permission sets, operators
 * (enrolling TOTP for those that have it, with their own sign-in), an installer per customer and the dynamic group.
 * Everything is found-or-created, so a second run (or a run after an interrupted one) creates nothing twice.
 */
public final class DemoSeeder {

    private static final Duration MIRROR_TIMEOUT = Duration.ofSeconds(60);
    private static final String PASSWORD_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

    private final DemoApi api;
    private final DemoPlan plan;
    private final DemoState state;
    private final SecureRandom random = new SecureRandom();
    private String admin;

    public DemoSeeder(DemoApi api, DemoPlan plan, DemoState state) {
        this.api = api;
        this.plan = plan;
        this.state = state;
    }

    /** Signs in as the bootstrap admin (password only: the local stack runs the centralized configuration). */
    public void signInAsAdmin(String password) {
        DemoApi.Answer answer = api.post(url(api.urls().tenants(), "/api/v1/auth/login"), null,
                object("username", "admin", "password", password));
        if (answer.status() == 401 && answer.body().path("type").asText().endsWith("/totp-required")) {
            throw new DemoFailure("the bootstrap admin has TOTP turned on, so the demo cannot sign in as it; "
                    + "start from a fresh .palisade/ to seed the demo");
        }
        admin = answer.expect(200, "sign-in as admin").path("accessToken").asText();
    }

    /** Whether the tenants the state names still exist (false after .palisade/pg was deleted, say). */
    public boolean stateMatchesServer() {
        String top = state.tenantId(plan.tenants().get(0).name());
        return top != null && api.get(url(api.urls().tenants(), "/api/v1/tenants/" + top), admin).is(200);
    }

    /** Seeds everything; the state is updated as it goes. */
    public void seed() {
        for (DemoPlan.Node node : plan.tenants()) {
            state.tenantId(node.name(), tenant(node));
        }
        for (DemoPlan.Staff staff : plan.operators()) {
            operator(staff);
        }
        for (DemoPlan.Node customer : plan.customers()) {
            installer(customer.name());
        }
        dynamicGroup();
    }

    // -------------------------------------------------------------------------------------------------------- tenants

    private String tenant(DemoPlan.Node node) {
        String parentId = node.parent() == null ? null : state.tenantId(node.parent());
        JsonNode items = api.get(url(api.urls().tenants(), "/api/v1/tenants", "under", parentId, "q", node.name(),
                "limit", 500), admin).expect(200, "listing tenants").path("items");
        for (JsonNode t : items) {
            if (t.path("name").asText().equalsIgnoreCase(node.name()) && sameId(t.path("parentId"), parentId)) {
                return t.path("id").asText();
            }
        }
        return api.post(url(api.urls().tenants(), "/api/v1/tenants"), admin,
                        object("name", node.name(), "type", node.type(), "parentId", parentId))
                .expect(201, "creating " + node.name()).path("id").asText();
    }

    private static boolean sameId(JsonNode value, String id) {
        return id == null ? value.isNull() || value.isMissingNode() : id.equals(value.asText());
    }

    // ------------------------------------------------------------------------------------------------------ operators

    private String permissionSet(String tenantId, DemoPlan.Role role) {
        JsonNode items = api.get(url(api.urls().tenants(), "/api/v1/permission-sets", "tenantId", tenantId, "limit", 500),
                admin).expect(200, "listing permission sets").path("items");
        for (JsonNode s : items) {
            if (s.path("name").asText().equals(role.setName()) && tenantId.equals(s.path("tenantId").asText())) {
                return s.path("id").asText();
            }
        }
        return api.post(url(api.urls().tenants(), "/api/v1/permission-sets"), admin,
                        object("name", role.setName(), "tenantId", tenantId, "permissions", role.permissions()))
                .expect(201, "creating permission set " + role.setName()).path("id").asText();
    }

    private void operator(DemoPlan.Staff staff) {
        String home = state.tenantId(staff.home());
        String set = permissionSet(home, staff.role());
        Optional<JsonNode> existing = findOperator(home, staff.username());
        DemoState.Login login = state.login(staff.username());
        boolean totpActive;
        if (existing.isEmpty()) {
            login = new DemoState.Login(password(), null);
            api.post(url(api.urls().tenants(), "/api/v1/operators"), admin, object("username", staff.username(),
                            "password", login.password(), "homeTenantId", home, "permissionSetIds", List.of(set)))
                    .expect(201, "creating operator " + staff.username());
            totpActive = false;
        } else {
            totpActive = existing.get().path("totpActive").asBoolean();
            if (login == null) { // created by an earlier demo whose state is gone: give it a password we know
                login = new DemoState.Login(password(), null);
                api.patch(url(api.urls().tenants(), "/api/v1/operators/" + existing.get().path("id").asText()), admin,
                        object("password", login.password())).expect(200, "resetting " + staff.username() + "'s password");
            }
        }
        state.login(staff.username(), login);
        if (staff.totp() && !totpActive) {
            state.login(staff.username(), new DemoState.Login(login.password(), enrolTotp(staff.username(), login.password())));
        }
    }

    private Optional<JsonNode> findOperator(String home, String username) {
        JsonNode items = api.get(url(api.urls().tenants(), "/api/v1/operators", "under", home, "limit", 500), admin)
                .expect(200, "listing operators").path("items");
        for (JsonNode o : items) {
            if (o.path("username").asText().equals(username)) {
                return Optional.of(o);
            }
        }
        return Optional.empty();
    }

    /** The operator signs in, enrols TOTP and activates it with the current code; returns the secret. */
    private String enrolTotp(String username, String password) {
        String token = api.post(url(api.urls().tenants(), "/api/v1/auth/login"), null,
                object("username", username, "password", password)).expect(200, "sign-in as " + username)
                .path("accessToken").asText();
        String secret = api.post(url(api.urls().tenants(), "/api/v1/auth/totp/enroll"), token, null)
                .expect(200, username + " enrolling TOTP").path("secret").asText();
        api.post(url(api.urls().tenants(), "/api/v1/auth/totp/activate"), token,
                object("code", Totp.code(secret, Totp.currentStep()))).expect(204, username + " activating TOTP");
        return secret;
    }

    private String password() {
        StringBuilder pw = new StringBuilder();
        for (int i = 0; i < 16; i++) {
            pw.append(PASSWORD_ALPHABET.charAt(random.nextInt(PASSWORD_ALPHABET.length())));
        }
        return pw.toString();
    }

    // ----------------------------------------------------------------------------------------------------- installers

    private void installer(String customer) {
        DemoState.Installer known = state.installer(customer);
        if (known != null) {
            DemoApi.Answer current = api.get(url(api.urls().gateway(), "/api/v1/installers/" + known.id()), admin);
            if (usable(current) && state.caPem() != null) {
                return;
            }
        }
        Map<String, Object> request = object("customerId", state.tenantId(customer),
                "expiresAt", Instant.now().plus(Duration.ofDays(30)).toString(), "maxUses", 500);
        // the gateway learns about a new customer from palisade.tenants a moment after it was created
        JsonNode created = until(MIRROR_TIMEOUT, "the agent gateway to know " + customer, () -> {
            DemoApi.Answer answer = api.post(url(api.urls().gateway(), "/api/v1/installers"), admin, request);
            // 404: the customer is not known there yet; anything else but 201 will not pass by waiting
            return answer.is(404) ? null : answer.expect(201, "creating an installer for " + customer);
        });
        state.installer(customer, new DemoState.Installer(created.path("id").asText(), created.path("token").asText()));
        state.caPem(created.path("caCertificatePem").asText());
    }

    private static boolean usable(DemoApi.Answer installer) {
        if (!installer.is(200)) {
            return false;
        }
        JsonNode i = installer.body();
        boolean revoked = i.path("revoked").asBoolean(false);
        boolean expired = Instant.parse(i.path("expiresAt").asText(Instant.EPOCH.toString())).isBefore(Instant.now().plus(Duration.ofDays(1)));
        return !revoked && !expired && i.path("uses").asInt() < i.path("maxUses").asInt();
    }

    // -------------------------------------------------------------------------------------------------- dynamic group

    private void dynamicGroup() {
        String mspId = state.tenantId(plan.dynamicGroupHome());
        String mspGroup = until(MIRROR_TIMEOUT, "group-service to mirror " + plan.dynamicGroupHome(), () -> {
            for (JsonNode g : api.get(url(api.urls().groups(), "/api/v1/groups", "tenantId", mspId, "limit", 500), admin)
                    .expect(200, "listing groups").path("items")) {
                if (g.path("managed").asBoolean() && g.path("name").asText().equals(plan.dynamicGroupHome())) {
                    return g.path("id").asText();
                }
            }
            return null;
        });
        state.mspGroupId(mspGroup);
        String template = null;
        for (JsonNode t : api.get(url(api.urls().groups(), "/api/v1/dynamic-templates", "tenantId", mspId, "limit", 500),
                admin).expect(200, "listing templates").path("items")) {
            if (t.path("name").asText().equals(DemoPlan.DYNAMIC_GROUP)) {
                template = t.path("id").asText();
            }
        }
        if (template == null) {
            template = api.post(url(api.urls().groups(), "/api/v1/dynamic-templates"), admin,
                    object("name", DemoPlan.DYNAMIC_GROUP, "tenantId", mspId, "rule", rule()))
                    .expect(201, "creating the dynamic template").path("id").asText();
        }
        state.templateId(template);
        String group = null;
        for (JsonNode g : api.get(url(api.urls().groups(), "/api/v1/groups", "parentId", mspGroup, "limit", 500), admin)
                .expect(200, "listing groups").path("items")) {
            if (g.path("name").asText().equals(DemoPlan.DYNAMIC_GROUP)) {
                group = g.path("id").asText();
            }
        }
        if (group == null) {
            group = api.post(url(api.urls().groups(), "/api/v1/groups"), admin, object("name", DemoPlan.DYNAMIC_GROUP,
                            "parentId", mspGroup, "kind", "DYNAMIC", "templateId", template))
                    .expect(201, "creating the dynamic group").path("id").asText();
        }
        state.dynamicGroupId(group);
    }

    /** Windows, and no product named "Palisade Endpoint Security". */
    static Map<String, Object> rule() {
        return object("op", "AND", "rules", List.of(
                object("attribute", "os.platform", "operator", "EQ", "value", "WINDOWS"),
                object("op", "NOR", "rules", List.of(
                        object("attribute", "products.name", "operator", "EQ", "value", DemoPlan.SECURITY_PRODUCT)))));
    }

    /** The admin's token, for the demo's own calls after seeding. */
    public String adminToken() {
        return admin;
    }

    /** Polls every 250 ms until the supplier returns non-null; fails naming what it waited for. */
    static <T> T until(Duration timeout, String what, Supplier<T> attempt) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            T result = attempt.get();
            if (result != null) {
                return result;
            }
            if (System.nanoTime() > deadline) {
                throw new DemoFailure("waited " + timeout.toSeconds() + " s for " + what);
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DemoFailure("interrupted while waiting for " + what);
            }
        }
    }
}
