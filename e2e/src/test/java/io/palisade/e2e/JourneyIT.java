package io.palisade.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import io.palisade.e2e.support.AuthenticatingProxy;
import io.palisade.e2e.support.Fleet;
import io.palisade.e2e.support.Operator;
import io.palisade.e2e.support.Stack;
import io.palisade.e2e.support.StopAfterFirstFailure;
import io.palisade.local.demo.Totp;
import io.palisade.simulator.AgentError;
import io.palisade.simulator.SimulatedDevice;
import io.palisade.simulator.TaskResult;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The MSP journey end to end, through the public APIs only, against the packaged services (distributed exposure:
 * TOTP for everyone), a real PostgreSQL and Kafka broker, 50 reference agents — half of them behind an HTTP proxy
 * that wants Basic authentication — an ESMC 7.0 migration, and, at the end, Kafka and the agent gateway restarted
 * under load.
 *
 * <p>The steps run in order and build on each other; once one fails the rest are skipped.
 */
@ExtendWith(StopAfterFirstFailure.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class JourneyIT {

    private static final Duration EVENTUALLY = Duration.ofSeconds(60);
    private static final Duration POLL = Duration.ofMillis(250);
    private static final int AGENTS = 50;
    private static final long FLEET_SEED = 6_000;
    private static final String SECURITY_PRODUCT = SimulatedDevice.SECURITY_PRODUCT;
    private static final String DYNAMIC_GROUP = "Windows without the security product";
    private static final List<String> OPERATOR_PERMISSIONS = List.of("tenants.read", "tenants.write", "groups.read",
            "groups.write", "devices.read", "devices.write", "installers.write", "tasks.write", "migrations.run", "audit.read");

    private static Stack stack;
    private static AuthenticatingProxy proxy;
    private static Fleet fleet;
    private static Operator admin;
    private static Operator nora; // Northwind IT, a managed MSP
    private static Operator sam; // Contoso Services, its sibling
    private static final Map<String, String> tenants = new LinkedHashMap<>();
    private static String northwindGroupId;
    private static String litwareGroupId;
    private static String installerId;
    private static String installerToken;
    private static String caPem;
    private static String templateId;
    private static String dynamicGroupId;
    private static List<String> unprotectedWindows;
    private static String installTaskId;
    private static String scanTaskId;
    private static String migrationId;
    private static final String LAB_HARDWARE_ID = "4C4C4544-0042-4C10-8052-B7C04F4C4142";
    /** The migration's device records that match the dynamic group (Windows, no security product) until agents bind. */
    private static List<String> importedUnprotected = List.of();
    private static String legacyGroupId;
    private static final List<String> facts = new java.util.ArrayList<>();

    @BeforeAll
    static void startTheSuite() {
        Path root = Path.of(System.getProperty("palisade.root", "..")).toAbsolutePath().normalize();
        stack = Stack.start(root);
        proxy = new AuthenticatingProxy("agent", "pr0xy:secret");
    }

    @AfterAll
    static void stopTheSuite() {
        facts.forEach(f -> System.out.println("[journey] " + f));
        if (fleet != null) {
            fleet.close();
        }
        if (proxy != null) {
            proxy.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @Order(1)
    void theRootAdminNeedsTotpBeforeItCanDoAnything() {
        admin = new Operator(stack, "admin", Stack.ADMIN_PASSWORD);
        admin.passwordOnlySignIn();
        // distributed: a password alone opens nothing but TOTP enrolment, on every service
        admin.tenants().get("/api/v1/tenants").then().statusCode(403).body("type", endsWith("/totp-enrolment-required"));
        admin.groups().get("/api/v1/groups").then().statusCode(403).body("type", endsWith("/totp-enrolment-required"));
        admin.gateway().get("/api/v1/installers").then().statusCode(403).body("type", endsWith("/totp-enrolment-required"));

        admin.enrolTotp();
        admin.login(null).then().statusCode(401).body("type", endsWith("/totp-required"));
        admin.signInWithTotp();
        // the code just used is refused a second time
        admin.login(Totp.code(admin.totpSecret(), admin.lastStep())).then().statusCode(401)
                .body("type", endsWith("/invalid-totp"));
        admin.tenants().get("/api/v1/tenants").then().statusCode(200);
    }

    @Test
    @Order(2)
    void theAdminBuildsTheMspTreeAndGroupServiceMirrorsIt() {
        tenant("Acme Distribution", "DISTRIBUTOR", null);
        tenant("Globex MSP Group", "MSP_MANAGER", "Acme Distribution");
        tenant("Northwind IT", "MANAGED_MSP", "Globex MSP Group");
        tenant("Contoso Services", "MANAGED_MSP", "Globex MSP Group");
        tenant("Adventure Works Cycles", "CUSTOMER", "Globex MSP Group");
        tenant("Fabrikam Managed Security", "MSP", "Acme Distribution");
        tenant("Litware Inc", "CUSTOMER", "Northwind IT");
        tenant("Tailspin Toys", "CUSTOMER", "Northwind IT");
        tenant("Wide World Importers", "CUSTOMER", "Contoso Services");
        tenant("Woodgrove Bank", "CUSTOMER", "Fabrikam Managed Security");

        // the hierarchy rules hold: a customer has no children, a managed MSP lives only under an MSP Manager
        admin.tenants().body(Map.of("name", "Nope", "type", "CUSTOMER", "parentId", id("Litware Inc")))
                .post("/api/v1/tenants").then().statusCode(409);
        admin.tenants().body(Map.of("name", "Nope", "type", "MANAGED_MSP", "parentId", id("Acme Distribution")))
                .post("/api/v1/tenants").then().statusCode(409);
        List<String> subtree = admin.tenants().queryParam("under", id("Acme Distribution")).queryParam("limit", 500)
                .get("/api/v1/tenants").then().statusCode(200).extract().path("items.name");
        assertThat(subtree).containsExactlyInAnyOrderElementsOf(tenants.keySet());

        // every node gets its managed group, nested like the tree
        northwindGroupId = awaitManagedGroup("Northwind IT");
        litwareGroupId = awaitManagedGroup("Litware Inc");
        admin.groups().get("/api/v1/groups/" + litwareGroupId).then().statusCode(200)
                .body("parentId", equalTo(northwindGroupId)).body("managed", equalTo(true));
    }

    @Test
    @Order(3)
    void mspOperatorsSignInWithTotp() {
        nora = operator("nora@northwind.example", "Northwind IT");
        sam = operator("sam@contoso.example", "Contoso Services");
        for (Operator op : List.of(nora, sam)) {
            op.passwordOnlySignIn();
            op.groups().get("/api/v1/devices").then().statusCode(403).body("type", endsWith("/totp-enrolment-required"));
            op.enrolTotp();
        }
        nora.signInWithTotp();
        sam.signInWithTotp();

        List<String> visible = nora.tenants().get("/api/v1/tenants").then().statusCode(200).extract().path("items.name");
        assertThat(visible).containsExactlyInAnyOrder("Northwind IT", "Litware Inc", "Tailspin Toys");
        nora.tenants().get("/api/v1/tenants/" + id("Contoso Services")).then().statusCode(404);
    }

    @Test
    @Order(4)
    void theOperatorIssuesAnInstallerForHerCustomer() {
        Map<String, Object> request = Map.of("customerId", id("Litware Inc"),
                "expiresAt", Instant.now().plus(Duration.ofDays(1)).toString(), "maxUses", AGENTS + 10);
        // the gateway learns about new customers from palisade.tenants: until then the customer is unknown (404)
        Response created = await("the gateway knows Litware Inc").atMost(EVENTUALLY).pollInterval(POLL)
                .until(() -> nora.gateway().body(request).post("/api/v1/installers"), r -> r.statusCode() == 201);
        JsonPath installer = created.jsonPath();
        installerId = installer.getString("id");
        installerToken = installer.getString("token");
        caPem = installer.getString("caCertificatePem");
        assertThat(installerToken).isNotBlank();
        assertThat(installer.getString("enrollUrl")).startsWith("https://");
        assertThat(caPem).startsWith("-----BEGIN CERTIFICATE-----");
        // the token is shown once
        nora.gateway().get("/api/v1/installers/" + installerId).then().statusCode(200)
                .body("token", equalTo(null)).body("uses", equalTo(0));
    }

    @Test
    @Order(5)
    void fiftyAgentsEnrolHalfOfThemThroughAnAuthenticatingProxy() {
        // the proxy really wants its credentials: without them an agent gets a clear 407
        AgentError refused = Fleet.enrolmentError(stack.agentEndpoint(), installerToken, caPem, proxy.spec(null));
        assertThat(refused.kind()).isEqualTo(AgentError.Kind.PROXY_AUTH);
        assertThat(refused.getMessage()).contains("407");

        int tunnelsBefore = proxy.tunnels();
        fleet = Fleet.enrol(stack.agentEndpoint(), installerToken, caPem, AGENTS, FLEET_SEED, proxy.spec());
        fleet.start();
        assertThat(fleet.proxiedCount()).isEqualTo(AGENTS / 2);
        await("every agent's first check-in").atMost(EVENTUALLY).pollInterval(POLL)
                .until(() -> fleet.everyAgentCheckedInAfter(Instant.EPOCH));
        // each proxied agent keeps its own tunnel open for its check-ins
        assertThat(proxy.tunnels() - tunnelsBefore).isGreaterThanOrEqualTo(AGENTS / 2);
        facts.add(AGENTS + " agents enrolled, " + fleet.proxiedCount() + " through the proxy ("
                + (proxy.tunnels() - tunnelsBefore) + " CONNECT tunnels)");

        // group-service registers every device in its customer's group, with the inventory its agent sent
        Map<String, String> hostnames = new HashMap<>();
        fleet.members().forEach(m -> hostnames.put(m.deviceId(), m.device().hostname()));
        await("group-service registers all " + AGENTS + " devices").atMost(EVENTUALLY).pollInterval(POLL).untilAsserted(() -> {
            List<Map<String, Object>> devices = devices(nora, id("Litware Inc"));
            assertThat(devices).extracting(d -> (String) d.get("id")).containsExactlyInAnyOrderElementsOf(fleet.deviceIds());
            for (Map<String, Object> d : devices) {
                assertThat(d.get("staticGroupId")).isEqualTo(litwareGroupId);
                assertThat(d.get("inventory")).as("inventory of %s", d.get("id")).isNotNull();
                assertThat(((Map<?, ?>) d.get("inventory")).get("hostname")).isEqualTo(hostnames.get((String) d.get("id")));
            }
        });
        nora.gateway().get("/api/v1/installers/" + installerId).then().statusCode(200).body("uses", equalTo(AGENTS));
    }

    @Test
    @Order(6)
    void theDynamicGroupFillsWithExactlyTheUnprotectedWindowsAgents() {
        unprotectedWindows = fleet.deviceIds(Fleet.Member::isUnprotectedWindows);
        assertThat(unprotectedWindows).as("the seeded fleet has unprotected Windows machines, and others")
                .isNotEmpty().hasSizeLessThan(AGENTS);
        facts.add(unprotectedWindows.size() + " of them Windows without " + SECURITY_PRODUCT);

        Map<String, Object> rule = Map.of("op", "AND", "rules", List.of(
                Map.of("attribute", "os.platform", "operator", "EQ", "value", "WINDOWS"),
                Map.of("op", "NOR", "rules", List.of(
                        Map.of("attribute", "products.name", "operator", "EQ", "value", SECURITY_PRODUCT)))));
        templateId = nora.groups().body(Map.of("name", DYNAMIC_GROUP, "tenantId", id("Northwind IT"), "rule", rule))
                .post("/api/v1/dynamic-templates").then().statusCode(201).extract().path("id");
        dynamicGroupId = nora.groups().body(Map.of("name", DYNAMIC_GROUP, "parentId", northwindGroupId, "kind", "DYNAMIC",
                        "templateId", templateId))
                .post("/api/v1/groups").then().statusCode(201).extract().path("id");

        await("the dynamic group fills").atMost(EVENTUALLY).pollInterval(POLL)
                .untilAsserted(() -> assertThat(members(nora, dynamicGroupId)).containsExactlyInAnyOrderElementsOf(unprotectedWindows));
        List<String> groupsOfOne = nora.groups().get("/api/v1/devices/" + unprotectedWindows.get(0)).then().statusCode(200)
                .extract().path("dynamicGroupIds");
        assertThat(groupsOfOne).contains(dynamicGroupId);
    }

    @Test
    @Order(7)
    void anInstallTaskToTheGroupSucceedsOnEveryMember() {
        installTaskId = nora.groups().body(Map.of("type", "INSTALL_PRODUCT", "groupId", dynamicGroupId,
                        "parameters", Map.of("name", SECURITY_PRODUCT, "version", "12.0.1")))
                .post("/api/v1/tasks").then().statusCode(201)
                .body("counts.PENDING", equalTo(unprotectedWindows.size()))
                .extract().path("id");

        await("every member reports success").atMost(EVENTUALLY).pollInterval(POLL).untilAsserted(() ->
                assertThat(counts(nora, installTaskId)).isEqualTo(counts(0, 0, unprotectedWindows.size(), 0)));
        List<Map<String, Object>> perDevice = nora.groups().queryParam("limit", 500)
                .get("/api/v1/tasks/" + installTaskId + "/devices").then().statusCode(200).extract().path("items");
        assertThat(perDevice).extracting(d -> (String) d.get("deviceId")).containsExactlyInAnyOrderElementsOf(unprotectedWindows);
        assertThat(perDevice).allSatisfy(d -> assertThat(d.get("output")).isEqualTo("installed " + SECURITY_PRODUCT + " 12.0.1"));
        // on the agents' side: the members ran it once each, nobody else ran it
        for (Fleet.Member m : fleet.members()) {
            TaskResult result = m.tasks().get(installTaskId);
            if (unprotectedWindows.contains(m.deviceId())) {
                assertThat(result).as(m.device().hostname()).isNotNull();
                assertThat(m.device().products()).containsKey(SECURITY_PRODUCT);
            } else {
                assertThat(result).as(m.device().hostname()).isNull();
            }
        }
    }

    @Test
    @Order(8)
    void protectedAgentsLeaveTheGroup() {
        await("the dynamic group empties").atMost(EVENTUALLY).pollInterval(POLL)
                .untilAsserted(() -> assertThat(members(nora, dynamicGroupId)).isEmpty());
        for (String deviceId : unprotectedWindows) {
            JsonPath device = nora.groups().get("/api/v1/devices/" + deviceId).then().statusCode(200).extract().jsonPath();
            assertThat(device.getList("inventory.products.name", String.class)).contains(SECURITY_PRODUCT);
            assertThat(device.getString("inventory.protection.status")).isEqualTo(SimulatedDevice.PROTECTED);
            assertThat(device.getList("dynamicGroupIds", String.class)).doesNotContain(dynamicGroupId);
        }
    }

    @Test
    @Order(9)
    void aLegacy70ExportIsMigratedBesideTheMspTreeAndItsRecommendedMovesPerformed() {
        // ESMC 7.0 with an imported account: the company becomes a customer of Northwind IT; the legacy groups come
        // over unchanged beside the MSP tree; moving them into it is recommended, not done
        Map<String, Object> export = Map.of(
                "format", "esmc-export", "formatVersion", 1,
                "server", Map.of("product", "ESMC", "version", "7.0.577.0"),
                "emaAccount", Map.of("imported", true, "companies", List.of(
                        Map.of("id", "c1", "name", "Proseware Inc", "type", "CUSTOMER"))),
                "staticGroups", List.of(
                        Map.of("id", "g1", "name", "All"),
                        Map.of("id", "g2", "name", "Proseware laptops", "parentId", "g1"),
                        Map.of("id", "g3", "name", "Lab machines", "parentId", "g1")),
                "dynamicGroups", List.of(Map.of("id", "d1", "name", "Legacy Linux servers", "parentId", "g1",
                        "rule", Map.of("op", "AND", "rules", List.of(
                                Map.of("attribute", "os.platform", "operator", "EQ", "value", "LINUX"))))),
                "devices", List.of(
                        Map.of("id", "u1", "name", "pw-lt-01", "staticGroupId", "g2", "companyId", "c1",
                                "inventory", Map.of("os", Map.of("platform", "WINDOWS"))),
                        Map.of("id", "u2", "name", "pw-lt-02", "staticGroupId", "g2", "companyId", "c1",
                                "inventory", Map.of("os", Map.of("platform", "WINDOWS"))),
                        Map.of("id", "u3", "name", "lab-01", "staticGroupId", "g3", "hardwareId", LAB_HARDWARE_ID,
                                "inventory", Map.of("os", Map.of("platform", "LINUX")))));
        migrationId = nora.migrations().queryParam("targetTenantId", id("Northwind IT")).body(export)
                .post("/api/v1/migrations").then().statusCode(201)
                .body("status", equalTo("PLANNED"))
                .body("plan.tenants", equalTo(1))
                .body("plan.dynamicGroups", equalTo(1))
                .body("plan.recommendedMoves", equalTo(1))
                .extract().path("id");
        nora.migrations().post("/api/v1/migrations/" + migrationId + "/apply").then().statusCode(202);
        await("the migration completes").atMost(EVENTUALLY).pollInterval(POLL).untilAsserted(() ->
                nora.migrations().get("/api/v1/migrations/" + migrationId).then().statusCode(200)
                        .body("status", equalTo("COMPLETED")));

        List<Map<String, Object>> proseware = nora.tenants().queryParam("under", id("Northwind IT"))
                .queryParam("q", "Proseware").get("/api/v1/tenants").then().statusCode(200).extract().path("items");
        assertThat(proseware).singleElement().satisfies(t -> {
            assertThat(t.get("type")).isEqualTo("CUSTOMER");
            assertThat(t.get("externalId")).isEqualTo("c1");
            assertThat(t.get("parentId")).isEqualTo(id("Northwind IT"));
            tenants.put("Proseware Inc", (String) t.get("id"));
        });
        String prosewareGroupId = awaitManagedGroup("Proseware Inc");
        Map<String, Map<String, Object>> beside = new HashMap<>();
        List<Map<String, Object>> children = nora.groups().queryParam("parentId", northwindGroupId).queryParam("limit", 500)
                .get("/api/v1/groups").then().statusCode(200).extract().path("items");
        children.forEach(g -> beside.put((String) g.get("name"), g));
        assertThat(beside).containsKeys("Proseware laptops", "Lab machines", "Legacy Linux servers", DYNAMIC_GROUP,
                "Litware Inc", "Tailspin Toys", "Proseware Inc");
        assertThat(beside.get("Proseware laptops")).containsEntry("kind", "STATIC").containsEntry("managed", false);
        assertThat(beside.get("Legacy Linux servers")).containsEntry("kind", "DYNAMIC");
        legacyGroupId = (String) beside.get("Proseware laptops").get("id");
        // the legacy devices are records awaiting their agents, in their legacy groups
        List<Map<String, Object>> lab = nora.groups().queryParam("q", "lab-01").get("/api/v1/devices").then().statusCode(200)
                .extract().path("items");
        assertThat(lab).singleElement().satisfies(d -> assertThat(d).containsEntry("status", "AWAITING_AGENT")
                .containsEntry("staticGroupId", beside.get("Lab machines").get("id")));
        // the records' legacy inventory counts at once: the two Proseware laptops (Windows, no security product) are
        // in the journey's dynamic group too, until their agents arrive
        importedUnprotected = nora.groups().queryParam("q", "pw-lt-").get("/api/v1/devices").then().statusCode(200)
                .extract().path("items.id");
        assertThat(importedUnprotected).hasSize(2);
        await("the imported Windows laptops count in the dynamic group").atMost(EVENTUALLY).pollInterval(POLL)
                .untilAsserted(() -> assertThat(members(nora, dynamicGroupId)).containsExactlyInAnyOrderElementsOf(importedUnprotected));
        // the legacy dynamic group keeps its rule and works at once, on the live agents' inventory and the records'
        List<String> linux = new java.util.ArrayList<>(fleet.deviceIds(m -> "LINUX".equals(m.device().os().platform())));
        assertThat(linux).as("the seeded fleet has Linux machines").isNotEmpty();
        linux.add((String) lab.get(0).get("id"));
        String legacyDynamic = (String) beside.get("Legacy Linux servers").get("id");
        await("the legacy dynamic group finds the Linux agents and the Linux record").atMost(EVENTUALLY).pollInterval(POLL)
                .untilAsserted(() -> assertThat(members(nora, legacyDynamic)).containsExactlyInAnyOrderElementsOf(linux));

        List<Map<String, Object>> moves = nora.migrations().get("/api/v1/migrations/" + migrationId + "/moves").then()
                .statusCode(200).extract().path("items");
        assertThat(moves).singleElement().satisfies(m -> {
            assertThat(m).containsEntry("kind", "GROUP").containsEntry("legacyId", "g2").containsEntry("companyId", "c1")
                    .containsEntry("status", "RECOMMENDED");
        });
        nora.migrations().body(Map.of("moves", "ALL")).post("/api/v1/migrations/" + migrationId + "/moves").then()
                .statusCode(202).body("performed", equalTo(1));
        nora.groups().get("/api/v1/groups/" + legacyGroupId).then().statusCode(200)
                .body("parentId", equalTo(prosewareGroupId));
        nora.migrations().body(Map.of("moves", "ALL")).post("/api/v1/migrations/" + migrationId + "/moves").then()
                .statusCode(202).body("performed", equalTo(0));

        // the lab machine's agent is installed: enrolling with the legacy hardware id (for Proseware, a customer under
        // the record's owner) it becomes the imported device — same id, still in its legacy group, now live
        String labRecord = (String) lab.get(0).get("id");
        Map<String, Object> request = Map.of("customerId", id("Proseware Inc"),
                "expiresAt", Instant.now().plus(Duration.ofDays(1)).toString(), "maxUses", 1);
        JsonPath installer = await("the gateway knows Proseware Inc").atMost(EVENTUALLY).pollInterval(POLL)
                .until(() -> nora.gateway().body(request).post("/api/v1/installers"), r -> r.statusCode() == 201).jsonPath();
        io.palisade.simulator.AgentIdentity bound = Fleet.enrolOne(stack.agentEndpoint(), installer.getString("token"),
                installer.getString("caCertificatePem"), io.palisade.simulator.SimulatedDevice.fromInventory(LAB_HARDWARE_ID,
                        new io.vertx.core.json.JsonObject().put("hostname", "lab-01.proseware.example")
                                .put("os", new io.vertx.core.json.JsonObject().put("platform", "LINUX").put("name", "Debian")
                                        .put("version", "12"))));
        assertThat(bound.deviceId()).isEqualTo(labRecord);
        await("the record becomes the live device").atMost(EVENTUALLY).pollInterval(POLL).untilAsserted(() ->
                nora.groups().get("/api/v1/devices/" + labRecord).then().statusCode(200)
                        .body("status", equalTo("ACTIVE")).body("tenantId", equalTo(id("Proseware Inc")))
                        .body("staticGroupId", equalTo(beside.get("Lab machines").get("id"))));
        facts.add("an agent enrolling with an imported device's hardware id took its id " + labRecord);
    }

    @Test
    @Order(10)
    void anOperatorOfTheSiblingMspSeesNoneOfIt() {
        Map<String, Object> missing = problem(sam.groups().get("/api/v1/groups/" + UUID.randomUUID()));
        assertThat(missing.get("status")).isEqualTo(404);

        assertThat(problem(sam.groups().get("/api/v1/groups/" + dynamicGroupId))).isEqualTo(missing);
        assertThat(problem(sam.groups().get("/api/v1/groups/" + litwareGroupId))).isEqualTo(missing);
        sam.groups().get("/api/v1/groups/" + dynamicGroupId + "/devices").then().statusCode(404);
        sam.groups().get("/api/v1/dynamic-templates/" + templateId).then().statusCode(404);
        sam.groups().get("/api/v1/tasks/" + installTaskId).then().statusCode(404);
        sam.groups().get("/api/v1/tasks/" + installTaskId + "/devices").then().statusCode(404);
        sam.groups().body(Map.of("type", "RUN_SCAN", "groupId", dynamicGroupId)).post("/api/v1/tasks").then().statusCode(404);
        for (String deviceId : fleet.deviceIds()) {
            sam.groups().get("/api/v1/devices/" + deviceId).then().statusCode(404);
        }
        sam.groups().queryParam("tenantId", id("Litware Inc")).get("/api/v1/devices").then().statusCode(404);
        List<String> samsDevices = sam.groups().queryParam("limit", 500).get("/api/v1/devices").then().statusCode(200)
                .extract().path("items.id");
        assertThat(samsDevices).doesNotContainAnyElementsOf(fleet.deviceIds());
        sam.gateway().get("/api/v1/installers/" + installerId).then().statusCode(404);
        sam.gateway().post("/api/v1/devices/" + fleet.deviceIds().get(0) + "/revoke").then().statusCode(404);
        sam.tenants().get("/api/v1/tenants/" + id("Litware Inc")).then().statusCode(404);
        sam.migrations().get("/api/v1/migrations/" + migrationId).then().statusCode(404);
        sam.migrations().post("/api/v1/migrations/" + migrationId + "/apply").then().statusCode(404);
        sam.groups().get("/api/v1/groups/" + legacyGroupId).then().statusCode(404);
        List<String> samsTenants = sam.tenants().get("/api/v1/tenants").then().statusCode(200).extract().path("items.name");
        assertThat(samsTenants).containsExactlyInAnyOrder("Contoso Services", "Wide World Importers");
    }

    @Test
    @Order(11)
    void kafkaRestartedMidJourneyLosesNothing() {
        Map<String, Integer> installCounts = counts(nora, installTaskId);

        stack.kafka().stop();
        Instant down = Instant.now();
        // the operator API still takes work: the task's commands wait in group-service's outbox
        scanTaskId = nora.groups().body(Map.of("type", "RUN_SCAN", "groupId", litwareGroupId))
                .post("/api/v1/tasks").then().statusCode(201).body("counts.PENDING", equalTo(AGENTS))
                .extract().path("id");
        // the agents keep checking in: the gateway needs PostgreSQL, not Kafka
        await("check-ins while Kafka is down").atMost(EVENTUALLY).pollInterval(POLL)
                .until(() -> fleet.everyAgentCheckedInAfter(down));
        stack.kafka().start();
        Instant up = Instant.now();

        await("the scan queued while Kafka was down completes").atMost(EVENTUALLY).pollInterval(POLL).untilAsserted(() ->
                assertThat(counts(nora, scanTaskId)).isEqualTo(counts(0, 0, AGENTS, 0)));
        await("check-ins after the restart reach group-service").atMost(EVENTUALLY).pollInterval(POLL).untilAsserted(() ->
                assertThat(devices(nora, id("Litware Inc"))).hasSize(AGENTS)
                        .allSatisfy(d -> assertThat(Instant.parse((String) d.get("lastSeenAt"))).isAfter(up)));
        assertThat(counts(nora, installTaskId)).isEqualTo(installCounts);
        assertThat(members(nora, dynamicGroupId)).containsExactlyInAnyOrderElementsOf(importedUnprotected);
    }

    @Test
    @Order(12)
    void agentGatewayKilledAndRestartedLosesNothing() {
        Map<String, Integer> installCounts = counts(nora, installTaskId);
        Map<String, Integer> scanCounts = counts(nora, scanTaskId);
        var gateway = stack.service("agent-gateway");
        long failuresBefore = fleet.totalFailures();

        gateway.kill(); // SIGKILL
        await("the agents notice").atMost(EVENTUALLY).pollInterval(POLL).until(() -> fleet.totalFailures() > failuresBefore);
        long noticed = fleet.totalFailures() - failuresBefore;
        gateway.start();
        gateway.awaitReady();
        Instant restarted = Instant.now();
        facts.add("agent-gateway killed: " + noticed + " failed check-in(s) before it was restarted, "
                + (fleet.totalFailures() - failuresBefore) + " until it was ready");

        await("every agent is back, directly or through the proxy").atMost(EVENTUALLY).pollInterval(POLL)
                .untilAsserted(() -> assertThat(fleet.silentSince(restarted)).isEmpty());
        // new work flows through the restarted gateway: tags set on every machine, reported as inventory
        String tagTask = nora.groups().body(Map.of("type", "SET_TAGS", "groupId", litwareGroupId,
                        "parameters", Map.of("tags", List.of("after-restart"))))
                .post("/api/v1/tasks").then().statusCode(201).extract().path("id");
        await("the tag task completes").atMost(EVENTUALLY).pollInterval(POLL).untilAsserted(() ->
                assertThat(counts(nora, tagTask)).isEqualTo(counts(0, 0, AGENTS, 0)));
        await("the new inventories reach group-service").atMost(EVENTUALLY).pollInterval(POLL).untilAsserted(() ->
                assertThat(devices(nora, id("Litware Inc"))).hasSize(AGENTS).allSatisfy(d ->
                        assertThat(((Map<?, ?>) d.get("inventory")).get("tags")).isEqualTo(List.of("after-restart"))));

        // nothing was lost or doubled: the same devices (none re-enrolled), the same counts
        assertThat(devices(nora, id("Litware Inc"))).extracting(d -> (String) d.get("id"))
                .containsExactlyInAnyOrderElementsOf(fleet.deviceIds());
        assertThat(counts(nora, installTaskId)).isEqualTo(installCounts);
        assertThat(counts(nora, scanTaskId)).isEqualTo(scanCounts);
        assertThat(members(nora, dynamicGroupId)).containsExactlyInAnyOrderElementsOf(importedUnprotected);
        nora.gateway().get("/api/v1/installers/" + installerId).then().statusCode(200).body("uses", equalTo(AGENTS));
        for (Fleet.Member m : fleet.members()) {
            assertThat(m.tasks().get(scanTaskId)).as(m.device().hostname()).isNotNull();
            assertThat(m.tasks().get(tagTask)).as(m.device().hostname()).isNotNull();
        }
    }

    // ------------------------------------------------------------------------------------------------------ helpers

    private static void tenant(String name, String type, String parentName) {
        Map<String, Object> body = new HashMap<>();
        body.put("name", name);
        body.put("type", type);
        body.put("parentId", parentName == null ? null : id(parentName));
        String id = admin.tenants().body(body).post("/api/v1/tenants").then().statusCode(201)
                .body("type", equalTo(type)).extract().path("id");
        tenants.put(name, id);
    }

    private static String id(String tenantName) {
        String id = tenants.get(tenantName);
        assertThat(id).as("tenant %s", tenantName).isNotNull();
        return id;
    }

    private static String awaitManagedGroup(String tenantName) {
        return await("group-service mirrors " + tenantName).atMost(EVENTUALLY).pollInterval(POLL).until(() -> {
            Response response = admin.groups().queryParam("tenantId", id(tenantName)).get("/api/v1/groups");
            if (response.statusCode() == 404) {
                return null; // group-service has not seen the tenant's event yet: an unknown tenant is 404, like a foreign one
            }
            List<Map<String, Object>> groups = response.then().statusCode(200).extract().path("items");
            return groups.stream().filter(g -> Boolean.TRUE.equals(g.get("managed")) && tenantName.equals(g.get("name")))
                    .map(g -> (String) g.get("id")).findFirst().orElse(null);
        }, id -> id != null);
    }

    private static Operator operator(String username, String home) {
        String password = "e2e-" + UUID.randomUUID();
        String set = admin.tenants().body(Map.of("name", home + " operators", "tenantId", id(home),
                        "permissions", OPERATOR_PERMISSIONS))
                .post("/api/v1/permission-sets").then().statusCode(201).extract().path("id");
        admin.tenants().body(Map.of("username", username, "password", password, "homeTenantId", id(home),
                        "permissionSetIds", List.of(set)))
                .post("/api/v1/operators").then().statusCode(201).body("totpActive", equalTo(false));
        return new Operator(stack, username, password);
    }

    private static List<Map<String, Object>> devices(Operator op, String tenantId) {
        return op.groups().queryParam("tenantId", tenantId).queryParam("limit", 500).get("/api/v1/devices").then()
                .statusCode(200).extract().path("items");
    }

    private static List<String> members(Operator op, String groupId) {
        return op.groups().queryParam("limit", 500).get("/api/v1/groups/" + groupId + "/devices").then()
                .statusCode(200).extract().path("items.id");
    }

    private static Map<String, Integer> counts(Operator op, String taskId) {
        return op.groups().get("/api/v1/tasks/" + taskId).then().statusCode(200).extract().path("counts");
    }

    private static Map<String, Integer> counts(int pending, int delivered, int succeeded, int failed) {
        return Map.of("PENDING", pending, "DELIVERED", delivered, "SUCCEEDED", succeeded, "FAILED", failed);
    }

    /** A 404 problem without the parts that may name the request. */
    private static Map<String, Object> problem(Response response) {
        response.then().statusCode(404).contentType(startsWith("application/problem+json"));
        Map<String, Object> body = new LinkedHashMap<>(response.jsonPath().getMap(""));
        body.remove("instance");
        return body;
    }
}
