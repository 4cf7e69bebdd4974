package io.palisade.k8s;

import static io.palisade.k8s.Manifests.at;
import static io.palisade.k8s.Manifests.containers;
import static io.palisade.k8s.Manifests.map;
import static io.palisade.k8s.Manifests.maps;
import static io.palisade.k8s.Manifests.name;
import static io.palisade.k8s.Manifests.podSpec;
import static io.palisade.k8s.Manifests.str;
import static io.palisade.k8s.Manifests.strings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Renders each overlay with {@code kubectl kustomize} (skipped when kubectl is not on PATH) and checks what a
 * deployment of Palisade must hold whatever the site: hardened, probed, bounded pods; the gateway scaled by an
 * HPA behind a TCP load balancer; secrets only referenced; a KafkaTopic for every topic the code uses; one
 * database per service; network policies that deny by default; and each configuration's exposure.
 */
class OverlayInvariantsTest {

    static final List<String> SERVICES = List.of("tenant-service", "group-service", "agent-gateway", "migration-service");
    /** Who calls whose HTTP port inside the cluster (the JWKS, and migration-service's calls to the operator APIs). */
    static final Map<String, Map<String, Integer>> CALLS = Map.of(
            "group-service", Map.of("tenant-service", 8081),
            "agent-gateway", Map.of("tenant-service", 8081),
            "migration-service", Map.of("tenant-service", 8081, "group-service", 8082));
    /** Services whose operator API migration-service calls from its pods (their allow-list must admit them). */
    static final Set<String> CALLED_BY_MIGRATION = Set.of("tenant-service", "group-service");
    /** The export uploads migration-service takes (palisade.migration.max-export-bytes is 256 MiB). */
    static final long LARGEST_EXPORT = 200L * 1024 * 1024;
    static final Pattern SECRET_LOOKING = Pattern.compile(".*(PASSWORD|SECRET|KEY).*");
    static final Pattern CIDR = Pattern.compile("[0-9a-fA-F:.]+/\\d{1,3}");

    static Manifests overlay(String name) {
        assumeTrue(Manifests.kubectlAvailable(),
                "kubectl is not on PATH: the overlays are not rendered (the source-level checks still run)");
        return Manifests.render("overlays/" + name);
    }

    // ------------------------------------------------------------------------------------------- every pod

    @ParameterizedTest
    @ValueSource(strings = {"centralized", "distributed"})
    void everyDeploymentIsProbedBoundedAndHardened(String overlay) {
        Manifests m = overlay(overlay);
        List<Map<String, Object>> deployments = m.ofKind("Deployment");
        assertThat(deployments).extracting(Manifests::name).containsAll(SERVICES);
        SoftAssertions soft = new SoftAssertions();
        for (Map<String, Object> d : deployments) {
            String dn = name(d);
            Map<String, Object> pod = podSpec(d);
            Map<String, Object> podSec = map(pod.get("securityContext"));
            soft.assertThat(pod.get("automountServiceAccountToken")).as("%s automountServiceAccountToken", dn).isEqualTo(false);
            soft.assertThat(str(at(podSec, "seccompProfile").get("type"))).as("%s pod seccompProfile", dn).isEqualTo("RuntimeDefault");
            soft.assertThat(containers(d)).as("%s containers", dn).isNotEmpty();
            Map<String, String> volumeKinds = new HashMap<>();
            for (Map<String, Object> v : maps(pod.get("volumes"))) {
                volumeKinds.put(str(v.get("name")), v.containsKey("emptyDir") ? "emptyDir" : "other");
            }
            for (Map<String, Object> c : containers(d)) {
                String cn = dn + "/" + c.get("name");
                Map<String, Object> sec = map(c.get("securityContext"));
                Object nonRoot = sec.containsKey("runAsNonRoot") ? sec.get("runAsNonRoot") : podSec.get("runAsNonRoot");
                soft.assertThat(nonRoot).as("%s runAsNonRoot", cn).isEqualTo(true);
                Object uid = sec.containsKey("runAsUser") ? sec.get("runAsUser") : podSec.get("runAsUser");
                if (uid != null) {
                    soft.assertThat(((Number) uid).longValue()).as("%s runAsUser", cn).isNotZero();
                }
                soft.assertThat(sec.get("readOnlyRootFilesystem")).as("%s readOnlyRootFilesystem", cn).isEqualTo(true);
                soft.assertThat(sec.get("allowPrivilegeEscalation")).as("%s allowPrivilegeEscalation", cn).isEqualTo(false);
                soft.assertThat(sec.get("privileged")).as("%s privileged", cn).isNotEqualTo(true);
                soft.assertThat(strings(at(sec, "capabilities").get("drop"))).as("%s capabilities.drop", cn).contains("ALL");
                soft.assertThat(strings(at(sec, "capabilities").get("add"))).as("%s capabilities.add", cn).isEmpty();

                // a writable /tmp on an emptyDir, since the root filesystem is read-only
                boolean tmp = maps(c.get("volumeMounts")).stream().anyMatch(vm -> "/tmp".equals(vm.get("mountPath"))
                        && "emptyDir".equals(volumeKinds.get(str(vm.get("name")))));
                soft.assertThat(tmp).as("%s mounts an emptyDir at /tmp", cn).isTrue();

                Set<Object> ports = new HashSet<>();
                for (Map<String, Object> p : maps(c.get("ports"))) {
                    ports.add(str(p.get("name")));
                    ports.add(str(p.get("containerPort")));
                }
                for (String[] probe : new String[][] {{"livenessProbe", "/q/health/live"}, {"readinessProbe", "/q/health/ready"}}) {
                    Map<String, Object> get = at(c, probe[0], "httpGet");
                    soft.assertThat(str(get.get("path"))).as("%s %s path", cn, probe[0]).isEqualTo(probe[1]);
                    soft.assertThat(ports).as("%s %s port is a declared port", cn, probe[0]).contains(str(get.get("port")));
                }

                Map<String, Object> requests = at(c, "resources", "requests");
                Map<String, Object> limits = at(c, "resources", "limits");
                for (String r : List.of("cpu", "memory")) {
                    soft.assertThat(requests).as("%s requests.%s", cn, r).containsKey(r);
                    soft.assertThat(limits).as("%s limits.%s", cn, r).containsKey(r);
                    if (requests.containsKey(r) && limits.containsKey(r)) {
                        soft.assertThat(Quantity.parse(str(requests.get(r))))
                                .as("%s requests.%s ≤ limits.%s", cn, r, r)
                                .isLessThanOrEqualTo(Quantity.parse(str(limits.get(r))));
                    }
                }
            }
            if (SERVICES.contains(dn)) {
                soft.assertThat(str(containers(d).get(0).get("image"))).as("%s image", dn).startsWith("palisade/" + dn + ":");
            }
        }
        soft.assertAll();
    }

