package io.streamlsq.options;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class FitOptionsTest {
    @Test
    void everyViolationIsReportedWithItsValueAndRule() {
        InvalidOptionsException e = assertThrows(InvalidOptionsException.class, () -> FitOptions.builder()
                .ftol(-1).xtol(Double.NaN).maxPasses(0).maxTime(Duration.ZERO).blockRows(3).build());
        assertEquals(5, e.violations().size(), e.getMessage());
        assertTrue(e.getMessage().contains("ftol = -1.0 violates 0 <= ftol < inf"), e.getMessage());
        assertTrue(e.getMessage().contains("xtol = NaN"), e.getMessage());
        assertTrue(e.getMessage().contains("maxPasses = 0 violates maxPasses >= 1"), e.getMessage());
        assertTrue(e.getMessage().contains("maxTime = PT0S violates maxTime > 0"), e.getMessage());
        assertTrue(e.getMessage().contains("blockRows = 3 violates blockRows >= 16"), e.getMessage());
    }

    @Test
    void defaultsAreValidAndRoundTripThroughTheBuilder() {
        FitOptions d = FitOptions.defaults();
        assertEquals(d, d.toBuilder().build());
        assertEquals(1e-13, d.ftol());
        assertEquals(io.streamlsq.options.Solver.AUTO, d.solver());
    }
}
