package io.streamlsq.bench.compare;

import io.streamlsq.problems.BuiltinProblem;
import java.nio.file.Path;
import org.apache.commons.math3.fitting.leastsquares.LeastSquaresBuilder;
import org.apache.commons.math3.fitting.leastsquares.LeastSquaresOptimizer.Optimum;
import org.apache.commons.math3.fitting.leastsquares.LevenbergMarquardtOptimizer;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.RealVector;
import org.apache.commons.math3.util.Pair;

/** Apache Commons Math 3.6.1 {@code LevenbergMarquardtOptimizer} (default settings), analytic Jacobian, in memory. */
public final class CommonsMathPeer {
    private CommonsMathPeer() {
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
                    return new Pair<RealVector, RealMatrix>(new ArrayRealVector(f, false), new Array2DRowRealMatrix(j, false));
                })
                .maxEvaluations(100_000).maxIterations(100_000).build());
        double seconds = (System.nanoTime() - t0) * 1e-9;
        double[] theta = o.getPoint().toArray();
        System.out.println(Problems.json("commons-math", p, n, seconds, o.getIterations(), Problems.cost(p, theta, x, y), theta));
    }
}
