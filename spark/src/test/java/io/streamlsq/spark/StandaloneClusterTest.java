package io.streamlsq.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlsq.arrow.ParquetDataSource;
import io.streamlsq.data.DataSource;
import io.streamlsq.data.InvalidRows;
import io.streamlsq.exec.PassExecutor;
import io.streamlsq.model.EvalLevel;
import io.streamlsq.options.FitOptions;
import io.streamlsq.phase.FitListener;
import io.streamlsq.result.FitResult;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorRemoved;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 18 item 4: a Spark standalone master and two workers, each its own JVM on 127.0.0.1 (started from this test's
 * class path, as {@code start-master.sh}/{@code start-worker.sh} would), two one-core executors. A fit whose passes run
 * there has the local engine's bits; so does one during which a worker and its executor are killed (kill -9) in the
 * middle of a pass: the lost tasks run again on the other executor and give the same contributions. Then a third
 * worker joins and a fit over a Dataset (cached chunks) loses a worker mid-pass: its chunks are rebuilt, checked
 * against their digests, and the bits are those of the local engine over the same chunks.
 *
 * <p>Tagged {@code cluster}: run with {@code mvn -pl spark test -Pspark-cluster}.
 */
@Tag("cluster")
class StandaloneClusterTest {
    static final int CHUNK_ROWS = 4_096;
    static final List<Process> STARTED = new ArrayList<>();
    @TempDir
    static Path dir;

