package io.streamlsq.app;

import io.streamlsq.phase.FitListener;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * The one path from settings to a finished fit, for hosts other than the command line (the {@code service}
 * module's {@code lsq serve}). The settings are those of {@code lsq fit --config}: the same keys, read by the
 * same {@link Settings}, turned into a problem and run by the same {@link FitCommand#execute} and {@link FitRunner}
 * as {@code lsq fit} and {@code lsq resume}; nothing here parses an option or builds a problem of its own.
 */
public final class FitJobs {
    /** Exit codes of a run, as for {@code lsq fit}. */
    public static final int CONVERGED = Lsq.CONVERGED;
    public static final int FAILED = Lsq.FAILED;
    public static final int BAD_INPUT = Lsq.BAD_INPUT;
    public static final int NOT_CONVERGED = Lsq.NOT_CONVERGED;
    /** The run was asked to stop ({@code stop} became true) and wrote a checkpoint first. */
    public static final int INTERRUPTED = Lsq.INTERRUPTED;

    private FitJobs() {
    }

    /** The setting names of {@code lsq fit --config} (option names without the dashes). */
    public static Set<String> settingNames() {
        return FitCommand.SETTINGS;
    }

    /**
     * The settings of a parsed JSON or YAML document, keys normalised as in a config file ({@code _} and {@code -}
     * alike, lower case); an unknown key is refused naming it ({@link IllegalArgumentException}); {@code where}
     * starts messages.
     */
    public static Map<String, Object> settings(Object tree, String where) {
        try {
            return Settings.fromTree(tree, FitCommand.SETTINGS, where, null).values();
        } catch (UsageException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /**
     * Runs a fit from {@code settings} (as {@code lsq fit --config}); with {@code resumeDir}, continues the
     * checkpoints there instead (as {@code lsq resume}, the settings being those the fit was started with). No
     * signal handler is installed; {@code stop} is polled at the fit's checkpoint points and, once true, makes it
     * write a checkpoint and return {@link #INTERRUPTED}. {@code listeners} observe the fit. The report goes to
     * {@code stdout}, warnings to {@code stderr}. Bad settings or data throw (see {@link #exitCode}).
     */
    public static int run(Map<String, Object> settings, Path resumeDir, BooleanSupplier stop, List<FitListener> listeners,
            PrintStream stdout, PrintStream stderr) throws Exception {
        return FitCommand.execute(Settings.of(settings, "job settings"), resumeDir, StopOnSignal.embedded(stop, listeners),
                stdout, stderr);
    }

    /** The exit code {@code lsq fit} gives for an exception a run threw: {@link #BAD_INPUT} or {@link #FAILED}. */
    public static int exitCode(Throwable e) {
        return Lsq.exitCodeOf(e);
    }

    /** The one-line message {@code lsq fit} prints for an exception a run threw. */
    public static String message(Throwable e) {
        return Lsq.messageOf(e);
    }

    /** The arithmetic kernel this JVM uses (stored in checkpoints and results). */
    public static String kernel() {
        return FitRunner.kernel();
    }
}