    // ------------------------------------------------------------------------------------------- the gateway

    @ParameterizedTest
    @ValueSource(strings = {"centralized", "distributed"})
    void gatewayScalesOutBehindATcpLoadBalancerThatPassesTlsThrough(String overlay) {
        Manifests m = overlay(overlay);
        Map<String, Object> gateway = m.get("Deployment", "agent-gateway");
        Map<String, Object> podLabels = at(gateway, "spec", "template", "metadata", "labels");

        Map<String, Object> hpa = m.ofKind("HorizontalPodAutoscaler").stream()
                .filter(h -> "Deployment".equals(at(h, "spec", "scaleTargetRef").get("kind"))
                        && "agent-gateway".equals(at(h, "spec", "scaleTargetRef").get("name")))
                .findFirst().orElseThrow(() -> new AssertionError("no HorizontalPodAutoscaler scales Deployment agent-gateway"));
        int min = ((Number) map(hpa.get("spec")).get("minReplicas")).intValue();
        int max = ((Number) map(hpa.get("spec")).get("maxReplicas")).intValue();
        assertThat(min).as("HPA minReplicas").isGreaterThanOrEqualTo(2);
        assertThat(max).as("HPA maxReplicas").isGreaterThan(min);
        assertThat(map(gateway.get("spec"))).as("the HPA owns the gateway's replica count").doesNotContainKey("replicas");

        assertThat(m.ofKind("PodDisruptionBudget")).as("a PodDisruptionBudget for the gateway")
                .anyMatch(pdb -> selects(at(pdb, "spec", "selector", "matchLabels"), podLabels)
                        && (at(pdb, "spec").containsKey("maxUnavailable") || at(pdb, "spec").containsKey("minAvailable")));

        // the agent endpoint: a LoadBalancer Service, TCP 8443, onto the container's 8443
        Map<String, Object> container = containers(gateway).get(0);
        Map<String, Object> lb = m.ofKind("Service").stream()
                .filter(s -> "LoadBalancer".equals(at(s, "spec").get("type"))
                        && selects(at(s, "spec", "selector"), podLabels))
                .findFirst().orElseThrow(() -> new AssertionError("no LoadBalancer Service selects the gateway pods"));
        Map<String, Object> agentPort = maps(at(lb, "spec").get("ports")).stream()
                .filter(p -> Objects.equals(((Number) p.get("port")).intValue(), 8443))
                .findFirst().orElseThrow(() -> new AssertionError(name(lb) + " has no port 8443"));
        assertThat(str(agentPort.getOrDefault("protocol", "TCP"))).as("the agent port's protocol").isEqualTo("TCP");
        Object target = agentPort.getOrDefault("targetPort", 8443);
        int targetNumber = maps(container.get("ports")).stream()
                .filter(p -> str(target).equals(str(p.get("name"))) || str(target).equals(str(p.get("containerPort"))))
                .map(p -> ((Number) p.get("containerPort")).intValue())
                .findFirst().orElseThrow(() -> new AssertionError(name(lb) + " targets port " + target + ", which the gateway does not declare"));
        assertThat(targetNumber).as("the LB's target port").isEqualTo(8443);
        assertThat(m.plainEnv(gateway)).as("gateway agent endpoint settings")
                .containsEntry("PALISADE_GATEWAY_AGENT_PORT", "8443")
                .hasEntrySatisfying("PALISADE_GATEWAY_AGENT_HOSTNAMES", v -> assertThat(v).isNotBlank());

        // mutual TLS ends at the pods: no Ingress (an HTTP proxy that terminates TLS) may lead to the agent port
        for (Map<String, Object> ingress : m.ofKind("Ingress")) {
            for (Map<String, Object> backend : backends(ingress)) {
                Map<String, Object> svc = map(backend.get("service"));
                assertThat(str(svc.get("name"))).as("Ingress %s backend", name(ingress)).isNotEqualTo(name(lb));
                assertThat(str(map(svc.get("port")).get("number"))).as("Ingress %s backend port", name(ingress)).isNotEqualTo("8443");
                assertThat(str(map(svc.get("port")).get("name"))).as("Ingress %s backend port", name(ingress)).isNotEqualTo("agents");
            }
        }
    }

