package io.palisade.k8s;

import static io.palisade.k8s.Manifests.at;
import static io.palisade.k8s.Manifests.name;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

/**
 * Checks on the files as committed, which need no kubectl: every YAML parses, no Secret carries values, every
 * topic has a KafkaTopic, and the secrets template holds names only.
 */
class SourceManifestsTest {

    @Test
    void everyManifestParsesAndNoneCarriesSecretValues() throws IOException {
        List<Path> files = yamlFiles();
        assertThat(files).as("manifests under base/ and overlays/").isNotEmpty();
        SoftAssertions soft = new SoftAssertions();
        for (Path file : files) {
            List<Map<String, Object>> docs = Manifests.parse(Files.readString(file));
            soft.assertThat(docs).as("%s has YAML documents", file).isNotEmpty();
            for (Map<String, Object> doc : docs) {
                if ("Secret".equals(doc.get("kind"))) {
                    soft.assertThat(doc).as("%s: Secret %s carries values", file, name(doc)).doesNotContainKeys("data", "stringData");
                }
            }
        }
        soft.assertAll();
    }

    @Test
    void everyTopicTheCodeUsesHasAKafkaTopicInTheBase() throws IOException {
        Set<String> declared = new HashSet<>();
        for (Path file : yamlFiles()) {
            for (Map<String, Object> doc : Manifests.parse(Files.readString(file))) {
                if ("KafkaTopic".equals(doc.get("kind"))) {
                    Object topicName = at(doc, "spec").get("topicName");
                    declared.add(topicName != null ? topicName.toString() : name(doc));
                }
            }
        }
        assertThat(Topology.topicConstants()).as("io.palisade.events.Topics").isNotEmpty();
        assertThat(declared).as("KafkaTopics in deploy/k8s (topics in Topics.java and in mp.messaging.*.topic: %s)",
                Topology.messagingTopics()).containsAll(Topology.allTopics());
    }

    @Test
    void theSecretsTemplateHoldsNamesOnlyAndTheScriptUsesEachOne() throws IOException {
        Path example = Manifests.K8S_DIR.resolve("secrets.example.env");
        String script = Files.readString(Manifests.K8S_DIR.resolve("create-secrets.sh"));
        List<String> names = new ArrayList<>();
        for (String line : Files.readAllLines(example)) {
            String l = line.trim();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            assertThat(l).as("secrets.example.env line").matches("[A-Z][A-Z0-9_]*=");
            names.add(l.substring(0, l.length() - 1));
        }
        assertThat(names).as("variables in secrets.example.env").isNotEmpty();
        for (String n : names) {
            assertThat(script).as("create-secrets.sh uses %s", n).contains(n);
        }
        assertThat(Files.readAllLines(Manifests.K8S_DIR.resolve(".gitignore"))).as("deploy/k8s/.gitignore").contains("secrets.env");
    }

    @Test
    void everyServiceModuleHasAnImageAndManifestsInTheBase() throws IOException {
        Map<String, Integer> services = Topology.serviceModules();
        assertThat(services.keySet()).as("modules with quarkus.http.port (the services the overlays are checked for)")
                .containsExactlyInAnyOrderElementsOf(OverlayInvariantsTest.SERVICES);
        Map<String, Object> base = Manifests.parse(Files.readString(Manifests.K8S_DIR.resolve("base/kustomization.yaml"))).get(0);
        List<String> resources = Manifests.strings(base.get("resources"));
        Set<String> images = new HashSet<>();
        Manifests.maps(base.get("images")).forEach(i -> images.add(String.valueOf(i.get("name"))));
        SoftAssertions soft = new SoftAssertions();
        services.forEach((service, port) -> {
            Path dockerfile = Manifests.ROOT.resolve(service).resolve("src/main/docker/Dockerfile.jvm");
            soft.assertThat(dockerfile).as("%s's image recipe", service).isRegularFile();
            if (Files.isRegularFile(dockerfile)) {
                soft.assertThat(read(dockerfile)).as("%s Dockerfile.jvm", service)
                        .contains("EXPOSE " + port).contains("USER 185").contains("target/quarkus-app/");
            }
            Path dir = Manifests.K8S_DIR.resolve("base").resolve(service);
            soft.assertThat(resources).as("base/kustomization.yaml resources").contains(service);
            soft.assertThat(images).as("base/kustomization.yaml images").contains("palisade/" + service);
            soft.assertThat(dir.resolve("kustomization.yaml")).as("base/%s/kustomization.yaml", service).isRegularFile();
            Path config = dir.resolve("config.env");
            soft.assertThat(config).as("base/%s/config.env", service).isRegularFile();
            if (Files.isRegularFile(config)) {
                soft.assertThat(read(config).lines()).as("base/%s/config.env", service).contains("QUARKUS_HTTP_PORT=" + port);
            }
        });
        soft.assertAll();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void quantitiesCompareAcrossSuffixes() {
        assertThat(Quantity.parse("500m")).isLessThan(Quantity.parse("1"));
        assertThat(Quantity.parse("768Mi")).isLessThan(Quantity.parse("1Gi"));
        assertThat(Quantity.parse("1536Mi")).isEqualByComparingTo(Quantity.parse("1.5Gi"));
        assertThat(Quantity.parse("1G")).isLessThan(Quantity.parse("1Gi"));
    }

    static List<Path> yamlFiles() throws IOException {
        List<Path> out = new ArrayList<>();
        for (String dir : List.of("base", "overlays")) {
            try (Stream<Path> s = Files.walk(Manifests.K8S_DIR.resolve(dir))) {
                s.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().forEach(out::add);
            }
        }
        return out;
    }
}
