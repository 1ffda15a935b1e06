package io.streamlsq.bench;

import io.streamlsq.csv.CsvDataSource;
import io.streamlsq.data.Chunk;
import io.streamlsq.data.ChunkCursor;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads every row of a CSV file through {@link CsvDataSource} (tokenizing and decimal parsing, no model) eight times
 * in one JVM and prints each time and the best: the first is the cold read a short job pays, the best the warm rate.
 *
 * <pre>java -cp bench/target/benchmarks.jar io.streamlsq.bench.CsvParseTime FILE.csv [COLUMN,...]</pre>
 */
public final class CsvParseTime {
    private CsvParseTime() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: CsvParseTime FILE.csv [COLUMN,...]");
            System.exit(2);
        }
        Path file = Path.of(args[0]);
        long best = Long.MAX_VALUE;
        double sink = 0;
        for (int run = 0; run < 8; run++) {
            long t0 = System.nanoTime();
            long rows = 0;
            try (CsvDataSource s = new CsvDataSource(file, 65_536)) {
                List<String> cols = args.length > 1 ? List.of(args[1].split(",")) : s.columnNames();
                try (ChunkCursor c = s.open(cols, 0)) {
                    for (Chunk k = c.next(); k != null; k = c.next()) {
                        sink += k.column(cols.size() - 1)[k.offset()];
                        rows += k.rows();
                    }
                }
            }
            long t = System.nanoTime() - t0;
            best = Math.min(best, t);
            System.out.printf("run %d: %d rows in %.3f s%n", run, rows, t / 1e9);
        }
        System.out.printf("best %.3f s (checksum %s)%n", best / 1e9, sink);
    }
}