    // ------------------------------------------------------------------------------------------- secrets

    @ParameterizedTest
    @ValueSource(strings = {"centralized", "distributed"})
    void secretsAreOnlyReferencedNeverInline(String overlay) throws IOException {
        Manifests m = overlay(overlay);
        SoftAssertions soft = new SoftAssertions();
        for (Map<String, Object> s : m.ofKind("Secret")) {
            soft.assertThat(s).as("Secret %s carries values", name(s)).doesNotContainKeys("data", "stringData");
        }
        for (Map<String, Object> cm : m.ofKind("ConfigMap")) {
            for (String key : map(cm.get("data")).keySet()) {
                soft.assertThat(secretLooking(key)).as("ConfigMap %s has a secret-looking key %s", name(cm), key).isFalse();
            }
        }
        Set<String> referenced = new HashSet<>();
        for (Map<String, Object> d : m.ofKind("Deployment")) {
            List<Map<String, Object>> all = new ArrayList<>(containers(d));
            all.addAll(maps(podSpec(d).get("initContainers")));
            for (Map<String, Object> c : all) {
                for (Map<String, Object> e : maps(c.get("env"))) {
                    String env = str(e.get("name"));
                    Map<String, Object> ref = at(e, "valueFrom", "secretKeyRef");
                    if (secretLooking(env)) {
                        soft.assertThat(ref).as("%s env %s must come from a secretKeyRef", name(d), env)
                                .containsKeys("name", "key");
                        soft.assertThat(e).as("%s env %s has an inline value", name(d), env).doesNotContainKey("value");
                    }
                    if (!ref.isEmpty()) {
                        referenced.add(str(ref.get("name")));
                    }
                }
                for (Map<String, Object> from : maps(c.get("envFrom"))) {
                    soft.assertThat(from).as("%s envFrom a whole Secret (name its keys instead)", name(d)).doesNotContainKey("secretRef");
                }
            }
            for (Map<String, Object> v : maps(podSpec(d).get("volumes"))) {
                if (v.containsKey("secret")) {
                    referenced.add(str(map(v.get("secret")).get("secretName")));
                }
            }
        }
        for (Map<String, Object> ingress : m.ofKind("Ingress")) {
            maps(at(ingress, "spec").get("tls")).forEach(t -> referenced.add(str(t.get("secretName"))));
        }
        for (Map<String, Object> cluster : m.ofKind("Cluster")) {
            maps(at(cluster, "spec", "managed").get("roles"))
                    .forEach(r -> referenced.add(str(map(r.get("passwordSecret")).get("name"))));
        }
        referenced.remove(null);

        // each one is made by create-secrets.sh (from secrets.example.env) or by an operator
        String script = Files.readString(Manifests.K8S_DIR.resolve("create-secrets.sh"));
        Set<String> byOperators = new HashSet<>();
        m.ofKind("Cluster").forEach(c -> byOperators.add(name(c) + "-ca"));   // CloudNativePG's CA
        for (Map<String, Object> ingress : m.ofKind("Ingress")) {                 // cert-manager's certificates
            Map<String, Object> annotations = at(ingress, "metadata", "annotations");
            if (annotations.containsKey("cert-manager.io/cluster-issuer") || annotations.containsKey("cert-manager.io/issuer")) {
                maps(at(ingress, "spec").get("tls")).forEach(t -> byOperators.add(str(t.get("secretName"))));
            }
        }
        for (String secret : referenced) {
            soft.assertThat(byOperators.contains(secret) || script.contains(" " + secret + " ") || script.contains(" " + secret + "\n"))
                    .as("Secret %s is referenced but neither create-secrets.sh nor an operator creates it", secret).isTrue();
        }
        soft.assertAll();
    }

