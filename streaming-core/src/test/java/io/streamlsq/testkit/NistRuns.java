package io.streamlsq.testkit;

import io.streamlsq.data.DataSource;
import io.streamlsq.data.InMemoryDataSource;
import io.streamlsq.exec.PassExecutor;
import io.streamlsq.model.Model;
import io.streamlsq.options.FitOptions;
import io.streamlsq.phase.PhaseOrchestrator;
import io.streamlsq.phase.Ticker;
import io.streamlsq.problem.FitProblem;
import io.streamlsq.result.FitResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/** Runs NIST problems through the public API and scores them by LRE. */
public final class NistRuns {
    /** Chunks of 7 rows, so every problem is summed over several chunks. */
    public static final int CHUNK_ROWS = 7;

    private NistRuns() {
    }

    /** Score of one run. */
    public record Score(String problem, int start, double minParamLre, double minSdLre, double rssLre,
            long passes, String status, FitResult result) {

        public String row() {
            return String.format(Locale.ROOT, "| %s | %d | %.1f | %.1f | %.1f | %d | %s |", problem, start,
                    minParamLre, minSdLre, rssLre, passes, status);
        }
    }

    /** The data of a problem as an in-memory source with columns x (or x1, x2) and y. */
    public static DataSource source(NistProblem p) {
        Map<String, double[]> cols = new LinkedHashMap<>();
        if (p.predictors() == 1) {
            cols.put("x", p.x()[0]);
        } else {
            for (int v = 0; v < p.predictors(); v++) {
                cols.put("x" + (v + 1), p.x()[v]);
            }
        }
        cols.put("y", NistModels.transformY(p.name(), p.y()));
        return new InMemoryDataSource(cols, CHUNK_ROWS);
    }

    /** Fits problem {@code p} from start 1 or 2 with {@code model} and {@code options}. */
    public static Score run(NistProblem p, int start, Model model, FitOptions options) {
        FitProblem problem = FitProblem.builder(model, source(p)).initial(p.start(start)).build();
        FitResult r;
        try {
            r = new PhaseOrchestrator(options, PassExecutor.sequential(), Ticker.system(), List.of()).fit(problem);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        double minP = 11;
        double minS = 11;
        for (int k = 0; k < p.params().size(); k++) {
            minP = Math.min(minP, NistProblem.lre(r.values()[k], p.certified()[k]));
            minS = Math.min(minS, NistProblem.lre(r.stderr()[k], p.certifiedSd()[k]));
        }
        double rss = NistProblem.lre(r.ssr(), p.certifiedRss());
        return new Score(p.name(), start, minP, minS, rss, r.passes(), r.termination().status(), r);
    }

    /** All 54 runs with models from {@code models}. */
    public static List<Score> all(Function<String, Model> models, FitOptions options) {
        return NistProblem.ORDER.stream().flatMap(name -> {
            NistProblem p = NistProblem.load(name);
            return java.util.stream.Stream.of(1, 2).map(s -> run(p, s, models.apply(name), options));
        }).toList();
    }
}
