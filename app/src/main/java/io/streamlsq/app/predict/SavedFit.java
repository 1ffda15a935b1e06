package io.streamlsq.app.predict;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamlsq.app.UsageException;
import io.streamlsq.expr.ExprException;
import io.streamlsq.expr.ExpressionCompiler;
import io.streamlsq.expr.ExpressionModel;
import io.streamlsq.expr.Ties;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A fitted model read back from a result JSON ({@code lsq fit --out}, docs/result-json.md): the model text, the
 * parameters with their fitted values in the model's order, the ties, the columns the fit read, the covariance and
 * the degrees of freedom. {@link #model()} compiles the same model {@code lsq fit} fitted (the ties substituted; the
 * penalties, extra residual rows, play no part in the model's values).
 *
 * <p>Refused, each naming the file, the key and the rule: a file that is not a result JSON of version 1, a result
 * without a model text ({@code lsq demo}'s), a parameter without a value, a model text whose names the parameters,
 * ties and variables do not account for (the result of another model, or an edited file).
 */
public final class SavedFit {
    private final Path file;
    private final String modelText;
    private final List<String> parameters;
    private final double[] values;
    private final Map<String, String> ties;
    private final Map<String, String> variableColumns;
    private final String yColumn;
    private final String sigmaColumn;
    private final boolean columnsStored;
    private final double[][] covariance;
    private final long dof;
    private final String status;

    private SavedFit(Path file, String modelText, List<String> parameters, double[] values, Map<String, String> ties,
            Map<String, String> variableColumns, String yColumn, String sigmaColumn, boolean columnsStored,
            double[][] covariance, long dof, String status) {
        this.file = file;
        this.modelText = modelText;
        this.parameters = List.copyOf(parameters);
        this.values = values;
        this.ties = ties;
        this.variableColumns = variableColumns;
        this.yColumn = yColumn;
        this.sigmaColumn = sigmaColumn;
        this.columnsStored = columnsStored;
        this.covariance = covariance;
        this.dof = dof;
        this.status = status;
    }

    /**
     * Reads and checks {@code file}.
     *
     * @throws UsageException naming the file, the key, its value and the rule
     * @throws IOException if the file cannot be read
     */
    public static SavedFit read(Path file) throws IOException {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(file.toFile());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UsageException("--result " + file + ": not JSON (" + e.getOriginalMessage() + "); give the file"
                    + " lsq fit --out wrote");
        } catch (java.io.FileNotFoundException e) {
            throw new java.nio.file.NoSuchFileException(file.toString());
        }
        if (root == null || !root.isObject() || !"streamlsq-result".equals(root.path("format").asText(null))) {
            throw new UsageException("--result " + file + ": 'format' is " + (root == null ? "missing" : root.path("format"))
                    + ", not \"streamlsq-result\": give the result JSON lsq fit --out wrote (docs/result-json.md)");
        }
        if (root.path("version").asInt(-1) != 1) {
            throw new UsageException("--result " + file + ": 'version' is " + root.path("version") + "; this lsq reads"
                    + " version 1");
        }
        String model = root.path("model").asText(null);
        if (model == null || model.isBlank()) {
            throw new UsageException("--result " + file + " has no 'model' text (lsq demo writes none): predict needs"
                    + " the result of lsq fit --model EXPR");
        }
        JsonNode params = root.path("params");
        if (!params.isObject() || params.isEmpty()) {
            throw new UsageException("--result " + file + ": 'params' is missing or empty");
        }
        List<String> names = new ArrayList<>();
        double[] values = new double[params.size()];
        for (Iterator<Map.Entry<String, JsonNode>> it = params.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isNumber()) {
                throw new UsageException("--result " + file + ": params." + e.getKey() + " is " + e.getValue()
                        + ", not a number: the fit has no value for it (status " + root.path("status").asText("?")
                        + ")");
            }
            values[names.size()] = e.getValue().asDouble();
            names.add(e.getKey());
        }
        Map<String, String> ties = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.path("tied").fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            String expr = e.getValue().path("expr").asText(null);
            if (expr == null) {
                throw new UsageException("--result " + file + ": tied." + e.getKey() + " has no 'expr'");
            }
            ties.put(e.getKey(), expr);
        }
        JsonNode cols = root.path("columns");
        boolean stored = cols.isObject();
        List<String> modelNames;
        try {
            modelNames = ExpressionCompiler.names(model);
        } catch (ExprException e) {
            throw new UsageException("--result " + file + ": 'model' does not parse: " + e.getMessage());
        }
        Map<String, String> variables = new LinkedHashMap<>();
        if (stored) {
            for (Iterator<Map.Entry<String, JsonNode>> it = cols.path("variables").fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                variables.put(e.getKey(), e.getValue().asText());
            }
        } else {
            // results written before 'columns' existed: the variables read the columns of their own names
            for (String n : modelNames) {
                if (!names.contains(n) && !ties.containsKey(n)) {
                    variables.put(n, n);
                }
            }
        }
        for (String n : modelNames) {
            if (!names.contains(n) && !ties.containsKey(n) && !variables.containsKey(n)) {
                throw new UsageException("--result " + file + ": the model '" + model + "' uses '" + n + "', which is"
                        + " neither a parameter (" + String.join(", ", names) + "), a tied name nor a variable ("
                        + String.join(", ", variables.keySet()) + ") of that result: the file is not the result of"
                        + " this model");
            }
        }
        String y = stored && cols.path("y").isTextual() ? cols.path("y").asText() : "y";
        String sigma = stored && cols.path("sigma").isTextual() ? cols.path("sigma").asText() : null;
        return new SavedFit(file, model, names, values, ties, variables, y, sigma, stored,
                covariance(file, root.path("covariance"), names), root.path("dof").asLong(-1),
                root.path("status").asText("unknown"));
    }

    /** The covariance (p×p in the parameters' order); NaN where the JSON has null; null when absent. */
    private static double[][] covariance(Path file, JsonNode c, List<String> names) {
        if (!c.isArray()) {
            return null;
        }
        int p = names.size();
        if (c.size() != p) {
            throw new UsageException("--result " + file + ": 'covariance' has " + c.size() + " rows for " + p
                    + " parameters");
        }
        double[][] m = new double[p][p];
        for (int j = 0; j < p; j++) {
            if (c.get(j).size() != p) {
                throw new UsageException("--result " + file + ": row " + j + " of 'covariance' has " + c.get(j).size()
                        + " entries for " + p + " parameters");
            }
            for (int k = 0; k < p; k++) {
                m[j][k] = c.get(j).get(k).isNumber() ? c.get(j).get(k).asDouble() : Double.NaN;
            }
        }
        return m;
    }

    /**
     * The fitted model, compiled with the variables in the order of {@link #variableColumns()} (a variable whose
     * column {@code override} rebinds keeps its place).
     *
     * @throws UsageException if the model text and the result do not make a model (an edited file)
     */
    public ExpressionModel model() {
        List<String> vars = new ArrayList<>(variableColumns.keySet());
        try {
            return ExpressionCompiler.compile(modelText, parameters, vars, Ties.resolve(ties, parameters, vars));
        } catch (ExprException e) {
            throw new UsageException("--result " + file + ": its model does not compile with its parameters ("
                    + String.join(", ", parameters) + "): " + e.getMessage());
        }
    }

    public Path file() {
        return file;
    }

    /** The model text as given to {@code lsq fit --model}. */
    public String modelText() {
        return modelText;
    }

    /** Parameter names in the model's order. */
    public List<String> parameters() {
        return parameters;
    }

    /** Fitted values in the order of {@link #parameters()} (a copy). */
    public double[] values() {
        return values.clone();
    }

    /** The model's variables → the columns the fit read them from, in the model's variable order. */
    public Map<String, String> variableColumns() {
        return variableColumns;
    }

    /** The response column of the fit. */
    public String yColumn() {
        return yColumn;
    }

    /** The sigma column of the fit, or null. */
    public String sigmaColumn() {
        return sigmaColumn;
    }

    /** Whether the result JSON holds {@code columns}; older results bind every variable to the column of its name. */
    public boolean columnsStored() {
        return columnsStored;
    }

    /**
     * The covariance of the parameters (rows and columns of fixed ones 0), NaN where the fit could not estimate it;
     * null when the result has none. A copy.
     */
    public double[][] covariance() {
        if (covariance == null) {
            return null;
        }
        double[][] c = new double[covariance.length][];
        for (int i = 0; i < c.length; i++) {
            c[i] = covariance[i].clone();
        }
        return c;
    }

    /** Degrees of freedom of the fit (rows − free parameters), -1 when absent. */
    public long dof() {
        return dof;
    }

    /** The fit's status ({@code converged}, {@code max_passes}, …). */
    public String status() {
        return status;
    }
}