    static boolean secretLooking(String envName) {
        // names of files holding a key or certificate are paths, not secrets
        return SECRET_LOOKING.matcher(envName).matches() && !envName.endsWith("_FILE") && !envName.endsWith("_PATH");
    }

    // ------------------------------------------------------------------------------------------- Kafka

    @ParameterizedTest
    @ValueSource(strings = {"centralized", "distributed"})
    void everyTopicTheCodeUsesHasAReplicatedKafkaTopic(String overlay) {
        Manifests m = overlay(overlay);
        List<Map<String, Object>> kafkas = m.ofKind("Kafka");
        assertThat(kafkas).as("one Strimzi Kafka").hasSize(1);
        Map<String, Object> kafka = kafkas.get(0);
        String cluster = name(kafka);
        Map<String, Object> config = at(kafka, "spec", "kafka", "config");
        assertThat(str(config.get("min.insync.replicas"))).as("Kafka min.insync.replicas").isEqualTo("2");
        assertThat(str(config.get("default.replication.factor"))).as("Kafka default.replication.factor").isEqualTo("3");

        int brokers = 0;
        int controllers = 0;
        for (Map<String, Object> pool : m.ofKind("KafkaNodePool")) {
            if (!cluster.equals(at(pool, "metadata", "labels").get("strimzi.io/cluster"))) {
                continue;
            }
            int replicas = ((Number) at(pool, "spec").get("replicas")).intValue();
            List<String> roles = strings(at(pool, "spec").get("roles"));
            brokers += roles.contains("broker") ? replicas : 0;
            controllers += roles.contains("controller") ? replicas : 0;
        }
        assertThat(brokers).as("KRaft broker replicas").isGreaterThanOrEqualTo(3);
        assertThat(controllers).as("KRaft controller replicas").isGreaterThanOrEqualTo(3);

        Map<String, Map<String, Object>> byTopic = new HashMap<>();
        for (Map<String, Object> t : m.ofKind("KafkaTopic")) {
            String topic = at(t, "spec").containsKey("topicName") ? str(at(t, "spec").get("topicName")) : name(t);
            byTopic.put(topic, t);
        }
        SoftAssertions soft = new SoftAssertions();
        Set<String> topics = Topology.allTopics();
        assertThat(topics).as("topics found in the code").isNotEmpty();
        for (String topic : topics) {
            Map<String, Object> t = byTopic.get(topic);
            soft.assertThat(t).as("a KafkaTopic for %s", topic).isNotNull();
            if (t == null) {
                continue;
            }
            Map<String, Object> spec = at(t, "spec");
            soft.assertThat(at(t, "metadata", "labels").get("strimzi.io/cluster")).as("%s strimzi.io/cluster", topic).isEqualTo(cluster);
            soft.assertThat(((Number) spec.get("replicas")).intValue()).as("%s replicas", topic).isGreaterThanOrEqualTo(3);
            soft.assertThat(((Number) spec.get("partitions")).intValue()).as("%s partitions", topic).isGreaterThanOrEqualTo(3);
            Object isr = map(spec.get("config")).getOrDefault("min.insync.replicas", config.get("min.insync.replicas"));
            soft.assertThat(str(isr)).as("%s min.insync.replicas", topic).isEqualTo("2");
        }
        for (Map<String, Object> d : m.ofKind("Deployment")) {
            String bootstrap = m.plainEnv(d).get("KAFKA_BOOTSTRAP_SERVERS");
            if (SERVICES.contains(name(d))) {
                soft.assertThat(bootstrap).as("%s KAFKA_BOOTSTRAP_SERVERS", name(d)).startsWith(cluster + "-kafka-bootstrap:");
            }
        }
        soft.assertAll();
    }

    // ------------------------------------------------------------------------------------------- PostgreSQL

