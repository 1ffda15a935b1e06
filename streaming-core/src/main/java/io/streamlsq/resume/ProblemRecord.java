package io.streamlsq.resume;

import io.streamlsq.problem.FitProblem;
import io.streamlsq.problem.Parameter;
import java.util.Arrays;
import java.util.List;

/**
 * What a checkpoint was written for: parameter names, the model (its {@code describe()}: the expression
 * text for expression models, the class otherwise; followed by {@code [curvature γ, smoothness δ]} when the cost has
 * those terms), starting values, bounds, fixed mask, the options as
 * text and the data's fingerprint. A resume refuses a problem whose names, model or data differ.
 */
public record ProblemRecord(List<String> names, String model, double[] initial, double[] lower, double[] upper,
        boolean[] fixed, String options, String fingerprint) {

    public ProblemRecord {
        names = List.copyOf(names);
    }

    /** The record of {@code problem} with the given options text and data fingerprint. */
    public static ProblemRecord of(FitProblem problem, String options, String fingerprint) {
        List<Parameter> ps = problem.parameters();
        boolean[] fixed = new boolean[ps.size()];
        for (int k = 0; k < fixed.length; k++) {
            fixed[k] = ps.get(k).fixed();
        }
        return new ProblemRecord(problem.parameterNames(), model(problem), problem.initial(),
                problem.lower(), problem.upper(), fixed, options, fingerprint);
    }

    /**
     * The model's {@code describe()}, with the curvature and smoothness terms when the problem has them: they are part
     * of the cost the checkpoint's sums and point were made with (and a pass in progress carries the series' halo only
     * with them), so a checkpoint resumes only the same terms, as it resumes only the same model.
     */
    private static String model(FitProblem problem) {
        String m = problem.model().describe();
        return problem.hasSeriesTerms() ? m + " [curvature " + problem.curvature() + ", smoothness "
                + problem.smoothness() + "]" : m;
    }

    /**
     * Refuses to resume {@code other} (the problem at hand) from this record when their names, model or data differ.
     *
     * @param where the checkpoint, for the message
     * @throws CheckpointMismatchException naming what differs, with both values
     */
    public void requireCompatible(ProblemRecord other, String where) {
        if (!names.equals(other.names)) {
            throw new CheckpointMismatchException(where + " was written for parameters " + names
                    + " but this fit has " + other.names + "; a checkpoint resumes only the same parameters");
        }
        if (!model.equals(other.model)) {
            throw new CheckpointMismatchException(where + " was written for model '" + model + "' but this fit's model is '"
                    + other.model + "'; a checkpoint resumes only the same model");
        }
        if (!fingerprint.equals(other.fingerprint)) {
            throw new CheckpointMismatchException(where + " was written for data with fingerprint " + fingerprint
                    + " but this data has fingerprint " + other.fingerprint
                    + "; a checkpoint resumes only on the same data (same file, rows and chunk size)");
        }
        if (!Arrays.equals(fixed, other.fixed) || !Arrays.equals(lower, other.lower) || !Arrays.equals(upper, other.upper)) {
            throw new CheckpointMismatchException(where + " was written with other bounds or fixed parameters than this fit's");
        }
    }
}
