package io.streamlsq.app;

import io.streamlsq.accumulate.NormalEquations;
import io.streamlsq.checkpoint.Hdf5CheckpointStore;
import io.streamlsq.resume.Checkpoint;
import io.streamlsq.resume.FitSnapshot;
import io.streamlsq.resume.ScheduleSnapshot;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code lsq inspect FILE}: what a checkpoint holds. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = {"Show what a checkpoint holds: phase, iteration, pass cursor, cost, parameters, problem.%n",
            "FILE is a checkpoint file or a checkpoint directory: for a directory, the checkpoint lsq resume would"
                + " continue from (a damaged newest file is skipped with a warning, as resume skips it).%n",
            "Exit code 0, or 2 for a file that is not a whole, readable checkpoint (the message says what is wrong)."},
        footer = {"", "Examples:", "  lsq inspect ck                    # what lsq resume ck would continue from",
            "  lsq inspect ck/ckpt-00000042.h5   # one file"})
final class InspectCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "A checkpoint file (ckpt-*.h5) or a checkpoint directory.")
    Path file;

    @Override
    public Integer call() throws Exception {
        Path f = file;
        PrintStream out = Cli.out(spec);
        Checkpoint c;
        if (Files.isDirectory(f)) {
            // the checkpoint lsq resume would continue from: damaged newer files are skipped, with a warning each
            Hdf5CheckpointStore.Newest newest = Hdf5CheckpointStore.newest(f);
            newest.warnings().forEach(w -> Cli.err(spec).println("lsq: warning: " + w));
            f = newest.file();
            c = newest.checkpoint();
        } else if (!Files.exists(f)) {
            throw new UsageException(f + " does not exist: give a checkpoint file (ckpt-*.h5) or a checkpoint directory");
        } else {
            c = Hdf5CheckpointStore.read(f);
        }
        out.println("checkpoint  " + f + " (" + Files.size(f) + " bytes, format " + Checkpoint.VERSION + ")");
        out.println("model       " + c.problem().model());
        out.println("data        " + c.problem().fingerprint());
        String inv = c.attributes().get("invocation");
        if (inv != null) {
            out.println("invocation  " + inv);
        }
        ScheduleSnapshot s = c.schedule();
        if (s != null) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < s.phaseNames().size(); i++) {
                b.append(i == 0 ? "" : ", ").append(s.phaseNames().get(i)).append('=')
                        .append(s.states().get(i).toLowerCase(Locale.ROOT));
            }
            out.println("schedule    " + b);
        }
        FitSnapshot fit = c.fit();
        if (fit == null) {
            out.println("phase       between schedule phases");
            print(out, c.problem().names(), s.values());
        } else {
            out.println("phase       " + fit.phase() + ", iteration " + fit.phaseIterations());
            out.println("passes      " + fit.passes() + " done, " + fit.rowsEvaluated() + " row evaluations, "
                    + String.format(Locale.ROOT, "%.1f s", fit.elapsedSeconds()));
            if (fit.pending() != null) {
                out.println("cursor      pass " + fit.pending().pass() + " (" + fit.pending().level().toLowerCase(Locale.ROOT)
                        + ") at chunk " + fit.pending().nextChunk() + ", " + fit.pending().rowsDone() + " rows merged");
            } else {
                out.println("cursor      at a resume point (no pass in progress)");
            }
            if (fit.current() != null) {
                NormalEquations ne = NormalEquations.fromArray(NormalEquations.dimensionOf(fit.current().length), fit.current(), NormalEquations.Form.ofSolverName(fit.solver()));
                out.println(String.format(Locale.ROOT, "cost        %.10e over %d rows (solver %s)", ne.cost(), ne.rows(),
                        fit.solver()));
            } else {
                out.println("cost        not yet known at this point");
            }
            if (fit.termination() != null) {
                out.println("ended       " + fit.termination().kind() + ": " + fit.termination().reason());
            }
            print(out, c.problem().names(), fit.theta());
        }
        return Lsq.CONVERGED;
    }

    private static void print(PrintStream out, List<String> names, double[] values) {
        out.println("parameters");
        for (int k = 0; k < names.size(); k++) {
            out.println(String.format(Locale.ROOT, "    %-12s %.17g", names.get(k), values[k]));
        }
    }
}
