package io.streamlsq.search.bo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlsq.search.Trial;
import io.streamlsq.search.UnitBoxMapping;
import java.util.List;
import org.junit.jupiter.api.Test;

/** T3.7 log warping, and discrete and quantized dimensions. */
class SearchSpaceTest {

    private static double logObjective(double[] v) {
        double t = Math.log10(v[0]) + 3;
        return t * t;
    }

    @Test
    void productPresetFindsAMinimumAtOneThousandthOnALogScale() {
        UnitBoxMapping space = new UnitBoxMapping(List.of(UnitBoxMapping.log("rate", 1e-5, 1e-1)));
        for (int seed = 0; seed < 10; seed++) {
            BayesianSearch bo = new BayesianSearch(BayesianSearch.Preset.PRODUCT.options(1).withParallel(1), space,
                    seed);
            BayesianSearch.Result r = bo.run(SearchSpaceTest::logObjective, 20);
            double err = Math.abs(Math.log10(r.bestPoint()[0]) + 3);
            assertEquals(20, r.evaluations());
            assertTrue(err < 0.05, "seed " + seed + ": best at 10^" + Math.log10(r.bestPoint()[0]));
        }
    }

    @Test
    void discreteAndQuantizedDimensionsAreProposedOnTheirValues() {
        UnitBoxMapping space = new UnitBoxMapping(List.of(UnitBoxMapping.integer("order", 1, 4),
                UnitBoxMapping.quantized("step", 0, 1, 0.25), UnitBoxMapping.linear("x", -1, 1),
                UnitBoxMapping.categorical("kind", 3)));
        BayesianSearch bo = new BayesianSearch(BayesianSearch.Preset.PRODUCT.options(space.rawDimensions()), space, 9);
        BayesianSearch.Objective f = v -> Math.abs(v[0] - 3) + Math.abs(v[1] - 0.5) + v[2] * v[2] + (v[3] == 2 ? 0 : 1);
        BayesianSearch.Result r = bo.run(f, 10);
        for (int k = 0; k < 5; k++) {
            for (Trial t : bo.ask(2)) {
                double[] v = space.values(t.u());
                assertEquals(Math.rint(v[0]), v[0]);
                assertEquals(Math.rint(v[1] / 0.25) * 0.25, v[1], 1e-12);
                double[] again = space.values(t.u());
                assertEquals(v[3], again[3]);
                // snapped: the trial's u is the representative of its values
                assertEquals(new Coordinates(space, space.rawDimensions(), false).snap(t.u())[0], t.u()[0]);
                bo.tell(t.id(), f.value(v));
            }
        }
        double[] best = space.values(bo.bestUnit());
        assertTrue(bo.bestValue() < 0.2, "best " + bo.bestValue() + " at " + java.util.Arrays.toString(best));
        assertEquals(3, best[0]);
        assertEquals(0.5, best[1]);
        assertEquals(2, best[3]);
        assertTrue(r.evaluations() == 40);
    }
}
