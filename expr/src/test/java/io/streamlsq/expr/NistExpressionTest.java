package io.streamlsq.expr;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamlsq.model.Model;
import io.streamlsq.options.FitOptions;
import io.streamlsq.testkit.NistProblem;
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
 * The NIST StRD suite again, with each model compiled from NIST's own formula text (certified.json,
 * brackets turned into parentheses, arctan into atan): the same bars as the engine's analytic-Jacobian run.
 */
class NistExpressionTest {
    static List<Score> tight;
    static List<Score> defaults;

    static String expression(JsonNode problem) {
        String text = problem.get("model_expression").asText();
        text = text.substring(text.indexOf('=') + 1).trim();
        return text.replace('[', '(').replace(']', ')').replace("arctan", "atan");
    }

    static Model model(JsonNode problem) {
        String text = expression(problem);
        List<String> params = new ArrayList<>();
        problem.get("params").forEach(n -> params.add(n.asText()));
        List<String> vars = ExpressionCompiler.names(text).stream().filter(n -> !params.contains(n)).toList();
        return ExpressionCompiler.compile(text, params, vars);
    }

    @BeforeAll
    static void runAll() throws IOException {
        JsonNode all = new ObjectMapper().readTree(NistProblem.directory().resolve("certified.json").toFile()).get("problems");
        FitOptions strict = FitOptions.builder().tolerances(1e-15).maxPasses(20_000).build();
        tight = new ArrayList<>();
        defaults = new ArrayList<>();
        for (String name : NistProblem.ORDER) {
            NistProblem p = NistProblem.load(name);
            Model m = model(all.get(name));
            for (int start = 1; start <= 2; start++) {
                tight.add(NistRuns.run(p, start, m, strict));
                defaults.add(NistRuns.run(p, start, m, FitOptions.defaults()));
            }
        }
        List<String> lines = new ArrayList<>();
        lines.add("| problem | start | min LRE params | min LRE stderr | LRE RSS | passes | status |");
        lines.add("|---|---|---|---|---|---|---|");
        tight.forEach(s -> lines.add(s.row()));
        Files.createDirectories(Path.of("target"));
        Files.write(Path.of("target/nist-expression-lre.md"), lines);
    }

    @Test
    void everyRunReachesTheCertifiedValuesThroughTheExpressionPath() {
        String bad = tight.stream()
                .filter(s -> s.minParamLre() < 6 || s.minSdLre() < (s.problem().equals("Lanczos1") ? 3 : 4))
                .map(Score::row).collect(Collectors.joining("\n"));
        assertTrue(bad.isEmpty(), "below the bars:\n" + bad);
        assertTrue(tight.size() == 54, tight.size() + " runs");
    }

    @Test
    void atLeastFiftyOneRunsWithDefaultOptions() {
        long good = defaults.stream().filter(s -> s.minParamLre() >= 6).count();
        String below = defaults.stream().filter(s -> s.minParamLre() < 6).map(Score::row).collect(Collectors.joining("\n"));
        assertTrue(good >= 51, good + " of 54 (docs/accuracy.md: 51 through the expression path):\n" + below);
    }
}
