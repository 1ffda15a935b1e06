package io.streamlsq.app;

import io.streamlsq.data.InvalidDataException;
import io.streamlsq.options.InvalidOptionsException;
import io.streamlsq.problem.InvalidProblemException;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code lsq} command. Exit codes (DESIGN.md §5.1): 0 converged; 2 bad usage or bad input (one line
 * on stderr names the problem); 3 stopped without convergence (limits); 1 failed (numerical failure);
 * 130 interrupted.
 */
@Command(name = "lsq", mixinStandardHelpOptions = true, versionProvider = Lsq.Version.class,
        description = "Streaming nonlinear least squares for datasets larger than memory.",
        footer = {"", "Examples:", "  lsq demo", "  lsq gen decay --rows 1000000 --out decay.csv",
            "  lsq fit --data decay.csv --model \"a*exp(-b*x)+c\" --p0 a=1,b=0.5,c=0 \\",
            "      --out result.json",
            "  lsq fit --data big.arrow --model \"a*exp(-b*x)+c\" --p0 a=1,b=0.5,c=0 \\",
            "      --checkpoint-dir ck",
            "  lsq resume ck", "  lsq inspect ck"})
public final class Lsq implements Runnable {
    public static final int CONVERGED = 0;
    public static final int FAILED = 1;
    public static final int BAD_INPUT = 2;
    public static final int NOT_CONVERGED = 3;
    public static final int INTERRUPTED = 130;

    @Option(names = "--debug", scope = CommandLine.ScopeType.INHERIT,
            description = "Show stack traces of errors.")
    boolean debug;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(new CommandLine(this), "a command is required: fit, resume, inspect, predict, gen or demo");
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** The subcommands, in the order {@code lsq --help} lists them. */
    static final List<String> COMMANDS = List.of("fit", "resume", "inspect", "predict", "gen", "demo", "help");

    private static Object command(String name) {
        return switch (name) {
            case "fit" -> new FitCommand();
            case "resume" -> new ResumeCommand();
            case "inspect" -> new InspectCommand();
            case "predict" -> new PredictCommand();
            case "gen" -> new GenCommand();
            case "demo" -> new DemoCommand();
            default -> new CommandLine.HelpCommand();
        };
    }

    /** Runs the command with the given streams (tests call this in-process); returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        Lsq root = new Lsq();
        CommandLine cl = new CommandLine(root);
        // picocli reads a command's options by reflection when it is added (a tenth of a second for all of them, on
        // every start; issue 13): when the first argument names a command, only that one is added. Anything else
        // (--help, help, --version, an unknown or misspelt command, --debug first) gets all of them. Added before the
        // settings below, which apply to the subcommands present when they are made.
        String first = args.length > 0 ? args[0] : "";
        for (String name : COMMANDS.contains(first) && !first.equals("help") ? List.of(first) : COMMANDS) {
            cl.addSubcommand(name, command(name));
        }
        cl.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        cl.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setParameterExceptionHandler((ex, a) -> {
            CommandLine cmd = ex.getCommandLine();
            cmd.getErr().println("lsq: " + ex.getMessage());
            cmd.getErr().println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for more information.");
            return BAD_INPUT;
        });
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            PrintWriter e = cmd.getErr();
            int code = exitCodeOf(ex);
            boolean internal = code == FAILED && !isRunFailure(ex);
            e.println("lsq: " + (internal ? "internal error: " : "") + messageOf(ex));
            if (root.debug) {
                ex.printStackTrace(e);
            } else if (internal) {
                e.println("(run with --debug for the stack trace)");
            }
            e.flush();
            return code;
        });
        return cl.execute(args);
    }

    /** A run that failed for a reason outside the input (a full disk, a file that cannot be written): exit 1. */
    static boolean isRunFailure(Throwable ex) {
        return ex instanceof OutputFiles.OutputException || OutputFiles.noSpace(ex);
    }

    static int exitCodeOf(Throwable ex) {
        if (isRunFailure(ex)) {
            return FAILED;
        }
        if (ex instanceof UsageException || ex instanceof InvalidDataException || ex instanceof InvalidProblemException
                || ex instanceof InvalidOptionsException || ex instanceof IllegalArgumentException
                || ex instanceof IOException) {
            return BAD_INPUT;
        }
        return FAILED;
    }

    static String messageOf(Throwable ex) {
        if (ex instanceof NoSuchFileException n) {
            return "file not found: " + n.getFile();
        }
        String m = ex.getMessage();
        if (OutputFiles.noSpace(ex) && (m == null || !m.toLowerCase(java.util.Locale.ROOT).contains("no space left"))) {
            return "no space left on device: " + (m == null ? ex.getClass().getSimpleName() : m);
        }
        return m == null ? ex.getClass().getSimpleName() : m;
    }

    /** Version from the jar manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Lsq.class.getPackage().getImplementationVersion();
            return new String[] {"lsq " + (v == null ? "development build" : v) + ", Java "
                    + System.getProperty("java.version")};
        }
    }
}
