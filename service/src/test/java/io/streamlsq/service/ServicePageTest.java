package io.streamlsq.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The web page in a real browser (headless Chromium through chromedriver, Debian's chromium and chromium-driver,
 * which ./run-tests installs): the token is pasted, a refused submission shows the server's message, a job is
 * submitted through the form, its live progress bar shows
 * rows/s while it runs and reaches 100 %, the parameter table shows the result's values and standard errors, and
 * the four plots of {@code lsq fit --plot} load. A screenshot is kept at target/screenshots/service-page.png.
 */
class ServicePageTest {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path DRIVER = Path.of("/usr/bin/chromedriver");

    @TempDir
    Path tmp;

    @Test
    void aJobSubmittedThroughTheFormShowsLiveProgressThenItsParameters() throws Exception {
        assertTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER), "this test needs " + CHROMIUM + " and "
                + DRIVER + ": apt-get install chromium chromium-driver (./run-tests does it when they are missing)");
        Path data = Files.createDirectories(tmp.resolve("data"));
        Path state = tmp.resolve("state");
        try (FitService server = FitService.start(new FitService.Config("127.0.0.1", 0, state, data, null, 1, 10, 65_536,
                4_096), new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))) {
            String token = Files.readString(state.resolve("token")).trim();
            ChromeOptions options = new ChromeOptions();
            options.setBinary(CHROMIUM.toFile());
            options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1800");
            ChromeDriverService driverService = new ChromeDriverService.Builder()
                    .usingDriverExecutable(DRIVER.toFile()).usingAnyFreePort().build();
            ChromeDriver browser = new ChromeDriver(driverService, options);
            try {
                browser.get("http://127.0.0.1:" + server.port() + "/");
                browser.findElement(By.id("token")).sendKeys(token);
                browser.findElement(By.id("token-save")).click();
                // a refused request shows the server's message under the form
                browser.findElement(By.id("f-data")).sendKeys("../elsewhere.csv");
                browser.findElement(By.id("f-model")).sendKeys("a*exp(-b*x)+c");
                browser.findElement(By.id("f-p0")).sendKeys("a=1,b=0.5,c=0");
                browser.findElement(By.id("submit")).click();
                new org.openqa.selenium.support.ui.WebDriverWait(browser, Duration.ofSeconds(10)).until(b -> text(
                        (ChromeDriver) b, "submit-error").startsWith("400: data = '../elsewhere.csv' has a '..' part"));
                browser.findElement(By.id("f-data")).clear();
                browser.findElement(By.id("f-data")).sendKeys("synthetic:decay:1e7");
                browser.findElement(By.id("f-extra")).sendKeys("{\"threads\": 1, \"no_presolve\": true}");
                browser.findElement(By.id("submit")).click();

                List<String> seen = new ArrayList<>();
                long end = System.nanoTime() + Duration.ofSeconds(90).toNanos();
                String status = "";
                while (System.nanoTime() < end) {
                    status = text(browser, "d-status");
                    String progress = text(browser, "d-progress-text");
                    if (seen.isEmpty() || !seen.get(seen.size() - 1).equals(progress)) {
                        seen.add(progress);
                    }
                    if (status.equals("converged") && browser.findElement(By.id("d-result")).isDisplayed()) {
                        break;
                    }
                    Thread.sleep(25);
                }
                assertEquals("converged", status, "progress texts seen: " + seen + "; " + text(browser, "submit-error"));
                assertTrue(seen.stream().anyMatch(s -> s.matches("gauss_newton pass \\d+: \\d+ % of 10\\.0M rows, .*"
                        + " rows/s, ETA \\d+:\\d\\d:\\d\\d")), "a live progress line with rows/s and ETA: " + seen);
                String width = browser.findElement(By.id("d-bar")).getAttribute("style");
                assertTrue(width.contains("width: 100%"), width);

                Http http = new Http(server.port(), token);
                JsonNode jobs = Http.json(http.get("/api/jobs")).get("jobs");
                assertEquals(1, jobs.size());
                JsonNode result = Http.json(http.get("/api/jobs/" + jobs.get(0).get("id").asText() + "/result"));
                List<WebElement> rows = browser.findElements(By.cssSelector("#d-params tbody tr"));
                assertEquals(3, rows.size());
                for (WebElement row : rows) {
                    List<WebElement> cells = row.findElements(By.tagName("td"));
                    String name = cells.get(0).getText();
                    assertEquals(result.get("params").get(name).asDouble(), Double.parseDouble(cells.get(1).getText()),
                            1e-9 * Math.abs(result.get("params").get(name).asDouble()), name);
                    assertEquals(result.get("stderr").get(name).asDouble(), Double.parseDouble(cells.get(2).getText()),
                            1e-3 * result.get("stderr").get(name).asDouble(), name);
                }
                assertEquals(3, browser.findElements(By.cssSelector("#d-corr tbody tr")).size());
                assertTrue(text(browser, "d-report").contains("gauss_newton"), text(browser, "d-report"));
                assertTrue(text(browser, "d-cost-text").contains("accepted iterations"), text(browser, "d-cost-text"));
                // the plots of lsq fit --plot, fetched with the token and shown as images of their size
                new org.openqa.selenium.support.ui.WebDriverWait(browser, Duration.ofSeconds(30)).until(b -> b.findElements(
                        By.cssSelector("#d-plots img")).size() == io.streamlsq.app.plot.FitPlots.FILES.size()
                        && b.findElements(By.cssSelector("#d-plots img")).stream().allMatch(i -> "800".equals(
                        i.getDomProperty("naturalWidth"))));
                List<String> shown = browser.findElements(By.cssSelector("#d-plots img")).stream()
                        .map(i -> i.getDomAttribute("alt")).toList();
                assertEquals(io.streamlsq.app.plot.FitPlots.FILES, shown);

                File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
                Path keep = Path.of("target", "screenshots", "service-page.png");
                Files.createDirectories(keep.getParent());
                Files.copy(shot.toPath(), keep, StandardCopyOption.REPLACE_EXISTING);
                byte[] png = Files.readAllBytes(keep);
                assertTrue(png.length > 1000 && png[1] == 'P' && png[2] == 'N' && png[3] == 'G');
            } finally {
                browser.quit();
            }
        }
    }

    private static String text(ChromeDriver b, String id) {
        return b.findElement(By.id(id)).getText();
    }
}
