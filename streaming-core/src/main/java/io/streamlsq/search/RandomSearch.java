package io.streamlsq.search;

import java.util.ArrayList;
import java.util.List;

/**
 * Multi-start designs that do not learn from values: uniform random points, or Latin hypercubes (each block of
 * {@code blockSize} trials is one design: in every dimension the block's points fall one in each of
 * {@code blockSize} equal strata, at a uniform place inside it, strata shuffled per dimension). Never exhausted;
 * checkpointable (the generator's state, the block and the position in it).
 */
public final class RandomSearch implements AskTellOptimizer {

    /** The designs. */
    public enum Design { RANDOM, LHS }

    private final Design design;
    private final int d;
    private final int blockSize;
    private Rng rng;
    private long nextId;
    private double[] block; // LHS: blockSize × d, row-major
    private int position;
    private final PendingTrials pending = new PendingTrials();

    /**
     * @param blockSize LHS points per design (the search's budget is a good choice), ≥ 1; ignored for RANDOM
     */
    public RandomSearch(Design design, int dimensions, long seed, int blockSize) {
        if (dimensions < 1 || blockSize < 1) {
            throw new IllegalArgumentException("dimensions = " + dimensions + ", blockSize = " + blockSize
                    + " violate both >= 1");
        }
        this.design = design;
        this.d = dimensions;
        this.blockSize = blockSize;
        this.rng = Rng.of(seed);
        this.position = blockSize; // the first ask makes a block
    }

    static SearchMethod method(Design design) {
        String name = design == Design.RANDOM ? "random" : "lhs";
        return new SearchMethod() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public AskTellOptimizer create(int dimensions, long seed, int budget) {
                return new RandomSearch(design, dimensions, seed, Math.max(1, budget));
            }
        };
    }

    @Override
    public String method() {
        return design == Design.RANDOM ? "random" : "lhs";
    }

    @Override
    public int dimensions() {
        return d;
    }

    @Override
    public List<Trial> ask(int n) {
        List<Trial> out = new ArrayList<>(n);
        for (int k = 0; k < n; k++) {
            double[] u = next();
            long id = nextId++;
            pending.add(id, 0);
            out.add(new Trial(id, u));
        }
        return out;
    }

    private double[] next() {
        double[] u = new double[d];
        if (design == Design.RANDOM) {
            for (int j = 0; j < d; j++) {
                u[j] = rng.nextDouble();
            }
            return u;
        }
        if (position == blockSize) {
            block = latinHypercube(rng, blockSize, d);
            position = 0;
        }
        System.arraycopy(block, position * d, u, 0, d);
        position++;
        return u;
    }

    /**
     * {@code n} points of a Latin hypercube in {@code [0,1]^d}, row-major: per dimension a shuffled stratum for each
     * point (Fisher–Yates from {@code rng}), then a uniform place inside it.
     */
    public static double[] latinHypercube(Rng rng, int n, int d) {
        double[] x = new double[n * d];
        int[] perm = new int[n];
        for (int j = 0; j < d; j++) {
            for (int i = 0; i < n; i++) {
                perm[i] = i;
            }
            for (int i = n - 1; i > 0; i--) {
                int k = rng.nextInt(i + 1);
                int t = perm[i];
                perm[i] = perm[k];
                perm[k] = t;
            }
            for (int i = 0; i < n; i++) {
                x[i * d + j] = (perm[i] + rng.nextDouble()) / n;
            }
        }
        return x;
    }

    @Override
    public void tell(long id, double value) {
        pending.remove(method(), id);
    }

    @Override
    public void abandon(long id) {
        pending.remove(method(), id);
    }

    @Override
    public boolean exhausted() {
        return false;
    }

    @Override
    public SearchState snapshot() {
        SearchState.Builder b = SearchState.builder(method()).put("rng", rng.state()).put("next_id", nextId)
                .put("position", position).put("pending", pending.toArray());
        if (block != null) {
            b.put("block", block);
        }
        return b.build();
    }

    @Override
    public void restore(SearchState s) {
        s.requireMethod(method());
        rng = Rng.of(s.scalar("rng"));
        nextId = s.scalar("next_id");
        position = (int) s.scalar("position");
        block = s.doubles().containsKey("block") ? s.doubles("block") : null;
        if (design == Design.LHS && position < blockSize && (block == null || block.length != blockSize * d)) {
            throw new IllegalArgumentException("lhs state: block of " + (block == null ? 0 : block.length)
                    + " values does not fit " + blockSize + " points of " + d + " dimensions");
        }
        pending.restore(s.longs("pending"));
    }
}
