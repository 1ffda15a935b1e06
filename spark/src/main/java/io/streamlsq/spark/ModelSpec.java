package io.streamlsq.spark;

import io.streamlsq.expr.ExpressionCompiler;
import io.streamlsq.expr.ExpressionModel;
import io.streamlsq.model.Model;
import io.streamlsq.model.NumericJacobianModel;
import java.io.Serializable;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How a {@link Model} travels to the executors: as its expression text (compiled once per executor JVM), as the
 * name of a class with a public no-argument constructor (the built-in problems), as a serialized object, or as a
 * {@link NumericJacobianModel} (its bounds) around one of these.
 */
public sealed interface ModelSpec extends Serializable {

    /** A model for this JVM: the same arithmetic as the driver's, so the same bits for the same chunk. */
    Model create();

    /** The spec of {@code model}, or an exception saying why it cannot travel. */
    static ModelSpec of(Model model) {
        Objects.requireNonNull(model, "model");
        if (model instanceof ExpressionModel e) {
            return new Expression(e.describe(), e.parameterNames(), e.variableNames());
        }
        if (model instanceof NumericJacobianModel n) {
            // no accessors for the wrapped model and the bounds yet: read as EvaluatorSpec reads ChunkEvaluator
            return new Numeric(of((Model) EvaluatorSpec.field(n, "delegate")), (double[]) EvaluatorSpec.field(n, "lower"),
                    (double[]) EvaluatorSpec.field(n, "upper"));
        }
        if (model instanceof Serializable s) {
            return new Serialized(s);
        }
        Class<?> c = model.getClass();
        try {
            if (java.lang.reflect.Modifier.isPublic(c.getModifiers()) && c.getConstructor() != null) {
                return new ByClass(c.getName());
            }
        } catch (NoSuchMethodException e) {
            // fall through
        }
        throw new IllegalArgumentException("model " + model.describe() + " (" + c.getName() + ") cannot be sent to Spark"
                + " executors: give it as an expression, make it Serializable, or give its class a public no-argument"
                + " constructor");
    }

    /** Expression text with its parameter and variable names; compiled at most once per JVM and text. */
    record Expression(String text, List<String> parameters, List<String> variables) implements ModelSpec {
        private static final ConcurrentHashMap<Expression, ExpressionModel> COMPILED = new ConcurrentHashMap<>();

        public Expression {
            parameters = List.copyOf(parameters);
            variables = List.copyOf(variables);
        }

        @Override
        public Model create() {
            // ExpressionModel is thread-safe (per-thread scratch): one compiled model serves every task of the JVM
            return COMPILED.computeIfAbsent(this, k -> ExpressionCompiler.compile(k.text, k.parameters, k.variables));
        }
    }

    /** A model with central-difference derivatives, within bounds, around a model that travels itself. */
    record Numeric(ModelSpec delegate, double[] lower, double[] upper) implements ModelSpec {
        public Numeric {
            lower = lower.clone();
            upper = upper.clone();
        }

        @Override
        public Model create() {
            return new NumericJacobianModel(delegate.create()).withBounds(lower, upper);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Numeric n && delegate.equals(n.delegate) && java.util.Arrays.equals(lower, n.lower)
                    && java.util.Arrays.equals(upper, n.upper);
        }

        @Override
        public int hashCode() {
            return Objects.hash(delegate, java.util.Arrays.hashCode(lower), java.util.Arrays.hashCode(upper));
        }
    }

    /** A class with a public no-argument constructor: a new instance per task (models need not be thread-safe). */
    record ByClass(String className) implements ModelSpec {
        @Override
        public Model create() {
            try {
                return (Model) Class.forName(className, true, Thread.currentThread().getContextClassLoader())
                        .getConstructor().newInstance();
            } catch (ReflectiveOperationException | ClassCastException e) {
                throw new IllegalStateException("model class " + className + " cannot be instantiated on this executor",
                        e);
            }
        }
    }

    /** A serializable model: each task gets its own deserialized copy. */
    record Serialized(Serializable model) implements ModelSpec {
        @Override
        public Model create() {
            return (Model) model;
        }
    }
}
