package io.streamlsq.app.plot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlsq.data.Chunk;
import io.streamlsq.data.ChunkCursor;
import io.streamlsq.data.DataSource;
import io.streamlsq.data.InMemoryDataSource;
import io.streamlsq.expr.ExpressionCompiler;
import io.streamlsq.expr.ExpressionModel;
import io.streamlsq.exec.PassExecutor;
import io.streamlsq.options.FitOptions;
import io.streamlsq.problem.FitProblem;
import io.streamlsq.result.FitResult;
import io.streamlsq.testkit.Fits;
import io.streamlsq.data.ForwardingDataSource;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link FitPlots} and {@link PlotSample} (issue 19 item 3): the four PNGs have the fixed size; the sample never holds
 * more than 10⁴ rows and reads every row at most once, counted by a source that records each chunk it hands out
 * (random access: at most 100 evenly spaced chunks; a stream: one pass, every k-th row).
 */
class FitPlotsTest {
    @TempDir
    Path dir;

    /** Counts the chunks (by index) and rows its cursors hand out, once {@link #counting} is set. */
    static final class CountingSource extends ForwardingDataSource {
        final Map<Long, Integer> reads = new TreeMap<>();
        final AtomicLong rows = new AtomicLong();
        final boolean sequential;
        volatile boolean counting;

        CountingSource(DataSource inner, boolean sequential) {
            super(inner);
            this.sequential = sequential;
        }

        @Override
        public boolean isRandomAccess() {
            return !sequential && inner.isRandomAccess();
        }

        @Override
        public long chunkCount() {
            return sequential ? -1 : inner.chunkCount();
        }

        @Override
        public long rowCount() {
            return sequential ? -1 : inner.rowCount();
        }

        @Override
        public ChunkCursor open(List<String> columns, long firstChunk) throws IOException {
            ChunkCursor c = inner.open(columns, firstChunk);
            return new ChunkCursor() {
                @Override
                public Chunk next() throws IOException {
                    Chunk ch = c.next();
                    if (ch != null && counting) {
                        synchronized (reads) {
                            reads.merge(ch.index(), 1, Integer::sum);
                        }
                        rows.addAndGet(ch.rows());
                    }
                    return ch;
                }

                @Override
                public void seek(long chunkIndex) throws IOException {
                    if (sequential) {
                        throw new UnsupportedOperationException("sequential");
                    }
                    c.seek(chunkIndex);
                }

                @Override
                public void close() throws IOException {
                    c.close();
                }
            };
        }
    }

