package io.palisade.simulator.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.palisade.simulator.AgentError;
import io.palisade.simulator.AgentKeys;
import io.palisade.simulator.GatewayClient;
import io.palisade.simulator.ProxySpec;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.file.FileSystemOptions;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** What the commands share: the Vert.x instance, file reading, option converters, error messages. */
public final class CliSupport {

    private static volatile boolean verbose;

    private CliSupport() {
    }

    /** Whether {@code --verbose} was given: stack traces and Vert.x/Netty logging on stderr. */
    public static boolean verbose() {
        return verbose;
    }

    /** The message to print for a failed command: one line, no class names. */
    public static String oneLineMessage(Throwable failure) {
        if (failure instanceof AgentError || failure instanceof IllegalArgumentException) {
            return String.valueOf(failure.getMessage()).replaceAll("\\s+", " ").trim();
        }
        String message = failure.getMessage();
        return "unexpected failure: " + (message == null ? failure.getClass().getSimpleName()
                : message.replaceAll("\\s+", " ").trim()) + " (run with --verbose for details)";
    }

    /** A Vert.x instance that leaves no cache directory behind. */
    static Vertx newVertx() {
        return Vertx.vertx(new VertxOptions().setFileSystemOptions(
                new FileSystemOptions().setFileCachingEnabled(false).setClassPathResolvingEnabled(false)));
    }

    static void close(Vertx vertx) {
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            // closing is best effort at exit
        }
    }

    /** Reads a PEM file given with {@code option}; a missing or unreadable file is a one-line CONFIG error. */
    static String readPem(Path file, String option) {
        try {
            String pem = Files.readString(file, StandardCharsets.UTF_8);
            AgentKeys.readCertificates(pem);
            return pem;
        } catch (NoSuchFileException e) {
            throw new AgentError(AgentError.Kind.CONFIG, option + " " + file + ": no such file");
        } catch (IOException e) {
            throw new AgentError(AgentError.Kind.CONFIG, option + " " + file + ": cannot read it (" + e.getMessage() + ")");
        } catch (IllegalArgumentException e) {
            throw new AgentError(AgentError.Kind.CONFIG, option + " " + file + " holds no PEM certificate");
        }
    }

    /** {@code 90 s}, {@code 1.5 s}, {@code 5 min}. */
    static String format(Duration duration) {
        long millis = duration.toMillis();
        if (millis >= 60_000 && millis % 60_000 == 0) {
            return millis / 60_000 + " min";
        }
        return millis % 1000 == 0 ? millis / 1000 + " s" : String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
    }

    static <T> T await(io.vertx.core.Future<T> future, Duration timeout) {
        return GatewayClient.await(future, timeout);
    }

    /** {@code -v, --verbose}, in every command. */
    public static final class VerboseOption {
        @Option(names = {"-v", "--verbose"}, description = "Print stack traces and Vert.x/Netty logging on errors.")
        void setVerbose(boolean value) {
            verbose = value;
            if (value) {
                Logger.getLogger("").setLevel(Level.INFO);
            }
        }
    }

    /** {@code http://[user:pass@]host:port}. */
    public static final class ProxyConverter implements CommandLine.ITypeConverter<ProxySpec> {
        @Override
        public ProxySpec convert(String value) {
            try {
                return ProxySpec.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    /** {@code ec} or {@code rsa}. */
    public static final class KeyTypeConverter implements CommandLine.ITypeConverter<AgentKeys.KeyType> {
        @Override
        public AgentKeys.KeyType convert(String value) {
            try {
                return AgentKeys.KeyType.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    /** {@code 90}, {@code 90s}, {@code 500ms}, {@code 5m}, {@code 1h} or ISO-8601 {@code PT90S}. */
    public static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        private static final Pattern SIMPLE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)?");

        @Override
        public Duration convert(String value) {
            String text = value.trim().toLowerCase(Locale.ROOT);
            Matcher matcher = SIMPLE.matcher(text);
            if (matcher.matches()) {
                double amount = Double.parseDouble(matcher.group(1));
                String unit = matcher.group(2) == null ? "s" : matcher.group(2);
                double millis = switch (unit) {
                    case "ms" -> amount;
                    case "m" -> amount * 60_000;
                    case "h" -> amount * 3_600_000;
                    default -> amount * 1000;
                };
                return Duration.ofMillis(Math.round(millis));
            }
            try {
                return Duration.parse(value.trim().toUpperCase(Locale.ROOT));
            } catch (DateTimeParseException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a duration (e.g. 30s, 5m, 1h)");
            }
        }
    }
}
