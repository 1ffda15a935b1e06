package io.streamlsq.problems;

import io.streamlsq.model.Model;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Problems with known truth, for demos, tests and benchmarks. Rows are drawn as
 * {@code x ~ U(xMin, xMax)}, {@code y = f(x; truth) + N(0, noise²)}.
 *
 * @param name short name used on the command line ({@code decay}, {@code peaks})
 * @param truth the parameters that generated the data
 * @param start a usual starting point
 */
public record BuiltinProblem(String name, Supplier<Model> modelFactory, double[] truth, double[] start,
        double xMin, double xMax, double noise) {

    /** {@code y = 2.5·exp(−1.3x) + 0.5 + N(0, 0.05²)}, {@code x ~ U(0, 10)}; start (1, 0.5, 0). */
    public static final BuiltinProblem DECAY = new BuiltinProblem("decay", DecayModel::new,
            new double[] {2.5, 1.3, 0.5}, new double[] {1.0, 0.5, 0.0}, 0.0, 10.0, 0.05);

    /**
     * Three Gaussians (A, μ, s) = (3, 20, 4), (2, 50, 6), (1.5, 75, 3) on 0.5 + 0.01x, noise 0.1,
     * {@code x ~ U(0, 100)}; start (2.5, 22, 5, 2.5, 48, 5, 1, 77, 4, 0, 0).
     */
    public static final BuiltinProblem PEAKS = new BuiltinProblem("peaks", GaussianPeaksModel::new,
            new double[] {3, 20, 4, 2, 50, 6, 1.5, 75, 3, 0.5, 0.01},
            new double[] {2.5, 22, 5, 2.5, 48, 5, 1.0, 77, 4, 0.0, 0.0}, 0.0, 100.0, 0.1);

    /**
     * A 2-D Gaussian spot (A, x0, y0, s) = (5, 2, −1, 1.5) on c = 0.3, noise 0.05, {@code x, w ~ U(−5, 5)};
     * start (4, 1.5, −0.5, 1.2, 0).
     */
    public static final BuiltinProblem GAUSS2D = new BuiltinProblem("gauss2d", Gaussian2DModel::new,
            new double[] {5, 2, -1, 1.5, 0.3}, new double[] {4, 1.5, -0.5, 1.2, 0}, -5.0, 5.0, 0.05);

    /** All built-in problems. */
    public static List<BuiltinProblem> all() {
        return List.of(DECAY, PEAKS, GAUSS2D);
    }

    /** The problem called {@code name}, or an exception listing the known names. */
    public static BuiltinProblem named(String name) {
        for (BuiltinProblem p : all()) {
            if (p.name.equals(name.toLowerCase(Locale.ROOT))) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown problem '" + name + "'; known problems: decay, peaks, gauss2d");
    }

    /** A new instance of the model. */
    public Model model() {
        return modelFactory.get();
    }

    @Override
    public double[] truth() {
        return truth.clone();
    }

    @Override
    public double[] start() {
        return start.clone();
    }

    @Override
    public String toString() {
        return name + Arrays.toString(truth);
    }
}
