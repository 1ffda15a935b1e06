package io.streamlsq.testkit;

import io.streamlsq.data.DataSource;
import io.streamlsq.data.InMemoryDataSource;
import io.streamlsq.data.SyntheticDataSource;
import io.streamlsq.exec.PassExecutor;
import io.streamlsq.options.FitOptions;
import io.streamlsq.phase.FitListener;
import io.streamlsq.phase.PhaseOrchestrator;
import io.streamlsq.phase.Ticker;
import io.streamlsq.problem.FitProblem;
import io.streamlsq.problems.BuiltinProblem;
import io.streamlsq.result.FitResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Short-hands for tests. */
public final class Fits {
    private Fits() {
    }

    public static FitResult fit(FitProblem problem, FitOptions options, PassExecutor executor, FitListener... listeners) {
        try {
            return new PhaseOrchestrator(options, executor, Ticker.system(), List.of(listeners)).fit(problem);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static FitResult fit(FitProblem problem) {
        return fit(problem, FitOptions.defaults(), PassExecutor.sequential());
    }

    /** The rows of a synthetic source copied into arrays, served in chunks of {@code chunkRows}. */
    public static InMemoryDataSource materialize(DataSource source, int chunkRows) {
        long n = source.rowCount();
        List<String> cols = source.columnNames();
        Map<String, double[]> data = new LinkedHashMap<>();
        for (String c : cols) {
            data.put(c, new double[(int) n]);
        }
        try (var cursor = source.open(cols, 0)) {
            var chunk = cursor.next();
            while (chunk != null) {
                for (int c = 0; c < cols.size(); c++) {
                    System.arraycopy(chunk.column(c), chunk.offset(), data.get(cols.get(c)), (int) chunk.firstRow(), chunk.rows());
                }
                chunk = cursor.next();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new InMemoryDataSource(data, chunkRows);
    }

    /** Decay rows (truth 2.5, 1.3, 0.5) in memory. */
    public static InMemoryDataSource decayRows(int rows, int chunkRows, long seed) {
        return materialize(SyntheticDataSource.of(BuiltinProblem.DECAY, rows, 50_000, seed), chunkRows);
    }
}
