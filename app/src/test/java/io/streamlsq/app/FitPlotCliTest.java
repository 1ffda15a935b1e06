package io.streamlsq.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code lsq fit --plot DIR} end to end (issue 19 item 3): four 800×500 PNGs; a --plot that is a file is refused first. */
class FitPlotCliTest {
    @TempDir
    Path dir;

    @Test
    void fitWritesFourPngsAndTheResultFirst() throws IOException {
        Path data = dir.resolve("decay.csv");
        assertEquals(0, Run.of("gen", "decay", "--rows", "5000", "--out", data.toString()).code());
        Path plots = dir.resolve("plots");
        Path out = dir.resolve("r.json");
        Run r = Run.of("fit", "--data", data.toString(), "--model", "a*exp(-b*x)+c", "--p0", "a=1,b=0.5,c=0",
                "--out", out.toString(), "--plot", plots.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("plots written to " + plots), r.err());
        assertTrue(Files.exists(out));
        for (String name : List.of("fit.png", "residuals.png", "residual-histogram.png", "cost.png")) {
            BufferedImage img = ImageIO.read(plots.resolve(name).toFile());
            assertNotNull(img, name);
            assertEquals(800, img.getWidth(), name);
            assertEquals(500, img.getHeight(), name);
        }
        try (var files = Files.list(plots)) {
            assertEquals(4, files.count(), "only the four plots (no temporary file left)");
        }
    }

    @Test
    void aStoppedFitPlotsAndResumeKeepsThePlotDirectory() throws IOException {
        Path data = dir.resolve("decay.csv");
        assertEquals(0, Run.of("gen", "decay", "--rows", "5000", "--out", data.toString()).code());
        Path plots = dir.resolve("plots");
        Path ck = dir.resolve("ck");
        Run stopped = Run.fitDecay(data.toString(), "--plot", plots.toString(), "--checkpoint-dir", ck.toString(),
                "--max-passes", "2", "--no-presolve");
        assertEquals(3, stopped.code(), stopped.err()); // max_passes: the plots of the point reached are written
        assertTrue(Files.exists(plots.resolve("cost.png")));
        for (String name : List.of("fit.png", "residuals.png", "residual-histogram.png", "cost.png")) {
            Files.delete(plots.resolve(name));
        }
        Run resumed = Run.of("resume", ck.toString(), "--max-passes", "100", "--quiet");
        assertEquals(0, resumed.code(), resumed.err());
        for (String name : List.of("fit.png", "residuals.png", "residual-histogram.png", "cost.png")) {
            BufferedImage img = ImageIO.read(plots.resolve(name).toFile());
            assertNotNull(img, name + " after lsq resume");
            assertEquals(800, img.getWidth(), name);
        }
    }

    @Test
    void aPlotPathThatIsAFileIsRefusedBeforeTheFit() throws IOException {
        Path data = dir.resolve("decay.csv");
        assertEquals(0, Run.of("gen", "decay", "--rows", "2000", "--out", data.toString()).code());
        Path file = Files.writeString(dir.resolve("p.png"), "");
        Path out = dir.resolve("r.json");
        Run r = Run.fitDecay(data.toString(), "--plot", file.toString(), "--out", out.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--plot " + file + " is a file; give a directory"), r.err());
        assertTrue(!Files.exists(out), "the fit ran although --plot was refused");
    }
}