    /** x = 10 i / n, y = 2.5 e^(-1.3 x) + 0.5 + 0.01 sin(i): {@code n} rows in chunks of {@code chunkRows}. */
    static InMemoryDataSource decay(int n, int chunkRows) {
        double[] x = new double[n];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = 10.0 * i / n;
            y[i] = 2.5 * Math.exp(-1.3 * x[i]) + 0.5 + 0.01 * Math.sin(i);
        }
        return InMemoryDataSource.ofXY(x, y, chunkRows);
    }

    static FitProblem problem(DataSource source) {
        ExpressionModel m = ExpressionCompiler.compile("a*exp(-b*x)+c", List.of("a", "b", "c"), List.of("x"));
        return FitProblem.builder(m, source).y("y").bind("x", "x").initial("a", 1).initial("b", 0.5).initial("c", 0)
                .build();
    }

    @Test
    void fourPngsOfTheFixedSizeAndASampleOfEvenlySpacedChunksEachReadOnce() throws IOException {
        CountingSource source = new CountingSource(decay(60_000, 200), false); // 300 chunks
        FitProblem problem = problem(source);
        CostHistory history = new CostHistory();
        FitResult result = Fits.fit(problem, FitOptions.defaults(), PassExecutor.sequential(), history);
        assertEquals("converged", result.termination().status());
        // the presolve fits samples first (300 chunks), silently: the full-data Gauss-Newton iterations remain
        assertTrue(!history.costs().isEmpty() && history.costs().stream().allMatch(c -> c.phase().equals("gauss_newton")),
                "iterations recorded: " + history.costs());
        source.counting = true;
        List<Path> written = FitPlots.write(problem, result, history.costs(), dir.resolve("plots"));
        assertEquals(FitPlots.FILES, written.stream().map(p -> p.getFileName().toString()).toList());
        for (Path p : written) {
            byte[] head = java.util.Arrays.copyOf(Files.readAllBytes(p), 8);
            assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, head, p + " is no PNG");
            BufferedImage img = ImageIO.read(p.toFile());
            assertNotNull(img, p.toString());
            assertEquals(FitPlots.WIDTH, img.getWidth(), p.toString());
            assertEquals(FitPlots.HEIGHT, img.getHeight(), p.toString());
            assertEquals(800, img.getWidth());
            assertEquals(500, img.getHeight());
        }
        // 100 of the 300 chunks, every third one, each once: 20 000 rows read, 10 000 kept
        assertEquals(PlotSample.MAX_CHUNKS, source.reads.size(), source.reads.keySet().toString());
        assertTrue(source.reads.values().stream().allMatch(n -> n == 1), source.reads.toString());
        long k = 0;
        for (long index : source.reads.keySet()) {
            assertEquals(3 * k++, index, "chunks read: " + source.reads.keySet());
        }
        assertEquals(20_000, source.rows.get());
        PlotSample s = PlotSample.read(problem, result.values(), result.rows());
        assertEquals(PlotSample.MAX_ROWS, s.rows());
        // within a chunk, 100 of its 200 rows, every second
        assertEquals(10.0 * 2 / 60_000, s.x(0)[1] - s.x(0)[0], 1e-12);
        assertEquals(10.0 * 600 / 60_000, s.x(0)[100], 1e-12); // the first row of chunk 3
        for (int i = 0; i < s.rows(); i++) {
            double f = result.values()[0] * Math.exp(-result.values()[1] * s.x(0)[i]) + result.values()[2];
            assertEquals(f, s.values()[i], 1e-13 * Math.abs(f));
            assertEquals(s.y()[i] - s.values()[i], s.residuals()[i], 0);
        }
    }

    @Test
    void aStreamIsReadOnceWithAStrideAndSmallDataWhole() throws IOException {
        CountingSource stream = new CountingSource(decay(250_000, 4_096), true);
        FitProblem problem = problem(stream);
        stream.counting = true;
        PlotSample s = PlotSample.read(problem, new double[] {2.5, 1.3, 0.5}, 250_000);
        assertEquals(10_000, s.rows());
        assertEquals(250_000, stream.rows.get()); // one pass
        assertTrue(stream.reads.values().stream().allMatch(n -> n == 1), stream.reads.toString());
        for (int i = 0; i < s.rows(); i++) {
            assertEquals(10.0 * 25 * i / 250_000, s.x(0)[i], 1e-12, "row " + i + " is not row " + 25 * i);
        }
        // a stream whose row count the fit did not give: at most the first 10^4 rows, never more
        CountingSource unknown = new CountingSource(decay(50_000, 4_096), true);
        unknown.counting = true;
        PlotSample first = PlotSample.read(problem(unknown), new double[] {2.5, 1.3, 0.5}, -1);
        assertEquals(10_000, first.rows());
        assertEquals(3 * 4_096, unknown.rows.get(), "the chunks holding the first 10^4 rows, no more");
        // fewer rows than the bound: all of them, each once
        CountingSource small = new CountingSource(decay(3_000, 700), false);
        small.counting = true;
        PlotSample all = PlotSample.read(problem(small), new double[] {2.5, 1.3, 0.5}, 3_000);
        assertEquals(3_000, all.rows());
        assertEquals(3_000, small.rows.get());
        assertEquals(5, small.reads.size());
    }

    @Test
    void aModelOfTwoVariablesIsPlottedAgainstTheFirstAndSaysSo() throws IOException {
        int n = 2_000;
        double[] x = new double[n];
        double[] w = new double[n];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = i % 50;
            w[i] = i / 50.0;
            y[i] = 2 * x[i] + 0.5 * w[i] + Math.sin(i);
        }
        Map<String, double[]> cols = new java.util.LinkedHashMap<>();
        cols.put("x", x);
        cols.put("w", w);
        cols.put("y", y);
        ExpressionModel m = ExpressionCompiler.compile("p*x+q*w", List.of("p", "q"), List.of("x", "w"));
        FitProblem problem = FitProblem.builder(m, new InMemoryDataSource(cols, 500)).y("y").bind("x", "x").bind("w", "w")
                .initial("p", 1).initial("q", 1).build();
        FitResult result = Fits.fit(problem);
        PlotSample s = PlotSample.read(problem, result.values(), result.rows());
        String title = FitPlots.fitChart(problem, result, s, result.rows()).getTitle();
        assertTrue(title.contains("against x, the first of x, w"), title);
        List<Path> written = FitPlots.write(problem, result, List.of(), dir.resolve("two"));
        for (Path p : written) {
            BufferedImage img = ImageIO.read(p.toFile());
            assertEquals(FitPlots.WIDTH, img.getWidth());
            assertEquals(FitPlots.HEIGHT, img.getHeight());
        }
    }

    @Test
    void aPlotDirectoryThatIsAFileIsRefused() throws IOException {
        Path file = Files.writeString(dir.resolve("plots"), "");
        io.streamlsq.app.UsageException e = org.junit.jupiter.api.Assertions.assertThrows(
                io.streamlsq.app.UsageException.class, () -> FitPlots.checkDirectory("--plot", file));
        assertTrue(e.getMessage().contains("--plot " + file + " is a file; give a directory"), e.getMessage());
    }
}
