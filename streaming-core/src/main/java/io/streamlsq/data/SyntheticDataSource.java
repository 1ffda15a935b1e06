package io.streamlsq.data;

import io.streamlsq.model.EvalLevel;
import io.streamlsq.model.Model;
import io.streamlsq.problems.BuiltinProblem;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Rows generated on the fly from a model: for each variable {@code x ~ U(xMin, xMax)},
 * {@code y = f(x; truth) + N(0, noise²)}, plus a constant column {@code sigma = noise}. Chunk {@code k}
 * is drawn from its own generator seeded by {@code (seed, k)}, so every pass, every thread and every
 * resumed run sees the same rows, and a billion rows need no disk and no memory.
 */
public final class SyntheticDataSource implements DataSource {
    private final Model model;
    private final double[] truth;
    private final double xMin;
    private final double xMax;
    private final double noise;
    private final long seed;
    private final long rows;
    private final int chunkRows;
    private final List<String> names;

    public SyntheticDataSource(Model model, double[] truth, double xMin, double xMax, double noise, long seed,
            long rows, int chunkRows) {
        if (rows < 0) {
            throw new IllegalArgumentException("rows = " + rows + " must be >= 0");
        }
        if (chunkRows < 1) {
            throw new IllegalArgumentException("chunkRows = " + chunkRows + " must be >= 1");
        }
        if (truth.length != model.parameterNames().size()) {
            throw new IllegalArgumentException("truth has " + truth.length + " values but the model has "
                    + model.parameterNames().size() + " parameters");
        }
        if (!(xMax > xMin) || !(noise >= 0)) {
            throw new IllegalArgumentException("need xMin < xMax and noise >= 0, got xMin = " + xMin
                    + ", xMax = " + xMax + ", noise = " + noise);
        }
        this.model = model;
        this.truth = truth.clone();
        this.xMin = xMin;
        this.xMax = xMax;
        this.noise = noise;
        this.seed = seed;
        this.rows = rows;
        this.chunkRows = chunkRows;
        List<String> n = new ArrayList<>(model.variableNames());
        n.add("y");
        n.add("sigma");
        this.names = List.copyOf(n);
    }

    /** A built-in problem's rows. */
    public static SyntheticDataSource of(BuiltinProblem problem, long rows, int chunkRows, long seed) {
        return new SyntheticDataSource(problem.model(), problem.truth(), problem.xMin(), problem.xMax(),
                problem.noise(), seed, rows, chunkRows);
    }

    @Override
    public List<String> columnNames() {
        return names;
    }

    @Override
    public long chunkCount() {
        return (rows + chunkRows - 1) / chunkRows;
    }

    @Override
    public long rowCount() {
        return rows;
    }

    @Override
    public int maxChunkRows() {
        return (int) Math.min(chunkRows, Math.max(rows, 1));
    }

    @Override
    public boolean isRandomAccess() {
        return true;
    }

    @Override
    public ChunkCursor open(List<String> wanted, long firstChunk) {
        int[] map = new int[wanted.size()];
        for (int i = 0; i < wanted.size(); i++) {
            map[i] = DataSource.requireColumn(this, wanted.get(i));
        }
        return new Cursor(map, firstChunk);
    }

    @Override
    public String fingerprint() {
        long h = 0xcbf29ce484222325L;
        h = Fnv.mix(h, model.describe().hashCode());
        for (double t : truth) {
            h = Fnv.mix(h, Double.doubleToLongBits(t));
        }
        h = Fnv.mix(h, Double.doubleToLongBits(xMin));
        h = Fnv.mix(h, Double.doubleToLongBits(xMax));
        h = Fnv.mix(h, Double.doubleToLongBits(noise));
        h = Fnv.mix(h, seed);
        return "synthetic:rows=" + rows + ":chunk=" + chunkRows + ":fnv=" + Long.toHexString(h);
    }

    @Override
    public String describe() {
        return "synthetic " + model.describe() + " (" + rows + " rows, truth " + Arrays.toString(truth)
                + ", noise " + noise + ", seed " + seed + ")";
    }

    private static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    private final class Cursor implements ChunkCursor {
        private final int[] map;
        private final double[][] generated;
        private final double[] values;
        private final Chunk xView;
        private final Chunk out;
        private long next;

        Cursor(int[] map, long firstChunk) {
            this.map = map;
            int vars = model.variableNames().size();
            int cap = maxChunkRows();
            generated = new double[vars + 2][cap];
            Arrays.fill(generated[vars + 1], noise);
            values = new double[cap];
            xView = new Chunk(vars);
            for (int v = 0; v < vars; v++) {
                xView.setColumn(v, generated[v]);
            }
            out = new Chunk(map.length);
            for (int c = 0; c < map.length; c++) {
                out.setColumn(c, generated[map[c]]);
            }
            next = firstChunk;
        }

        @Override
        public Chunk next() {
            long start = next * chunkRows;
            if (start >= rows) {
                return null;
            }
            int len = (int) Math.min(chunkRows, rows - start);
            SplittableRandom rng = new SplittableRandom(mix64(seed ^ mix64(next + 0x632be59bd9b4e019L)));
            int vars = generated.length - 2;
            double width = xMax - xMin;
            for (int v = 0; v < vars; v++) {
                double[] x = generated[v];
                for (int i = 0; i < len; i++) {
                    x[i] = xMin + width * rng.nextDouble();
                }
            }
            xView.set(next, start, 0, len);
            model.evaluate(xView, truth, EvalLevel.COST, values, null);
            double[] y = generated[vars];
            for (int i = 0; i < len; i++) {
                y[i] = values[i] + noise * rng.nextGaussian();
            }
            out.set(next, start, 0, len);
            next++;
            return out;
        }

        @Override
        public void seek(long chunkIndex) {
            next = chunkIndex;
        }

        @Override
        public void close() {
        }
    }
}
