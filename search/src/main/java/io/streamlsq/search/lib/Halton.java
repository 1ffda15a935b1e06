package io.streamlsq.search.lib;

import org.hipparchus.random.HaltonSequenceGenerator;

/**
 * The Halton sequence (Hipparchus {@link HaltonSequenceGenerator}: the first d primes as bases, Faure–Lemieux digit
 * scrambling weights, d ≤ 40) from index 1, randomized by a seeded Cranley–Patterson shift; see
 * {@link ShiftedSequence}. Restore repositions with {@link HaltonSequenceGenerator#skipTo}.
 */
public final class Halton extends ShiftedSequence {

    private HaltonSequenceGenerator generator;

    public Halton(int dimensions, long seed) {
        super(dimensions, seed);
        generator = new HaltonSequenceGenerator(dimensions);
        generator.nextVector(); // index 0: the origin
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
