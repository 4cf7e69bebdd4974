package io.palisade.simulator;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.palisade.simulator.cli.CliSupport;
import io.palisade.simulator.cli.EnrollCommand;
import io.palisade.simulator.cli.RunCommand;
import io.palisade.simulator.cli.SwarmCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code java -jar agent-simulator.jar enroll|run|swarm ...}. Errors are one line on stderr (no stack trace unless
 * {@code --verbose}); exit code 0 on success, 1 when the work failed, 2 for a wrong command line.
 */
@Command(name = "agent-simulator", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "A reference Palisade agent: enrols with an installer token, checks in over mutual TLS, runs tasks; "
                + "or a swarm of N simulated agents for load tests.",
        subcommands = {EnrollCommand.class, RunCommand.class, SwarmCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @Spec
    CommandSpec spec;

    /** Runs the command line and exits the JVM with its exit code. */
    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(new OutputStreamWriter(new FileOutputStream(FileDescriptor.out), StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new OutputStreamWriter(new FileOutputStream(FileDescriptor.err), StandardCharsets.UTF_8), true);
        int code = execute(out, err, args);
        out.flush();
        err.flush();
        System.exit(code);
    }

    /** Runs the command line with the given streams and returns the exit code (for tests). */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        // Vert.x and Netty log through java.util.logging; the CLI speaks for itself unless --verbose
        Logger.getLogger("").setLevel(Level.OFF);
        CommandLine commandLine = new CommandLine(new Main());
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setExecutionExceptionHandler((exception, cmd, parseResult) -> {
            cmd.getErr().println(CliSupport.oneLineMessage(exception));
            if (CliSupport.verbose()) {
                exception.printStackTrace(cmd.getErr());
            }
            cmd.getErr().flush();
            return 1;
        });
        commandLine.setParameterExceptionHandler((exception, arguments) -> {
            CommandLine cmd = exception.getCommandLine();
            cmd.getErr().println(ErrorClassifier.oneLine(exception.getMessage()) + " (see: "
                    + cmd.getCommandSpec().qualifiedName() + " --help)");
            cmd.getErr().flush();
            return 2;
        });
        return commandLine.execute(args);
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is needed: enroll, run or swarm");
    }

    /** The version from the build. */
    public static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"agent-simulator " + Versions.SIMULATOR};
        }
    }
}
