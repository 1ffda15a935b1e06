package io.streamlsq.problem;

import io.streamlsq.data.DataSource;
import io.streamlsq.loss.Loss;
import io.streamlsq.model.Model;
import io.streamlsq.model.NumericJacobianModel;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What to fit: a model, the data, which columns feed it, its parameters (start, bounds, fixed), the
 * weights and the loss. Holds no solver state; immutable once built. Residuals are
 * {@code r_i = (f(x_i; θ) − y_i) / σ_i} with {@code σ_i = 1} when there is no sigma column.
 */
public final class FitProblem {
    private final Model model;
    private final DataSource source;
    private final List<String> variableColumns;
    private final String yColumn;
    private final String sigmaColumn;
    private final List<Parameter> parameters;
    private final Loss loss;
    private final double curvature;
    private final double smoothness;

    private FitProblem(FitProblem p, DataSource source) {
        this.model = p.model;
        this.source = source;
        this.variableColumns = p.variableColumns;
        this.yColumn = p.yColumn;
        this.sigmaColumn = p.sigmaColumn;
        this.parameters = p.parameters;
        this.loss = p.loss;
        this.curvature = p.curvature;
        this.smoothness = p.smoothness;
    }

    /**
     * This problem over other rows with the same columns (the presolve fits samples of the data this way).
     *
     * @throws InvalidProblemException if {@code other} lacks a column this problem reads
     */
    public FitProblem withSource(DataSource other) {
        List<String> missing = new java.util.ArrayList<>(columns());
        missing.removeAll(other.columnNames());
        if (!missing.isEmpty()) {
            throw new InvalidProblemException(List.of(other.describe() + " has no column " + String.join(", ", missing)));
        }
        return new FitProblem(this, other);
    }

    private FitProblem(Builder b, List<String> variableColumns, List<Parameter> parameters) {
        this.model = withBounds(b.model, parameters);
        this.source = b.source;
        this.variableColumns = List.copyOf(variableColumns);
        this.yColumn = b.yColumn;
        this.sigmaColumn = b.sigmaColumn;
        this.parameters = List.copyOf(parameters);
        this.loss = b.loss;
        this.curvature = b.curvature;
        this.smoothness = b.smoothness;
    }

    /** A numeric Jacobian's steps must respect the bounds, which only the problem knows. */
    private static Model withBounds(Model model, List<Parameter> parameters) {
        if (model instanceof NumericJacobianModel numeric) {
            return numeric.withBounds(parameters.stream().mapToDouble(Parameter::lower).toArray(),
                    parameters.stream().mapToDouble(Parameter::upper).toArray());
        }
        return model;
    }

    /**
     * Starts a problem for {@code model} over {@code source}. A {@link NumericJacobianModel} is bound to the
     * parameters' bounds when the problem is built, so {@link #model()} is then that bound copy.
     */
    public static Builder builder(Model model, DataSource source) {
        return new Builder(model, source);
    }

    public Model model() {
        return model;
    }

    public DataSource source() {
        return source;
    }

    /** Parameters in the model's order. */
    public List<Parameter> parameters() {
        return parameters;
    }

    public Loss loss() {
        return loss;
    }

    /**
     * γ of sheap's curvature term {@code γ Σ (D2 r)²} on the unweighted residual series (0: none); see
     * {@link io.streamlsq.accumulate.ResidualSeries}.
     */
    public double curvature() {
        return curvature;
    }

    /** δ of sheap's smoothness term {@code δ Σ (D1 r)²} on the unweighted residual series (0: none). */
    public double smoothness() {
        return smoothness;
    }

    /** Whether the cost has a curvature or smoothness term. */
    public boolean hasSeriesTerms() {
        return curvature != 0 || smoothness != 0;
    }

    public String yColumn() {
        return yColumn;
    }

    /** The sigma column, or {@code null} for unit weights. */
    public String sigmaColumn() {
        return sigmaColumn;
    }

    public boolean isWeighted() {
        return sigmaColumn != null;
    }

    /** Columns to read, in the evaluator's layout: the variables' columns, y, then sigma if weighted. */
    public List<String> columns() {
        List<String> c = new ArrayList<>(variableColumns);
        c.add(yColumn);
        if (sigmaColumn != null) {
            c.add(sigmaColumn);
        }
        return c;
    }

