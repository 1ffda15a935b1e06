package io.streamlsq.search.lib;

import org.hipparchus.random.SobolSequenceGenerator;

/**
 * The Sobol sequence (Hipparchus {@link SobolSequenceGenerator}, Joe–Kuo direction numbers, d ≤ 21201) from index 1,
 * randomized by a seeded Cranley–Patterson shift; see {@link ShiftedSequence}. Restore repositions with
 * {@link SobolSequenceGenerator#skipTo}.
 */
public final class Sobol extends ShiftedSequence {

    private SobolSequenceGenerator generator;

    public Sobol(int dimensions, long seed) {
        super(dimensions, seed);
        generator = new SobolSequenceGenerator(dimensions);
        generator.nextVector(); // index 0: the origin
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
