package io.streamlsq.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlsq.bench.compare.Compare;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The comparison at 10⁵ rows with one repetition, so that the command cannot rot: every tool must run
 * (scipy may be skipped with its note where python3 has no scipy), the files must be written, and the
 * final-cost target must hold.
 */
class CompareSmokeTest {
    @Test
    void theComparisonRunsAtOneHundredThousandRows() throws Exception {
        Path out = Path.of("target", "compare-smoke");
        Compare.main(new String[] {"--rows", "1e5", "--reps", "1", "--time-limit", "180", "--heap", "1g", "--out", out.toString()});
        List<String> csv = Files.readAllLines(out.resolve("results.csv"));
        assertEquals(11, csv.size(), String.join("\n", csv));
        for (String line : csv.subList(1, csv.size())) {
            assertTrue(line.contains(",\"ok\",") || line.contains("skipped: python3 has no scipy"), line);
        }
        for (String f : List.of("results.md", "time-decay.png", "memory-decay.png", "time-peaks.png", "memory-peaks.png")) {
            assertTrue(Files.size(out.resolve(f)) > 0, f);
        }
        String md = Files.readString(out.resolve("results.md"));
        assertTrue(md.contains("final cost ≤ best peer × (1 + 1e-9): met"), md);
        assertFalse(md.contains("final cost ≤ best peer × (1 + 1e-9): missed"), md);
    }
}
