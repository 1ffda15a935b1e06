package io.streamlsq.search.lib;

import org.hipparchus.random.SobolSequenceGenerator;

/**
 * The Sobol sequence (Hipparchus {@link SobolSequenceGenerator}, Joe–Kuo direction numbers, d ≤ 21201) from index 1,
 * randomized by a seeded Cranley–Patterson shift; see {@link ShiftedSequence}. Restore repositions with
 * {@link SobolSequenceGenerator#skipTo}.
 */
public final class Sobol extends ShiftedSequence {

    private SobolSequenceGenerator generator;

    /** The most dimensions Hipparchus' direction numbers cover. */
    public static final int MAX_DIMENSIONS = 21201;

    public Sobol(int dimensions, long seed) {
        super(check(dimensions), seed);
        generator = new SobolSequenceGenerator(dimensions);
        generator.nextVector(); // index 0: the origin
    }

    private static int check(int dimensions) {
        if (dimensions < 1 || dimensions > MAX_DIMENSIONS) {
            throw new IllegalArgumentException("sobol: dimensions = " + dimensions + " outside 1.." + MAX_DIMENSIONS);
        }
        return dimensions;
    }

    @Override
    public String method() {
        return "sobol";
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
        generator = new SobolSequenceGenerator(dimensions());
        generator.skipTo(index - 1); // returns point index − 1; the next is point index
    }
}