    @ParameterizedTest
    @ValueSource(strings = {"centralized", "distributed"})
    void eachServiceHasItsOwnDatabaseAndOwnerOnACloudNativePgCluster(String overlay) {
        Manifests m = overlay(overlay);
        List<Map<String, Object>> clusters = m.ofKind("Cluster");
        assertThat(clusters).as("one CloudNativePG Cluster").hasSize(1);
        Map<String, Object> cluster = clusters.get(0);
        assertThat(((Number) at(cluster, "spec").get("instances")).intValue()).as("PostgreSQL instances").isGreaterThanOrEqualTo(3);
        Map<String, String> rolePasswordSecret = new HashMap<>();
        maps(at(cluster, "spec", "managed").get("roles"))
                .forEach(r -> rolePasswordSecret.put(str(r.get("name")), str(map(r.get("passwordSecret")).get("name"))));

        Set<String> databases = new LinkedHashSet<>();
        SoftAssertions soft = new SoftAssertions();
        for (String service : SERVICES) {
            Map<String, Object> d = m.get("Deployment", service);
            Map<String, String> env = m.plainEnv(d);
            URI reactive = URI.create(env.getOrDefault("QUARKUS_DATASOURCE_REACTIVE_URL", ""));
            URI jdbc = URI.create(env.getOrDefault("QUARKUS_DATASOURCE_JDBC_URL", "jdbc:").substring("jdbc:".length()));
            String db = reactive.getPath() == null ? "" : reactive.getPath().replaceFirst("^/", "");
            databases.add(db);
            soft.assertThat(reactive.getHost()).as("%s database host", service).isEqualTo(name(cluster) + "-rw");
            soft.assertThat(jdbc.getHost()).as("%s JDBC host", service).isEqualTo(reactive.getHost());
            soft.assertThat(jdbc.getPath()).as("%s JDBC database", service).isEqualTo("/" + db);
            soft.assertThat(jdbc.getQuery()).as("%s JDBC TLS", service).contains("sslmode=verify-full");
            soft.assertThat(env.get("QUARKUS_DATASOURCE_REACTIVE_POSTGRESQL_SSL_MODE")).as("%s reactive TLS", service).isEqualTo("verify-full");

            Map<String, Object> database = m.ofKind("Database").stream()
                    .filter(x -> db.equals(at(x, "spec").get("name"))).findFirst().orElse(null);
            soft.assertThat(database).as("a CloudNativePG Database %s for %s", db, service).isNotNull();
            if (database == null) {
                continue;
            }
            soft.assertThat(at(database, "spec", "cluster").get("name")).as("Database %s cluster", db).isEqualTo(name(cluster));
            String owner = str(at(database, "spec").get("owner"));
            String secret = rolePasswordSecret.get(owner);
            soft.assertThat(secret).as("the owner role %s of %s is a managed role with a password Secret", owner, db).isNotNull();
            for (String var : List.of("QUARKUS_DATASOURCE_USERNAME", "QUARKUS_DATASOURCE_PASSWORD")) {
                soft.assertThat(m.secretRef(d, var).map(r -> str(r.get("name"))))
                        .as("%s %s comes from the role's Secret", service, var).contains(secret);
            }
        }
        soft.assertThat(databases).as("one database per service").hasSize(SERVICES.size());
        soft.assertAll();
    }

    // ------------------------------------------------------------------------------------------- network

    @ParameterizedTest
    @ValueSource(strings = {"centralized", "distributed"})
    void networkPoliciesDenyByDefaultAndOpenOnlyWhatEachServiceNeeds(String overlay) {
        Manifests m = overlay(overlay);
        List<Map<String, Object>> policies = m.ofKind("NetworkPolicy");
        assertThat(policies).as("a default-deny NetworkPolicy for the namespace").anyMatch(p ->
                at(p, "spec", "podSelector").isEmpty()
                        && strings(at(p, "spec").get("policyTypes")).containsAll(List.of("Ingress", "Egress"))
                        && !at(p, "spec").containsKey("ingress") && !at(p, "spec").containsKey("egress"));

        SoftAssertions soft = new SoftAssertions();
        for (String service : SERVICES) {
            // what each service may reach: DNS, PostgreSQL, Kafka and the HTTP ports of the services it calls
            Set<Integer> allowedEgressPorts = new HashSet<>(Set.of(53, 5432, 9092));
            allowedEgressPorts.addAll(CALLS.getOrDefault(service, Map.of()).values());
            List<Map<String, Object>> applying = applying(m, service);
            boolean hasIngressRule = false;
            for (Map<String, Object> p : applying) {
                for (Map<String, Object> rule : maps(at(p, "spec").get("egress"))) {
                    soft.assertThat(rule).as("%s: egress rule of %s names its peers", service, name(p)).containsKey("to");
                    soft.assertThat(maps(rule.get("ports"))).as("%s: egress rule of %s names its ports", service, name(p)).isNotEmpty();
                    for (Map<String, Object> port : maps(rule.get("ports"))) {
                        soft.assertThat(allowedEgressPorts).as("%s: egress port in %s", service, name(p))
                                .contains(((Number) port.get("port")).intValue());
                    }
                }
                for (Map<String, Object> rule : maps(at(p, "spec").get("ingress"))) {
                    hasIngressRule = true;
                    soft.assertThat(maps(rule.get("ports"))).as("%s: ingress rule of %s names its ports", service, name(p)).isNotEmpty();
                    boolean fromAnywhere = !rule.containsKey("from") || maps(rule.get("from")).stream().anyMatch(f -> f.containsKey("ipBlock"));
                    if (fromAnywhere) {
                        // only the agent endpoint faces the Internet
                        soft.assertThat(service).as("%s: %s admits addresses from outside the cluster", service, name(p)).isEqualTo("agent-gateway");
                        soft.assertThat(maps(rule.get("ports"))).as("%s: the Internet-facing rule of %s", service, name(p))
                                .allMatch(port -> ((Number) port.get("port")).intValue() == 8443);
                    }
                }
            }
            soft.assertThat(hasIngressRule).as("%s is reachable by some NetworkPolicy", service).isTrue();
        }
        soft.assertAll();
    }

