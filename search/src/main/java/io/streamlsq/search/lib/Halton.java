package io.streamlsq.search.lib;

import org.hipparchus.random.HaltonSequenceGenerator;

/**
 * The Halton sequence (Hipparchus {@link HaltonSequenceGenerator}: the first d primes as bases, Faure–Lemieux digit
 * scrambling weights, d ≤ 40) from index 1, randomized by a seeded Cranley–Patterson shift; see
 * {@link ShiftedSequence}. Restore repositions with {@link HaltonSequenceGenerator#skipTo}.
 */
public final class Halton extends ShiftedSequence {

    private HaltonSequenceGenerator generator;

    /** The most dimensions: Hipparchus has 40 bases. */
    public static final int MAX_DIMENSIONS = 40;

    public Halton(int dimensions, long seed) {
        super(check(dimensions), seed);
        generator = new HaltonSequenceGenerator(dimensions);
        generator.nextVector(); // index 0: the origin
    }

    private static int check(int dimensions) {
        if (dimensions < 1 || dimensions > MAX_DIMENSIONS) {
            throw new IllegalArgumentException("halton: dimensions = " + dimensions + " outside 1.." + MAX_DIMENSIONS
                    + " (use sobol for more)");
        }
        return dimensions;
    }

    @Override
    public String method() {
        return "halton";
    }

    @Override
    double[] next() {
        return generator.nextVector();
    }

    @Override
    int nextIndex() {
        return generator.getNextIndex();
    }

    @Override
    void seek(int index) {
        generator = new HaltonSequenceGenerator(dimensions());
        generator.skipTo(index - 1);
    }
}
