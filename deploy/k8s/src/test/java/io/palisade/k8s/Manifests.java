package io.palisade.k8s;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** The rendered output of one Kustomize directory: every document, with small helpers to walk them. */
final class Manifests {

    /** deploy/k8s (this module's folder). */
    static final Path K8S_DIR = Path.of(System.getProperty("palisade.k8s.dir", ".")).toAbsolutePath().normalize();
    /** The repository root. */
    static final Path ROOT = K8S_DIR.getParent().getParent();

    private static final Map<String, Manifests> RENDERED = new ConcurrentHashMap<>();

    final String overlay;
    final List<Map<String, Object>> docs;

    private Manifests(String overlay, List<Map<String, Object>> docs) {
        this.overlay = overlay;
        this.docs = docs;
    }

    /** Whether {@code kubectl} can be run (the tests that render are skipped without it). */
    static boolean kubectlAvailable() {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "kubectl"))) {
                return true;
            }
        }
        return false;
    }

    /** {@code kubectl kustomize <dir>} of a folder under deploy/k8s ("overlays/centralized", "base"), once per run. */
    static Manifests render(String dir) {
        return RENDERED.computeIfAbsent(dir, Manifests::doRender);
    }

    private static Manifests doRender(String dir) {
        Path target = K8S_DIR.resolve(dir);
        try {
            Process p = new ProcessBuilder("kubectl", "kustomize", target.toString()).start();
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
            String out = read(p.getInputStream());
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("kubectl kustomize " + target + " did not finish within 120 s");
            }
            if (p.exitValue() != 0) {
                throw new AssertionError("kubectl kustomize " + target + " failed (exit " + p.exitValue() + "):\n" + err.join());
            }
            return new Manifests(dir, parse(out));
        } catch (IOException e) {
            throw new AssertionError("cannot run kubectl kustomize " + target, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> parse(String yaml) {
        List<Map<String, Object>> docs = new ArrayList<>();
        for (Object doc : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(yaml)) {
            if (doc instanceof Map<?, ?> map) {
                docs.add((Map<String, Object>) map);
            }
        }
        return docs;
    }

    private static String read(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    // ------------------------------------------------------------------------------------------------ queries

    List<Map<String, Object>> ofKind(String kind) {
        return docs.stream().filter(d -> kind.equals(d.get("kind"))).toList();
    }

    Optional<Map<String, Object>> find(String kind, String name) {
        return ofKind(kind).stream().filter(d -> name.equals(name(d))).findFirst();
    }

    Map<String, Object> get(String kind, String name) {
        return find(kind, name).orElseThrow(() -> new AssertionError(overlay + ": no " + kind + " named " + name));
    }

    /** The ConfigMap a reference points at: generated ones carry a hash suffix after their base name. */
    Map<String, Object> configMap(String renderedName) {
        return get("ConfigMap", renderedName);
    }

    /** The environment a Deployment's first container sees from its ConfigMaps (envFrom) and literal env values. */
    Map<String, String> plainEnv(Map<String, Object> deployment) {
        Map<String, String> env = new LinkedHashMap<>();
        Map<String, Object> container = containers(deployment).get(0);
        for (Map<String, Object> from : maps(container.get("envFrom"))) {
            Map<String, Object> ref = map(from.get("configMapRef"));
            if (!ref.isEmpty()) {
                map(configMap(str(ref.get("name"))).get("data")).forEach((k, v) -> env.put(k, String.valueOf(v)));
            }
        }
        for (Map<String, Object> e : maps(container.get("env"))) {
            if (e.containsKey("value")) {
                env.put(str(e.get("name")), String.valueOf(e.get("value")));
            }
        }
        return env;
    }

    /** The Secret reference (name/key) behind an env var of a Deployment's first container, if it has one. */
    Optional<Map<String, Object>> secretRef(Map<String, Object> deployment, String envName) {
        for (Map<String, Object> e : maps(containers(deployment).get(0).get("env"))) {
            if (envName.equals(e.get("name"))) {
                Map<String, Object> ref = map(map(e.get("valueFrom")).get("secretKeyRef"));
                return ref.isEmpty() ? Optional.empty() : Optional.of(ref);
            }
        }
        return Optional.empty();
    }

    // ------------------------------------------------------------------------------------------------ helpers

    static String name(Map<String, Object> doc) {
        return str(map(doc.get("metadata")).get("name"));
    }

    static Map<String, Object> podSpec(Map<String, Object> deployment) {
        return at(deployment, "spec", "template", "spec");
    }

    static List<Map<String, Object>> containers(Map<String, Object> deployment) {
        return maps(podSpec(deployment).get("containers"));
    }

    /** The nested map at a path, or an empty map when any step is missing. */
    static Map<String, Object> at(Map<String, Object> root, String... path) {
        Map<String, Object> current = root;
        for (String step : path) {
            current = map(current.get(step));
        }
        return current;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> maps(Object o) {
        if (!(o instanceof List<?> list)) {
            return List.of();
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (Object item : list) {
            out.add(item instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of());
        }
        return out;
    }

    static List<String> strings(Object o) {
        if (!(o instanceof List<?> list)) {
            return List.of();
        }
        return list.stream().map(String::valueOf).toList();
    }

    static String str(Object o) {
        return o == null ? null : String.valueOf(o);
    }
}
