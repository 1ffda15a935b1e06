package io.streamlsq.phase;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlsq.options.FitOptions;
import io.streamlsq.testkit.NistModels;
import io.streamlsq.testkit.NistRuns;
import io.streamlsq.testkit.NistRuns.Score;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The NIST StRD nonlinear regression suite: 27 problems × 2 starts, analytic Jacobians, through the
 * public API. Writes target/nist-lre.md (the table in docs/accuracy.md).
 */
class NistStrdTest {
    static final FitOptions TIGHT = FitOptions.builder().tolerances(1e-15).maxPasses(20_000).build();
    static List<Score> tight;
    static List<Score> defaults;

    @BeforeAll
    static void runAll() throws IOException {
        tight = NistRuns.all(NistModels::of, TIGHT);
        defaults = NistRuns.all(NistModels::of, FitOptions.defaults());
        List<String> lines = new ArrayList<>();
        lines.add("| problem | start | min LRE params | min LRE stderr | LRE RSS | passes | status |");
        lines.add("|---|---|---|---|---|---|---|");
        tight.forEach(s -> lines.add(s.row()));
        lines.add("");
        lines.add("Default options:");
        lines.add("");
        lines.add("| problem | start | min LRE params | min LRE stderr | LRE RSS | passes | status |");
        lines.add("|---|---|---|---|---|---|---|");
        defaults.forEach(s -> lines.add(s.row()));
        Files.createDirectories(Path.of("target"));
        Files.write(Path.of("target/nist-lre.md"), lines);
    }

    @Test
    void everyRunWithTightTolerancesReachesTheCertifiedParameters() {
        String failed = tight.stream().filter(s -> s.minParamLre() < 6).map(Score::row)
                .collect(Collectors.joining("\n"));
        assertTrue(failed.isEmpty(), "runs with parameter LRE < 6:\n" + failed);
    }

    /**
     * Lanczos1's residuals are about 1e-13 of values about 1: each residual carries a rounding error of ε·|y| ≈ 1e-16,
     * so its sum of squares, and the standard deviations that scale with its root, have about three digits in double
     * precision whatever the solver (measured 2.7–3.8 on both paths, from run to run of the rounding).
     */
    @Test
    void everyRunWithTightTolerancesReachesTheCertifiedStandardDeviations() {
        String failed = tight.stream().filter(s -> s.minSdLre() < (s.problem().equals("Lanczos1") ? 2.5 : 4))
                .map(Score::row).collect(Collectors.joining("\n"));
        assertTrue(failed.isEmpty(), "runs with standard deviation LRE below the bar:\n" + failed);
    }

    /** Issue 12: both solver paths on their own keep 54/54 at tight tolerances and 52/54 with the defaults. */
    @Test
    void eachSolverPathOnItsOwnKeepsTheBars() throws IOException {
        for (io.streamlsq.options.Solver solver : new io.streamlsq.options.Solver[] {
            io.streamlsq.options.Solver.NORMAL, io.streamlsq.options.Solver.QR}) {
            List<Score> t = NistRuns.all(NistModels::of, TIGHT.toBuilder().solver(solver).build());
            String bad = t.stream().filter(s -> s.minParamLre() < 6).map(Score::row).collect(Collectors.joining("\n"));
            assertTrue(bad.isEmpty(), solver + ", tight: runs with parameter LRE < 6:\n" + bad);
            List<Score> d = NistRuns.all(NistModels::of, FitOptions.builder().solver(solver).build());
            long good = d.stream().filter(s -> s.minParamLre() >= 6).count();
            assertTrue(good >= 52, solver + ", defaults: " + good + " of 54 runs reached LRE 6");
            assertTrue(d.stream().allMatch(s -> s.result().numerics().solver().equals(solver.name().toLowerCase(
                    java.util.Locale.ROOT))), "every run on the " + solver + " path");
        }
    }

    /** docs/accuracy.md: 52 of 54; the two below LRE 6 are ENSO from both starts (issue's bar: 50). */
    @Test
    void fiftyTwoOfFiftyFourRunsWithDefaultOptionsReachLreSix() {
        long good = defaults.stream().filter(s -> s.minParamLre() >= 6).count();
        String bad = defaults.stream().filter(s -> s.minParamLre() < 6).map(Score::row)
                .collect(Collectors.joining("\n"));
        assertTrue(good >= 52, good + " of 54 runs reached LRE 6 with the defaults; the others:\n" + bad);
    }
}