    @ParameterizedTest
    @ValueSource(strings = {"centralized", "distributed"})
    void eachCallBetweenServicesIsAllowedOnBothSides(String overlay) {
        Manifests m = overlay(overlay);
        SoftAssertions soft = new SoftAssertions();
        for (String service : SERVICES) {
            Map<String, Object> ingressNginx = Map.of("app.kubernetes.io/name", "ingress-nginx");
            soft.assertThat(admits(m, service, ingressNginx, "ingress-nginx", httpPort(m, service)))
                    .as("%s admits the ingress controller on its HTTP port", service).isTrue();
        }
        CALLS.forEach((caller, callees) -> callees.forEach((callee, port) -> {
            Map<String, Object> callerLabels = podLabels(m, caller);
            Map<String, Object> calleeLabels = podLabels(m, callee);
            soft.assertThat(httpPort(m, callee)).as("%s's HTTP port", callee).isEqualTo(port);
            soft.assertThat(applying(m, caller).stream().flatMap(p -> maps(at(p, "spec").get("egress")).stream())
                            .anyMatch(rule -> hasPort(rule, port) && maps(rule.get("to")).stream().anyMatch(peer ->
                                    !peer.containsKey("namespaceSelector") && !peer.containsKey("ipBlock")
                                            && selects(at(peer, "podSelector", "matchLabels"), calleeLabels))))
                    .as("%s may reach %s on %d", caller, callee, port).isTrue();
            soft.assertThat(admits(m, callee, callerLabels, null, port)).as("%s admits %s on %d", callee, caller, port).isTrue();
        }));
        soft.assertAll();
    }

    /** The NetworkPolicies (of the namespace) that select a service's pods. */
    static List<Map<String, Object>> applying(Manifests m, String service) {
        Map<String, Object> labels = podLabels(m, service);
        return m.ofKind("NetworkPolicy").stream()
                .filter(p -> selects(at(p, "spec", "podSelector", "matchLabels"), labels)
                        && at(p, "spec", "podSelector").keySet().stream().allMatch("matchLabels"::equals))
                .toList();
    }

    /**
     * Whether some ingress rule of a service's policies admits pods with these labels on a port: pods of the
     * namespace (namespace null) or of the namespace named.
     */
    static boolean admits(Manifests m, String service, Map<String, Object> fromLabels, String namespace, int port) {
        return applying(m, service).stream().flatMap(p -> maps(at(p, "spec").get("ingress")).stream())
                .anyMatch(rule -> hasPort(rule, port) && maps(rule.get("from")).stream().anyMatch(peer -> {
                    if (peer.containsKey("ipBlock") || !peer.containsKey("podSelector")) {
                        return false;
                    }
                    Map<String, Object> ns = at(peer, "namespaceSelector", "matchLabels");
                    boolean namespaceMatches = namespace == null
                            ? !peer.containsKey("namespaceSelector")
                            : namespace.equals(ns.get("kubernetes.io/metadata.name"));
                    return namespaceMatches && selects(at(peer, "podSelector", "matchLabels"), fromLabels);
                }));
    }

    static boolean hasPort(Map<String, Object> rule, int port) {
        return maps(rule.get("ports")).stream().anyMatch(p -> p.get("port") instanceof Number n && n.intValue() == port);
    }

    static Map<String, Object> podLabels(Manifests m, String service) {
        return at(m.get("Deployment", service), "spec", "template", "metadata", "labels");
    }

    /** The container port named "http" of a service's Deployment. */
    static int httpPort(Manifests m, String service) {
        return maps(containers(m.get("Deployment", service)).get(0).get("ports")).stream()
                .filter(p -> "http".equals(p.get("name")))
                .map(p -> ((Number) p.get("containerPort")).intValue())
                .findFirst().orElseThrow(() -> new AssertionError(service + " declares no port named http"));
    }

    // ------------------------------------------------------------------------------------------- migrations

