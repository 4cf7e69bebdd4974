package io.palisade.local;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Helpers for child processes. */
final class Processes {
    private static final String SETSID = "/usr/bin/setsid";

    private Processes() {
    }

    /** The java executable of this JVM. */
    static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /**
     * Prefixes the command with setsid (when available) so the child gets its own session: a Ctrl-C in the terminal
     * then reaches only the launcher, which stops the children in order. setsid does not fork when its caller is not
     * a process group leader (true for a child of the JVM), so the pid we keep is the child's.
     */
    static List<String> detached(List<String> command) {
        List<String> result = new ArrayList<>();
        if (new File(SETSID).canExecute()) {
            result.add(SETSID);
        }
        result.addAll(command);
        return result;
    }

    /** SIGTERM, wait up to grace, then SIGKILL. Returns true if it ended within the grace period. */
    static boolean terminate(ProcessHandle process, long graceMillis) {
        if (!process.isAlive()) {
            return true;
        }
        process.destroy();
        try {
            process.onExit().get(graceMillis, TimeUnit.MILLISECONDS);
            return true;
        } catch (Exception e) {
            kill(process);
            return false;
        }
    }

    /** SIGKILL and wait (up to 10 s) until it is gone. */
    static void kill(ProcessHandle process) {
        process.destroyForcibly();
        try {
            process.onExit().get(10, TimeUnit.SECONDS);
        } catch (Exception ignored) {
            // nothing more we can do
        }
    }

    static void writePid(Path pidFile, long pid) throws IOException {
        Files.createDirectories(pidFile.toAbsolutePath().getParent());
        Files.writeString(pidFile, pid + "\n", StandardCharsets.US_ASCII);
    }

    /** The pid on the first line of a pid file, if the file exists and parses. */
    static OptionalLong readPid(Path pidFile) {
        try {
            if (!Files.isRegularFile(pidFile)) {
                return OptionalLong.empty();
            }
            String first = Files.readString(pidFile, StandardCharsets.US_ASCII).strip().split("\\R", 2)[0].strip();
            return OptionalLong.of(Long.parseLong(first));
        } catch (IOException | NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /**
     * The live process whose pid is in the file and whose command line contains marker (guards against a reused pid),
     * if any.
     */
    static Optional<ProcessHandle> livePid(Path pidFile, String marker) {
        OptionalLong pid = readPid(pidFile);
        if (pid.isEmpty() || pid.getAsLong() == ProcessHandle.current().pid()) {
            return Optional.empty();
        }
        Optional<ProcessHandle> handle = ProcessHandle.of(pid.getAsLong()).filter(ProcessHandle::isAlive);
        if (handle.isEmpty() || marker == null) {
            return handle;
        }
        return commandLine(pid.getAsLong()).contains(marker) ? handle : Optional.empty();
    }

    /** The command line of a process (from /proc, which is complete even where ProcessHandle.Info is truncated). */
    static String commandLine(long pid) {
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
            return new String(raw, StandardCharsets.UTF_8).replace('\0', ' ');
        } catch (IOException e) {
            return ProcessHandle.of(pid).flatMap(h -> h.info().commandLine()).orElse("");
        }
    }

    /** The last n lines of a text file ("" if it does not exist). */
    static String tail(Path file, int n) {
        if (file == null || !Files.isRegularFile(file)) {
            return "";
        }
        Deque<String> lines = new ArrayDeque<>();
        try (Stream<String> all = Files.lines(file, StandardCharsets.ISO_8859_1)) {
            all.forEach(line -> {
                lines.addLast(line);
                if (lines.size() > n) {
                    lines.removeFirst();
                }
            });
        } catch (IOException | RuntimeException e) {
            return "(could not read " + file + ": " + e + ")";
        }
        return String.join(System.lineSeparator(), lines);
    }

    /** Deletes a directory tree, ignoring errors. */
    static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort
                }
            });
        } catch (IOException | RuntimeException ignored) {
            // best effort
        }
    }
}
