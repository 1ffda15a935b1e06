package io.streamlsq.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamlsq.checkpoint.Hdf5CheckpointStore;
import io.streamlsq.resume.Checkpoint;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code lsq resume DIR}: continues a checkpointed {@code lsq fit} with the settings it stored. */
@Command(name = "resume", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Continue a fit that lsq fit --checkpoint-dir DIR started, from the newest good checkpoint in DIR.%n",
            "The model, data, parameters and options are the checkpoint's; the final parameters are bit-identical to an"
                + " uninterrupted run. The data must be what the fit read before: changed rows are refused.%n",
            "Exit codes as for lsq fit; 2 when DIR holds no usable checkpoint, is in use, or the data is not the data"
                + " the checkpoint was written for."},
        footer = {"", "Examples:",
            "  lsq fit --data big.arrow --model \"a*exp(-b*x)+c\" --p0 a=1,b=0.5,c=0 \\",
            "      --checkpoint-dir ck",
            "  (killed)",
            "  lsq resume ck --out result.json",
            "  lsq resume ck --max-passes 1000   # a fit stopped by its budget goes on"})
final class ResumeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DIR", description = "The checkpoint directory given to lsq fit --checkpoint-dir.")
    Path dir;

    @Option(names = "--data", paramLabel = "FILE", description = "Read the data from here instead (the same data, moved).")
    String data;

    @Option(names = "--threads", paramLabel = "N", description = "Worker threads (the answer does not depend on it).")
    Integer threads;

    @Option(names = "--out", paramLabel = "FILE", description = "Write the result JSON here.")
    Path out;

    @Option(names = "--metrics-file", paramLabel = "FILE", description = "Write the run's metrics as Prometheus text here.")
    Path metricsFile;

    @Option(names = "--max-passes", paramLabel = "N",
            description = "A new pass budget (the passes already spent count): continues a fit stopped by its budget.")
    String maxPasses;

    @Option(names = "--max-time", paramLabel = "DURATION",
            description = "A new wall-time limit (the time already spent counts), e.g. 2h.")
    String maxTime;

    @Option(names = "--quiet", description = "No progress bar and no warnings on stderr.")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        if (!java.nio.file.Files.exists(dir)) {
            throw new UsageException(dir + " does not exist: lsq resume takes the --checkpoint-dir of an lsq fit");
        }
        if (!java.nio.file.Files.isDirectory(dir)) {
            throw new UsageException(dir + " is a file, not a checkpoint directory: lsq resume takes the --checkpoint-dir"
                    + " of an lsq fit");
        }
        if (GroupedCheckpoint.holdsOne(dir)) {
            return resumeGrouped();
        }
        // read without the directory's lock: the fit below takes it
        Checkpoint c = Hdf5CheckpointStore.newest(dir).checkpoint();
        String written = c.attributes().get("kernel");
        if (written != null && !written.equals(FitRunner.kernel())) {
            Cli.err(spec).println("lsq: warning: the checkpoint was written with the " + written + " kernel and this run"
                    + " uses the " + FitRunner.kernel() + " one (the JVM's --add-modules=jdk.incubator.vector differs):"
                    + " the result can differ from an uninterrupted run in the last bits");
        }
        String invocation = c.attributes().get("invocation");
        if (invocation == null) {
            throw new UsageException(dir + " was not written by lsq fit (its checkpoints have no /application/invocation); "
                    + "resume it through the Java API (PhaseOrchestrator.resume)");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> stored = new ObjectMapper().readValue(invocation, Map.class);
        Map<String, Object> cli = new LinkedHashMap<>();
        if (data != null) {
            cli.put("data", data);
        }
        if (threads != null) {
            cli.put("threads", threads);
        }
        if (out != null) {
            cli.put("out", out.toString());
        }
        if (metricsFile != null) {
            cli.put("metrics-file", metricsFile.toString());
        }
        if (quiet) {
            cli.put("quiet", true);
        }
        if (maxPasses != null) {
            cli.put("max-passes", maxPasses);
        }
        if (maxTime != null) {
            cli.put("max-time", maxTime);
        }
        Settings s = Settings.of(stored, "checkpoint " + dir).overriddenBy(cli);
        return FitCommand.execute(s, dir, Cli.out(spec), Cli.err(spec));
    }

    /** A grouped fit's checkpoint (lsq fit --group-by): its stored settings, with --data, --threads, --out, --quiet. */
    private int resumeGrouped() throws Exception {
        if (metricsFile != null || maxPasses != null || maxTime != null) {
            throw new UsageException(dir + " holds a grouped fit: only --data, --threads, --out and --quiet may be given");
        }
        Map<String, Object> cli = new LinkedHashMap<>();
        if (data != null) {
            cli.put("data", data);
        }
        if (threads != null) {
            cli.put("threads", threads);
        }
        if (out != null) {
            cli.put("out", out.toString());
        }
        if (quiet) {
            cli.put("quiet", true);
        }
        Settings s = Settings.of(GroupedCheckpoint.storedSettings(dir), "checkpoint " + dir).overriddenBy(cli);
        return FitCommand.execute(s, dir, Cli.out(spec), Cli.err(spec));
    }
}
