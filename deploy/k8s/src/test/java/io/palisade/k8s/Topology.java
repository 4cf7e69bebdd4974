package io.palisade.k8s;

import io.palisade.events.Topics;
import java.io.IOException;
import java.io.Reader;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.SortedSet;
import java.util.stream.Stream;

/** What the code says the deployment must provide: the Kafka topics it uses. */
final class Topology {

    private Topology() {
    }

    /** Every topic name constant in {@link Topics}. */
    static SortedSet<String> topicConstants() {
        SortedSet<String> topics = new TreeSet<>();
        for (Field f : Topics.class.getDeclaredFields()) {
            int m = f.getModifiers();
            if (Modifier.isStatic(m) && Modifier.isFinal(m) && f.getType() == String.class) {
                try {
                    topics.add((String) f.get(null));
                } catch (IllegalAccessException e) {
                    throw new AssertionError(e);
                }
            }
        }
        return topics;
    }

    /** {@code mp.messaging.*.*.topic} of every module's src/main/resources/application.properties → where it is set. */
    static Map<String, String> messagingTopics() {
        Map<String, String> topics = new TreeMap<>();
        try (Stream<Path> modules = Files.list(Manifests.ROOT)) {
            for (Path module : modules.sorted().toList()) {
                Path props = module.resolve("src/main/resources/application.properties");
                if (!Files.isRegularFile(props)) {
                    continue;
                }
                Properties p = new Properties();
                try (Reader r = Files.newBufferedReader(props)) {
                    p.load(r);
                }
                for (String key : p.stringPropertyNames()) {
                    if (key.startsWith("mp.messaging.") && key.endsWith(".topic")) {
                        topics.put(p.getProperty(key).trim(), Manifests.ROOT.relativize(props) + ": " + key);
                    }
                }
            }
        } catch (IOException e) {
            throw new AssertionError("cannot read the modules' application.properties", e);
        }
        return topics;
    }

    /**
     * The deployable services: every module whose src/main/resources/application.properties sets
     * {@code quarkus.http.port} → that port.
     */
    static Map<String, Integer> serviceModules() {
        Map<String, Integer> services = new TreeMap<>();
        try (Stream<Path> modules = Files.list(Manifests.ROOT)) {
            for (Path module : modules.sorted().toList()) {
                Path props = module.resolve("src/main/resources/application.properties");
                if (!Files.isRegularFile(props)) {
                    continue;
                }
                Properties p = new Properties();
                try (Reader r = Files.newBufferedReader(props)) {
                    p.load(r);
                }
                String port = p.getProperty("quarkus.http.port");
                if (port != null) {
                    services.put(module.getFileName().toString(), Integer.parseInt(port.trim()));
                }
            }
        } catch (IOException e) {
            throw new AssertionError("cannot read the modules' application.properties", e);
        }
        return services;
    }

    /** Both of the above. */
    static SortedSet<String> allTopics() {
        SortedSet<String> all = new TreeSet<>(topicConstants());
        all.addAll(messagingTopics().keySet());
        return all;
    }
}