    /**
     * A builder with this problem's model, data, columns, weights, loss, starts, bounds and fixed set, to
     * derive a variant (a schedule's phase sets other starts and fixes other parameters).
     */
    public Builder toBuilder() {
        Builder b = new Builder(model, source).y(yColumn).sigma(sigmaColumn).loss(loss)
                .seriesTerms(curvature, smoothness);
        List<String> vars = model.variableNames();
        for (int v = 0; v < vars.size(); v++) {
            b.bind(vars.get(v), variableColumns.get(v));
        }
        for (Parameter p : parameters) {
            b.initial(p.name(), p.initial()).bounds(p.name(), p.lower(), p.upper());
            if (p.fixed()) {
                b.fix(p.name());
            }
        }
        return b;
    }

    /** Parameter names in order. */
    public List<String> parameterNames() {
        return model.parameterNames();
    }

    public double[] initial() {
        return parameters.stream().mapToDouble(Parameter::initial).toArray();
    }

    public double[] lower() {
        return parameters.stream().mapToDouble(Parameter::lower).toArray();
    }

    public double[] upper() {
        return parameters.stream().mapToDouble(Parameter::upper).toArray();
    }

    /** Indices of the free (not fixed) parameters, increasing. */
    public int[] freeIndices() {
        int n = 0;
        int[] idx = new int[parameters.size()];
        for (int k = 0; k < parameters.size(); k++) {
            if (!parameters.get(k).fixed()) {
                idx[n++] = k;
            }
        }
        return java.util.Arrays.copyOf(idx, n);
    }

    /** Builds a {@link FitProblem}; {@link #build()} checks everything and reports all violations at once. */
    public static final class Builder {
        private final Model model;
        private final DataSource source;
        private final Map<String, String> bindings = new LinkedHashMap<>();
        private final Map<String, Double> initial = new LinkedHashMap<>();
        private final Map<String, double[]> bounds = new LinkedHashMap<>();
        private final Set<String> fixed = new LinkedHashSet<>();
        private String yColumn = "y";
        private String sigmaColumn;
        private Loss loss = Loss.linear();
        private double curvature;
        private double smoothness;

        private Builder(Model model, DataSource source) {
            this.model = Objects.requireNonNull(model, "model");
            this.source = Objects.requireNonNull(source, "source");
        }

        /** Reads model variable {@code variable} from column {@code column} (default: the same name). */
        public Builder bind(String variable, String column) {
            bindings.put(variable, column);
            return this;
        }

        /** The response column (default {@code y}). */
        public Builder y(String column) {
            this.yColumn = Objects.requireNonNull(column, "y column");
            return this;
        }

        /** Per-row standard deviations; weights are 1/σ². {@code null} for none. */
        public Builder sigma(String column) {
            this.sigmaColumn = column;
            return this;
        }

        public Builder initial(String name, double value) {
            initial.put(name, value);
            return this;
        }

        /** Starting values for all parameters in model order. */
        public Builder initial(double... values) {
            List<String> names = model.parameterNames();
            if (values.length != names.size()) {
                throw new InvalidProblemException(List.of("initial values: " + values.length
                        + " given but the model has " + names.size() + " parameters (" + String.join(", ", names) + ")"));
            }
            for (int k = 0; k < values.length; k++) {
                initial.put(names.get(k), values[k]);
            }
            return this;
        }

        /** Bounds for one parameter; ±∞ for none. */
        public Builder bounds(String name, double lower, double upper) {
            bounds.put(name, new double[] {lower, upper});
            return this;
        }

        /** Holds parameters at their initial values. */
        public Builder fix(String... names) {
            fixed.addAll(List.of(names));
            return this;
        }

        public Builder loss(Loss loss) {
            this.loss = Objects.requireNonNull(loss, "loss");
            return this;
        }

        /**
         * sheap's curvature and smoothness terms: the cost gains {@code γ Σ (D2 r)² + δ Σ (D1 r)²} over the
         * unweighted residual series {@code r = f − y} in the order the rows are read (0 and 0: none).
         */
        public Builder seriesTerms(double curvature, double smoothness) {
            this.curvature = curvature;
            this.smoothness = smoothness;
            return this;
        }