    @AfterAll
    static void stopAll() {
        SparkTestKit.stop();
        for (Process p : STARTED) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** A JVM of this test's class path and module flags running {@code main} with {@code args}; output to a log. */
    static Process startJvm(String name, Path sparkHome, String main, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx512m");
        Path log4j = dir.resolve("log4j2-daemons.properties");
        if (!Files.exists(log4j)) {
            // INFO, so that the master and the workers say when they are up
            Files.writeString(log4j, "rootLogger.level = info\nrootLogger.appenderRef.stderr.ref = console\n"
                    + "appender.console.type = Console\nappender.console.name = console\n"
                    + "appender.console.target = SYSTEM_ERR\nappender.console.layout.type = PatternLayout\n"
                    + "appender.console.layout.pattern = %d{HH:mm:ss.SSS} %p %c{1}: %m%n\n");
        }
        cmd.add("-Dlog4j2.configurationFile=" + log4j.toUri());
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("--add-") || a.startsWith("-XX:+IgnoreUnrecognized") || a.startsWith("-Dio.netty")) {
                cmd.add(a);
            }
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(main);
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile());
        pb.environment().put("SPARK_HOME", sparkHome.toString());
        pb.environment().put("SPARK_SCALA_VERSION", "2.13");
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        Process p = pb.start();
        STARTED.add(p);
        return p;
    }

    static void awaitLog(String name, String text, Duration timeout) throws IOException, InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        Path log = dir.resolve(name + ".log");
        while (System.nanoTime() < end) {
            if (Files.exists(log) && Files.readString(log).contains(text)) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError(name + " did not log '" + text + "' within " + timeout + ":\n"
                + (Files.exists(log) ? Files.readString(log) : "(no log)"));
    }

    /** Kills a worker JVM and the executor JVM it started, during the first chunk merged of pass {@code pass}. */
    static final class KillWorker implements FitListener {
        final Process worker;
        final long pass;
        long currentPass;
        volatile boolean killed;

        KillWorker(Process worker, long pass) {
            this.worker = worker;
            this.pass = pass;
        }

        @Override
        public void onPassStart(String phase, long passNumber, EvalLevel level, long chunks, long rows) {
            currentPass = passNumber;
        }

        @Override
        public void onPassProgress(long chunksDone, long rowsDone) {
            if (currentPass == pass && !killed) {
                worker.descendants().forEach(ProcessHandle::destroyForcibly);
                worker.destroyForcibly();
                killed = true;
            }
        }
    }

    @Test
    void aStandaloneClusterGivesTheLocalBitsEvenWhenAWorkerIsKilledMidPass() throws Exception {
        Path file = SparkTestKit.decayParquet(dir, 400_000, 31);
        Path sparkHome = Files.createDirectories(dir.resolve("spark-home/jars"));
        sparkHome = sparkHome.getParent();
        int port = freePort();
        startJvm("master", sparkHome, "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port",
                String.valueOf(port), "--webui-port", String.valueOf(freePort()));
        awaitLog("master", "I have been elected leader", Duration.ofSeconds(90));
        String url = "spark://127.0.0.1:" + port;
        Process[] workers = new Process[2];
        for (int w = 0; w < 2; w++) {
            Path work = Files.createDirectories(dir.resolve("work" + w));
            workers[w] = startJvm("worker" + w, sparkHome, "org.apache.spark.deploy.worker.Worker", "--host",
                    "127.0.0.1", "--cores", "1", "--memory", "1g", "--work-dir", work.toString(), "--webui-port",
                    String.valueOf(freePort()), url);
        }
        for (int w = 0; w < 2; w++) {
            awaitLog("worker" + w, "Successfully registered with master", Duration.ofSeconds(90));
        }
        String flags = String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("--add-") || a.startsWith("-XX:+IgnoreUnrecognized") || a.startsWith("-Dio.netty"))
                .toList());
        SparkSession spark = SparkTestKit.session(url, b -> b
                .config("spark.executor.memory", "768m")
                .config("spark.executor.cores", "1")
                .config("spark.cores.max", "2")
                .config("spark.executor.extraClassPath", System.getProperty("java.class.path"))
                .config("spark.executor.extraJavaOptions", flags));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (spark.sparkContext().statusTracker().getExecutorInfos().length < 3) { // the driver and two executors
            assertTrue(System.nanoTime() < deadline, "executors did not register");
            Thread.sleep(200);
        }
        AtomicInteger removed = new AtomicInteger();
        AtomicInteger failedTasks = new AtomicInteger();
        spark.sparkContext().addSparkListener(new SparkListener() {
            @Override
            public void onExecutorRemoved(SparkListenerExecutorRemoved e) {
                removed.incrementAndGet();
            }

            @Override
            public void onTaskEnd(SparkListenerTaskEnd e) {
                if (!e.taskInfo().successful()) {
                    failedTasks.incrementAndGet();
                }
            }
        });

        FitResult local;
        try (DataSource src = ParquetDataSource.open(file, InvalidRows.REFUSE, CHUNK_ROWS)) {
            local = SparkTestKit.fit(SparkResumeTest.PROBLEM.apply(src), FitOptions.defaults(), PassExecutor.sequential());
        }
        try (SparkDataSource src = SparkDataSource.open(new ParquetSourceSpec(file.toString(), InvalidRows.REFUSE,
                CHUNK_ROWS))) {
            SparkPassExecutor ex = new SparkPassExecutor(spark.sparkContext(), 24);
            FitResult r = SparkTestKit.fit(SparkResumeTest.PROBLEM.apply(src), FitOptions.defaults(), ex);
            SparkPassExecutorTest.assertSameBits(local, r, "standalone cluster, 2 workers");
            assertEquals(0, removed.get());

            KillWorker kill = new KillWorker(workers[0], 3);
            FitResult killed = SparkTestKit.fit(SparkResumeTest.PROBLEM.apply(src), FitOptions.defaults(),
                    new SparkPassExecutor(spark.sparkContext(), 24), kill);
            assertTrue(kill.killed, "the worker was killed");
            SparkPassExecutorTest.assertSameBits(local, killed, "worker killed in pass 3 (" + failedTasks.get()
                    + " tasks failed)");
            assertTrue(removed.get() >= 1, "the executor of the killed worker was removed");
            assertTrue(failedTasks.get() >= 1, "tasks of the killed executor failed and ran again");
            System.err.println("StandaloneClusterTest: " + failedTasks.get() + " failed tasks re-run, " + removed.get()
                    + " executor(s) removed");
        }

        // a third worker joins; then a Dataset's chunks, cached on the executors, lose the ones of a killed worker:
        // Spark rebuilds them from the lineage (the file, a range shuffle, a sort), each is checked against its digest,
        // and the fit ends with the bits of the local engine reading the same chunks on the driver
        Path work = Files.createDirectories(dir.resolve("work2"));
        startJvm("worker2", sparkHome, "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1", "--cores", "1",
                "--memory", "1g", "--work-dir", work.toString(), "--webui-port", String.valueOf(freePort()), url);
        awaitLog("worker2", "Successfully registered with master", Duration.ofSeconds(90));
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (spark.sparkContext().statusTracker().getExecutorInfos().length < 3) {
            assertTrue(System.nanoTime() < deadline, "the new worker's executor did not register");
            Thread.sleep(200);
        }
        Dataset<Row> d = spark.read().parquet(file.toString()).repartitionByRange(4, functions.col("x"))
                .sortWithinPartitions("x");
        try (DatasetSource rows = DatasetSource.of(d, List.of("x", "y"), InvalidRows.REFUSE, CHUNK_ROWS)) {
            FitResult onDriver = SparkTestKit.fit(SparkResumeTest.PROBLEM.apply(rows), FitOptions.defaults(),
                    PassExecutor.sequential());
            int removedBefore = removed.get();
            KillWorker kill = new KillWorker(workers[1], 3);
            SparkPassExecutor ex = new SparkPassExecutor(spark.sparkContext(), 0);
            FitResult killed = SparkTestKit.fit(SparkResumeTest.PROBLEM.apply(rows), FitOptions.defaults(), ex, kill);
            assertTrue(kill.killed, "the worker was killed");
            assertEquals(0, ex.passesOnDriver());
            SparkPassExecutorTest.assertSameBits(onDriver, killed, "Dataset, worker killed in pass 3");
            assertTrue(removed.get() > removedBefore, "the executor of the killed worker was removed");
            System.err.println("StandaloneClusterTest (Dataset): " + failedTasks.get() + " failed tasks in all, "
                    + removed.get() + " executor(s) removed in all");
        }
    }

}
