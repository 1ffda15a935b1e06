package io.streamlsq.bench;

import io.streamlsq.data.Chunk;
import io.streamlsq.data.ChunkCursor;
import io.streamlsq.data.DataSource;
import io.streamlsq.data.InMemoryDataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Benchmark data helpers. */
final class Data {
    private Data() {
    }

    /** Copies every row of {@code source} into arrays. */
    static InMemoryDataSource materialize(DataSource source, int chunkRows) {
        int n = (int) source.rowCount();
        List<String> cols = source.columnNames();
        Map<String, double[]> data = new LinkedHashMap<>();
        cols.forEach(c -> data.put(c, new double[n]));
        try (ChunkCursor cursor = source.open(cols, 0)) {
            for (Chunk chunk = cursor.next(); chunk != null; chunk = cursor.next()) {
                for (int c = 0; c < cols.size(); c++) {
                    System.arraycopy(chunk.column(c), chunk.offset(), data.get(cols.get(c)), (int) chunk.firstRow(),
                            chunk.rows());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new InMemoryDataSource(data, chunkRows);
    }
}
