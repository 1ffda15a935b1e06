package io.streamlsq.phase;

import io.streamlsq.options.GlobalOptions;
import io.streamlsq.problem.FitProblem;
import io.streamlsq.problem.InvalidProblemException;
import io.streamlsq.problem.Parameter;
import io.streamlsq.search.UnitBoxMapping;
import java.util.ArrayList;
import java.util.List;

/**
 * The global search's space: one dimension per free parameter, over its {@code --search} range when it has one, else
 * over its bounds (linear). Every free parameter must have a finite box.
 */
public final class GlobalSearchSpace {
    private GlobalSearchSpace() {
    }

    /**
     * The search space of {@code problem} under {@code options}, dimensions in the order of the free parameters.
     *
     * @throws InvalidProblemException naming every free parameter without a finite box, every range outside its
     *     parameter's bounds, and every range of a fixed or unknown parameter
     */
    public static UnitBoxMapping of(FitProblem problem, GlobalOptions options) {
        List<String> v = new ArrayList<>();
        if (problem.hasSeriesTerms()) {
            v.add("curvature = " + problem.curvature() + ", smoothness = " + problem.smoothness()
                    + ": the global search's trials do not see the curvature and smoothness terms yet; search without"
                    + " them, then fit with them from the search's result");
        }
        List<UnitBoxMapping.Dimension> dims = new ArrayList<>();
        List<String> names = problem.parameterNames();
        for (String name : options.ranges().keySet()) {
            int k = names.indexOf(name);
            if (k < 0) {
                v.add("--search names '" + name + "', which is not a parameter (parameters: " + String.join(", ", names) + ")");
            } else if (problem.parameters().get(k).fixed()) {
                v.add("--search names '" + name + "', which is fixed: a fixed parameter is not searched");
            }
        }
        for (int k : problem.freeIndices()) {
            Parameter p = problem.parameters().get(k);
            GlobalOptions.Range r = options.ranges().get(p.name());
            if (r != null) {
                if (r.lo() < p.lower() || r.hi() > p.upper()) {
                    v.add("--search " + p.name() + "=" + r + " leaves its bounds [" + p.lower() + ", " + p.upper()
                            + "]: the search box must lie within the bounds");
                } else {
                    dims.add(r.log() ? UnitBoxMapping.log(p.name(), r.lo(), r.hi())
                            : UnitBoxMapping.linear(p.name(), r.lo(), r.hi()));
                }
            } else if (!(Double.isFinite(p.lower()) && Double.isFinite(p.upper()))) {
                v.add("parameter '" + p.name() + "' has bounds [" + p.lower() + ", " + p.upper() + "]: a global search"
                        + " needs a finite box for every free parameter (give --bounds " + p.name() + "=LO:HI or --search "
                        + p.name() + "=LO:HI)");
            } else {
                dims.add(UnitBoxMapping.linear(p.name(), p.lower(), p.upper()));
            }
        }
        if (problem.freeIndices().length == 0) {
            v.add("every parameter is fixed: a global search needs a free parameter");
        }
        if (!v.isEmpty()) {
            throw new InvalidProblemException(v);
        }
        return new UnitBoxMapping(dims);
    }
}
