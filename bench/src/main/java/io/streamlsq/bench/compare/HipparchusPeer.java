package io.streamlsq.bench.compare;

import io.streamlsq.problems.BuiltinProblem;
import java.nio.file.Path;
import org.hipparchus.linear.Array2DRowRealMatrix;
import org.hipparchus.linear.ArrayRealVector;
import org.hipparchus.linear.RealVector;
import org.hipparchus.optim.nonlinear.vector.leastsquares.LeastSquaresBuilder;
import org.hipparchus.optim.nonlinear.vector.leastsquares.LeastSquaresOptimizer.Optimum;
import org.hipparchus.optim.nonlinear.vector.leastsquares.LevenbergMarquardtOptimizer;
import org.hipparchus.util.Pair;

/** Hipparchus 4 {@code LevenbergMarquardtOptimizer} (default settings), analytic Jacobian, data in memory. */
public final class HipparchusPeer {
    private HipparchusPeer() {
    }

    public static void main(String[] args) throws Exception {
        BuiltinProblem p = BuiltinProblem.named(args[0]);
        double[][] data = Problems.read(Path.of(args[1]));
        double[] x = data[0];
        double[] y = data[1];
        int n = x.length;
        long t0 = System.nanoTime();
        Optimum o = new LevenbergMarquardtOptimizer().optimize(new LeastSquaresBuilder()
                .start(p.start())
                .target(y)
                .model(point -> {
                    double[] f = new double[n];
                    double[][] j = new double[n][point.getDimension()];
                    Problems.evaluate(p, point.toArray(), x, f, j);
                    return new Pair<RealVector, org.hipparchus.linear.RealMatrix>(new ArrayRealVector(f, false),
                            new Array2DRowRealMatrix(j, false));
                })
                .maxEvaluations(100_000).maxIterations(100_000).build());
        double seconds = (System.nanoTime() - t0) * 1e-9;
        double[] theta = o.getPoint().toArray();
        System.out.println(Problems.json("hipparchus", p, n, seconds, o.getIterations(), Problems.cost(p, theta, x, y), theta));
    }
}