    @ParameterizedTest
    @ValueSource(strings = {"centralized", "distributed"})
    void exportUploadsReachMigrationServiceAndNoOtherServiceTakesLargeBodies(String overlay) {
        Manifests m = overlay(overlay);
        SoftAssertions soft = new SoftAssertions();
        boolean routed = false;
        for (Map<String, Object> ingress : m.ofKind("Ingress")) {
            Set<String> services = new HashSet<>();
            backends(ingress).forEach(b -> services.add(str(map(b.get("service")).get("name"))));
            Map<String, Object> annotations = at(ingress, "metadata", "annotations");
            String bodySize = str(annotations.get("nginx.ingress.kubernetes.io/proxy-body-size"));
            soft.assertThat(bodySize).as("Ingress %s proxy-body-size", name(ingress)).isNotBlank();
            if (bodySize == null) {
                continue;
            }
            if (services.contains("migration-service")) {
                routed = true;
                soft.assertThat(services).as("Ingress %s: the large bodies are migration-service's only", name(ingress))
                        .containsOnly("migration-service");
                soft.assertThat(nginxSize(bodySize)).as("Ingress %s proxy-body-size takes a 200 MB export", name(ingress))
                        .isGreaterThanOrEqualTo(LARGEST_EXPORT);
                for (String timeout : List.of("proxy-send-timeout", "proxy-read-timeout")) {
                    String value = str(annotations.get("nginx.ingress.kubernetes.io/" + timeout));
                    soft.assertThat(value).as("Ingress %s %s", name(ingress), timeout).isNotBlank();
                    if (value != null) {
                        soft.assertThat(Integer.parseInt(value)).as("Ingress %s %s (seconds)", name(ingress), timeout)
                                .isGreaterThanOrEqualTo(300);
                    }
                }
                // the services answer a chunked body with 411: nginx must send the whole body with its length
                soft.assertThat(str(annotations.get("nginx.ingress.kubernetes.io/proxy-request-buffering")))
                        .as("Ingress %s proxy-request-buffering", name(ingress)).isNotEqualTo("off");
            } else {
                soft.assertThat(nginxSize(bodySize)).as("Ingress %s proxy-body-size (operator API bodies are small)", name(ingress))
                        .isLessThanOrEqualTo(1024L * 1024);
            }
        }
        soft.assertThat(routed).as("an Ingress routes to migration-service").isTrue();
        soft.assertAll();
    }

    /** An nginx size ("1m", "256m", "512k", "1g", "1024"). */
    static long nginxSize(String size) {
        String s = size.trim().toLowerCase(java.util.Locale.ROOT);
        long unit = switch (s.charAt(s.length() - 1)) {
            case 'k' -> 1024L;
            case 'm' -> 1024L * 1024;
            case 'g' -> 1024L * 1024 * 1024;
            default -> 1L;
        };
        return Long.parseLong(unit == 1 ? s : s.substring(0, s.length() - 1)) * unit;
    }

    // ------------------------------------------------------------------------------------------- exposure

    @Test
    void centralizedOperatorApisAnswerOnlyTheMspNetworksAtTheIngressAndInTheServices() {
        Manifests m = overlay("centralized");
        // the MSP's networks: what the ingress admits, and what every service admits (checked below)
        Map<String, Object> common = m.ofKind("ConfigMap").stream().filter(c -> name(c).startsWith("palisade-common"))
                .findFirst().orElseThrow(() -> new AssertionError("no palisade-common ConfigMap"));
        Set<String> allowed = cidrs(str(map(common.get("data")).get("PALISADE_ALLOWED_CIDRS")));
        assertThat(allowed).as("palisade-common PALISADE_ALLOWED_CIDRS").isNotEmpty().allMatch(c -> CIDR.matcher(c).matches())
                .doesNotContain("0.0.0.0/0", "::/0");
        for (String service : SERVICES) {
            Map<String, String> env = m.plainEnv(m.get("Deployment", service));
            assertThat(env).as(service).containsEntry("PALISADE_EXPOSURE", "centralized");
            Set<String> cidrs = cidrs(env.get("PALISADE_ALLOWED_CIDRS"));
            Set<String> proxies = cidrs(env.get("PALISADE_TRUSTED_PROXIES"));
            assertThat(cidrs).as("%s PALISADE_ALLOWED_CIDRS", service).isNotEmpty().allMatch(c -> CIDR.matcher(c).matches())
                    .doesNotContain("0.0.0.0/0", "::/0");
            assertThat(proxies).as("%s PALISADE_TRUSTED_PROXIES (the ingress pods)", service)
                    .isNotEmpty().allMatch(c -> CIDR.matcher(c).matches()).doesNotContain("0.0.0.0/0", "::/0");
            // the MSP's networks; plus, where migration-service calls the operator API, the pod network its calls
            // come from (the same as the trusted proxies: the ingress pods are in it too)
            Set<String> expected = new TreeSet<>(allowed);
            if (CALLED_BY_MIGRATION.contains(service)) {
                expected.addAll(proxies);
            }
            assertThat(cidrs).as("%s PALISADE_ALLOWED_CIDRS: the MSP's networks%s", service,
                    CALLED_BY_MIGRATION.contains(service) ? " and the pod network (migration-service's calls)" : "").isEqualTo(expected);
        }
        List<Map<String, Object>> ingresses = m.ofKind("Ingress");
        assertThat(ingresses).as("the operator APIs' Ingress").isNotEmpty();
        Set<String> routed = new HashSet<>();
        for (Map<String, Object> ingress : ingresses) {
            String range = str(at(ingress, "metadata", "annotations").get("nginx.ingress.kubernetes.io/whitelist-source-range"));
            assertThat(range).as("Ingress %s whitelist-source-range", name(ingress)).isNotBlank();
            assertThat(cidrs(range)).as("Ingress %s allows exactly PALISADE_ALLOWED_CIDRS", name(ingress)).isEqualTo(allowed);
            backends(ingress).forEach(b -> routed.add(str(map(b.get("service")).get("name"))));
            assertPathsOnlyApi(ingress);
        }
        assertThat(routed).as("services behind the Ingress").containsExactlyInAnyOrderElementsOf(SERVICES);
    }

