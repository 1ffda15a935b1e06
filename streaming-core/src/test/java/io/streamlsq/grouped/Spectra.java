package io.streamlsq.grouped;

import io.streamlsq.data.InMemoryDataSource;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/** Synthetic spectra for the grouped tests: one Gaussian line per group, with known truth. */
final class Spectra {
    final double[] key;
    final double[] x;
    final double[] y;
    final double[] sigma;
    final double[][] truth;
    final int groups;
    final int rowsPerGroup;

    /**
     * @param duplicates the first {@code duplicates} groups repeat the data of the next {@code duplicates} (other keys)
     */
    Spectra(int groups, int rowsPerGroup, long seed, int duplicates) {
        this.groups = groups;
        this.rowsPerGroup = rowsPerGroup;
        int n = groups * rowsPerGroup;
        key = new double[n];
        x = new double[n];
        y = new double[n];
        sigma = new double[n];
        truth = new double[groups][];
        for (int g = 0; g < groups; g++) {
            int src = g < duplicates ? g + duplicates : g;
            SplittableRandom r = new SplittableRandom(seed * 1_000_003L + src);
            double a = 0.5 + 1.5 * r.nextDouble();
            double mu = -1 + 2 * r.nextDouble();
            double w = 0.5 + r.nextDouble();
            truth[g] = new double[] {a, mu, w};
            for (int i = 0; i < rowsPerGroup; i++) {
                int row = g * rowsPerGroup + i;
                double xi = -5 + 10.0 * i / (rowsPerGroup - 1);
                double u = (xi - mu) / w;
                double s = 0.02 * (1 + 0.5 * r.nextDouble());
                key[row] = 1000 + 7 * g;
                x[row] = xi;
                sigma[row] = s;
                y[row] = a * Math.exp(-0.5 * u * u) + s * r.nextGaussian();
            }
        }
    }

    InMemoryDataSource source(int chunkRows) {
        Map<String, double[]> m = new LinkedHashMap<>();
        m.put("id", key);
        m.put("x", x);
        m.put("y", y);
        m.put("sigma", sigma);
        return new InMemoryDataSource(m, chunkRows);
    }

    InMemoryDataSource group(int g) {
        Map<String, double[]> m = new LinkedHashMap<>();
        int from = g * rowsPerGroup;
        int to = from + rowsPerGroup;
        m.put("x", java.util.Arrays.copyOfRange(x, from, to));
        m.put("y", java.util.Arrays.copyOfRange(y, from, to));
        m.put("sigma", java.util.Arrays.copyOfRange(sigma, from, to));
        return new InMemoryDataSource(m, 4096);
    }

    double keyOf(int g) {
        return 1000 + 7 * g;
    }
}
