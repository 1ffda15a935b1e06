package io.streamlsq.app;

import io.streamlsq.data.DataSource;
import io.streamlsq.data.InvalidRows;
import io.streamlsq.exec.PassExecutor;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@code --engine spark}: reaches the {@code spark} module's {@code io.streamlsq.spark.SparkEngine} by name, so the
 * app has no compile-time dependency on Spark and a local fit loads no Spark class (this class is loaded only for
 * {@code --engine spark}). The distribution's {@code bin/lsq} puts {@code lib/spark/} (the spark module and Spark's
 * jars) on the class path when its arguments say {@code --engine spark}; under {@code spark-submit} they are there.
 */
final class SparkBridge {
    static final String ENGINE_CLASS = "io.streamlsq.spark.SparkEngine";

    private SparkBridge() {
    }

    private static Class<?> engineClass() {
        try {
            return Class.forName(ENGINE_CLASS, true, SparkBridge.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            throw new UsageException("--engine spark: Spark's jars are not on the class path (" + ENGINE_CLASS + ": "
                    + (e instanceof ClassNotFoundException ? "not found" : e.getMessage()) + "). bin/lsq adds the distribution's lib/spark/ when the command line says --engine spark (an engine"
                    + " set only in --config or a checkpoint is not seen by the launcher); a distribution built without"
                    + " the spark module has no lib/spark/: build it with mvn -pl app,spark -am package -DskipTests, or"
                    + " run with spark-submit (docs/spark.md)");
        }
    }

    /** The Parquet file at {@code path} as a source every executor opens at its absolute path. */
    static DataSource parquet(Path path, InvalidRows policy, int chunkRows) throws IOException {
        Method m = method("parquet", String.class, InvalidRows.class, int.class);
        return (DataSource) call(m, null, path.toAbsolutePath().toString(), policy, chunkRows);
    }

    /**
     * Parquet only Spark can read (a directory of part files, or a URL such as hdfs:// or s3a://), as a Dataset of the
     * named columns; starts the session for {@code master} first.
     */
    static DataSource dataset(String pathOrUrl, java.util.List<String> columns, InvalidRows policy, int chunkRows,
            String master) throws IOException {
        Method m = method("datasetOf", String.class, java.util.List.class, InvalidRows.class, int.class, String.class);
        return (DataSource) call(m, null, pathOrUrl, columns, policy, chunkRows, master);
    }

    /** A session on {@code master} (null: spark-submit's or {@code local[*]}) and its executor; close it at the end. */
    static PassExecutor start(String master, int partitions) throws IOException {
        Method m = method("start", String.class, int.class);
        return (PassExecutor) call(m, null, master, partitions);
    }

    /** The run's Spark facts for the result JSON. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> describe(PassExecutor engine) throws IOException {
        return (Map<String, Object>) call(method("describe"), engine);
    }

    static void close(PassExecutor engine) throws Exception {
        ((AutoCloseable) engine).close();
    }

    private static Method method(String name, Class<?>... types) {
        try {
            return engineClass().getMethod(name, types);
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(ENGINE_CLASS + " has no method " + name + ": lib/spark/ is from another"
                    + " version of lsq", e);
        }
    }

    private static Object call(Method m, Object target, Object... args) throws IOException {
        try {
            return m.invoke(target, args);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        } catch (InvocationTargetException e) {
            Throwable t = e.getCause();
            if (t instanceof IOException io) {
                throw io;
            }
            if (t instanceof RuntimeException r) {
                throw r;
            }
            if (t instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(t);
        }
    }
}
