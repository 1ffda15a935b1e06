package io.streamlsq.service;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lsq serve}: the fit service. The {@code service} module depends on {@code app} (the jobs run through its
 * {@code FitJobs}), so {@code app}'s {@code Lsq} cannot name this command without a dependency cycle: the service
 * jar has this main of its own, and the repository's {@code ./lsq serve ...} runs it (docs/service.md).
 */
@Command(name = "lsq serve", sortOptions = false,
        description = {"Run the fit service: an HTTP job API, server-sent progress events, Prometheus metrics and a web"
            + " page (docs/service.md). Jobs take the settings of lsq fit --config; they run as lsq fit runs them.%n",
            "SIGTERM or SIGINT: running jobs write a checkpoint and continue when the server starts again on the same"
                + " --state-dir (as do jobs of a server that was killed)."},
        footer = {"", "Example:", "  lsq serve --state-dir jobs --data-root data --port 8080"})
public final class Serve implements Callable<Integer> {
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Option(names = "--host", description = "Address to listen on (default 127.0.0.1: this machine only).")
    String host = "127.0.0.1";

    @Option(names = "--port", description = "Port (default 8080; 0 picks a free one, printed on start).")
    int port = 8080;

    @Option(names = "--state-dir", required = true, paramLabel = "DIR",
            description = "Jobs, their checkpoints, results, reports and logs; the generated token.")
    Path stateDir;

    @Option(names = "--data-root", required = true, paramLabel = "DIR",
            description = "Every data path of a job is relative to this directory and must stay inside it.")
    Path dataRoot;

    @Option(names = "--token-file", paramLabel = "FILE", description = "The bearer token (first line). Default:"
            + " STATE/token, made with 32 random bytes and mode 0600 when missing.")
    Path tokenFile;

    @Option(names = "--max-jobs", paramLabel = "N", description = "Jobs running at once (default 1); the others queue.")
    int maxJobs = 1;

    @Option(names = "--max-queued", paramLabel = "N", description = "Jobs waiting at most (default 100); more: 429.")
    int maxQueued = 100;

    @Option(names = "--max-body-bytes", paramLabel = "N", description = "Largest request body (default 65536); more: 413.")
    int maxBodyBytes = 65_536;

    @Option(names = "--max-model-chars", paramLabel = "N",
            description = "Largest model text, ties, penalties and schedule together (default 4096); more: 413.")
    int maxModelChars = 4_096;

    @Override
    public Integer call() throws Exception {
        for (var o : java.util.Map.of("--max-jobs", maxJobs, "--max-queued", maxQueued, "--max-body-bytes", maxBodyBytes,
                "--max-model-chars", maxModelChars).entrySet()) {
            if (o.getValue() < 1) {
                throw new CommandLine.ParameterException(new CommandLine(this), o.getKey() + " = " + o.getValue()
                        + " must be >= 1");
            }
        }
        if (port < 0 || port > 65_535) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--port = " + port + " must be 0 to 65535");
        }
        // jobs write their progress as events, never as a terminal progress bar on the server's stderr
        System.setProperty("lsq.stderr.tty", "false");
        FitService service = FitService.start(new FitService.Config(host, port, stateDir.toAbsolutePath(),
                dataRoot.toAbsolutePath(), tokenFile, maxJobs, maxQueued, maxBodyBytes, maxModelChars), System.out);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("lsq serve: stopping: running jobs write a checkpoint and continue on the next start");
            service.close();
            stopped.countDown();
        }, "lsq-serve-stop"));
        stopped.await();
        return 0;
    }

    public static void main(String[] args) {
        CommandLine cl = new CommandLine(new Serve());
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            cmd.getErr().println("lsq serve: " + (ex.getMessage() == null ? ex.toString() : ex.getMessage()));
            return 2;
        });
        String[] a = args.length > 0 && args[0].equals("serve") ? java.util.Arrays.copyOfRange(args, 1, args.length)
                : args;
        System.exit(cl.execute(a));
    }
}