        /** Checks the set-up and builds the problem. */
        public FitProblem build() {
            List<String> v = new ArrayList<>();
            if (!(curvature >= 0 && Double.isFinite(curvature))) {
                v.add("curvature = " + curvature + ": the weight of the curvature term must be finite and >= 0");
            }
            if (!(smoothness >= 0 && Double.isFinite(smoothness))) {
                v.add("smoothness = " + smoothness + ": the weight of the smoothness term must be finite and >= 0");
            }
            List<String> names = model.parameterNames();
            Set<String> seen = new HashSet<>();
            for (String n : names) {
                if (!seen.add(n)) {
                    v.add("parameter name '" + n + "' appears twice in the model; names must be unique");
                }
            }
            for (String n : initial.keySet()) {
                if (!names.contains(n)) {
                    v.add("initial value for '" + n + "': not a parameter of the model (parameters: " + String.join(", ", names) + ")");
                }
            }
            for (String n : bounds.keySet()) {
                if (!names.contains(n)) {
                    v.add("bounds for '" + n + "': not a parameter of the model (parameters: " + String.join(", ", names) + ")");
                }
            }
            for (String n : fixed) {
                if (!names.contains(n)) {
                    v.add("fixed parameter '" + n + "': not a parameter of the model (parameters: " + String.join(", ", names) + ")");
                }
            }
            List<Parameter> params = new ArrayList<>();
            for (String n : names) {
                Double p0 = initial.get(n);
                double[] b = bounds.getOrDefault(n, new double[] {Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY});
                if (p0 == null) {
                    v.add("parameter '" + n + "' has no initial value; every model parameter needs one");
                    continue;
                }
                if (!Double.isFinite(p0)) {
                    v.add("initial value of '" + n + "' = " + p0 + "; it must be finite");
                }
                if (Double.isNaN(b[0]) || Double.isNaN(b[1]) || !(b[0] < b[1])) {
                    v.add("bounds of '" + n + "' = [" + b[0] + ", " + b[1] + "]; the lower bound must be < the upper bound");
                } else if (p0 < b[0] || p0 > b[1]) {
                    v.add("initial value of '" + n + "' = " + p0 + " lies outside its bounds [" + b[0] + ", " + b[1] + "]");
                }
                params.add(new Parameter(n, p0, b[0], b[1], fixed.contains(n)));
            }
            if (v.isEmpty() && params.stream().allMatch(Parameter::fixed)) {
                v.add("every parameter is fixed; at least one must be free");
            }
            List<String> varColumns = new ArrayList<>();
            List<String> available = source.columnNames();
            for (String var : bindings.keySet()) {
                if (!model.variableNames().contains(var)) {
                    v.add("binding for '" + var + "': not a variable of the model (variables: "
                            + String.join(", ", model.variableNames()) + ")");
                }
            }
            for (String var : model.variableNames()) {
                String col = bindings.getOrDefault(var, var);
                varColumns.add(col);
                if (!available.contains(col)) {
                    v.add("column '" + col + "' (for variable " + var + ") not found in " + source.describe()
                            + "; available columns: " + String.join(", ", available));
                }
            }
            if (!available.contains(yColumn)) {
                v.add("y column '" + yColumn + "' not found in " + source.describe() + "; available columns: "
                        + String.join(", ", available));
            }
            if (sigmaColumn != null && !available.contains(sigmaColumn)) {
                v.add("sigma column '" + sigmaColumn + "' not found in " + source.describe()
                        + "; available columns: " + String.join(", ", available));
            }
            long rows = source.rowCount();
            int free = (int) params.stream().filter(p -> !p.fixed()).count();
            if (rows == 0) {
                v.add(source.describe() + " has no rows");
            } else if (rows > 0 && rows < free) {
                v.add(source.describe() + " has " + rows + " rows but " + free
                        + " free parameters; a fit needs at least as many rows as free parameters");
            }
            if (!v.isEmpty()) {
                throw new InvalidProblemException(v);
            }
            return new FitProblem(this, varColumns, params);
        }
    }
}