    @Test
    void distributedOperatorApisArePublicOverTlsWithTotpMandatory() {
        Manifests m = overlay("distributed");
        for (String service : SERVICES) {
            assertThat(m.plainEnv(m.get("Deployment", service))).as(service).containsEntry("PALISADE_EXPOSURE", "distributed");
        }
        List<Map<String, Object>> ingresses = m.ofKind("Ingress");
        assertThat(ingresses).as("the operator APIs' Ingress").isNotEmpty();
        Set<String> routed = new HashSet<>();
        for (Map<String, Object> ingress : ingresses) {
            List<Map<String, Object>> tls = maps(at(ingress, "spec").get("tls"));
            assertThat(tls).as("Ingress %s TLS", name(ingress)).isNotEmpty().allMatch(t -> t.get("secretName") != null);
            Set<String> tlsHosts = new HashSet<>();
            tls.forEach(t -> tlsHosts.addAll(strings(t.get("hosts"))));
            for (Map<String, Object> rule : maps(at(ingress, "spec").get("rules"))) {
                assertThat(tlsHosts).as("Ingress %s: TLS covers host %s", name(ingress), rule.get("host")).contains(str(rule.get("host")));
            }
            Map<String, Object> annotations = at(ingress, "metadata", "annotations");
            assertThat(str(annotations.get("nginx.ingress.kubernetes.io/force-ssl-redirect"))).as("Ingress %s force-ssl-redirect", name(ingress))
                    .isEqualTo("true");
            assertThat(annotations).as("Ingress %s is public: no source-range restriction", name(ingress))
                    .doesNotContainKey("nginx.ingress.kubernetes.io/whitelist-source-range");
            backends(ingress).forEach(b -> routed.add(str(map(b.get("service")).get("name"))));
            assertPathsOnlyApi(ingress);
        }
        assertThat(routed).as("services behind the Ingress").containsExactlyInAnyOrderElementsOf(SERVICES);
    }

    // ------------------------------------------------------------------------------------------- helpers

    static void assertPathsOnlyApi(Map<String, Object> ingress) {
        for (Map<String, Object> rule : maps(at(ingress, "spec").get("rules"))) {
            for (Map<String, Object> path : maps(at(rule, "http").get("paths"))) {
                assertThat(str(path.get("path"))).as("Ingress %s routes only the API (not /q/*)", name(ingress))
                        .matches("/api(/[A-Za-z0-9._~-]+)*");
                assertThat(str(path.get("pathType"))).as("Ingress %s pathType", name(ingress)).isIn("Prefix", "Exact");
            }
        }
    }

    static List<Map<String, Object>> backends(Map<String, Object> ingress) {
        List<Map<String, Object>> out = new ArrayList<>();
        Map<String, Object> defaultBackend = at(ingress, "spec", "defaultBackend");
        if (!defaultBackend.isEmpty()) {
            out.add(defaultBackend);
        }
        for (Map<String, Object> rule : maps(at(ingress, "spec").get("rules"))) {
            for (Map<String, Object> path : maps(at(rule, "http").get("paths"))) {
                out.add(map(path.get("backend")));
            }
        }
        return out;
    }

    /** Whether a label selector (matchLabels) selects pods with these labels. An empty selector selects all. */
    static boolean selects(Map<String, Object> selector, Map<String, Object> labels) {
        return selector.entrySet().stream().allMatch(e -> Objects.equals(str(e.getValue()), str(labels.get(e.getKey()))));
    }

    static Set<String> cidrs(String list) {
        Set<String> out = new TreeSet<>();
        if (list != null) {
            for (String s : list.split(",")) {
                if (!s.isBlank()) {
                    out.add(s.trim());
                }
            }
        }
        return out;
    }
}
