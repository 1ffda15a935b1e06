package io.streamlsq.spark;

import io.streamlsq.arrow.ParquetDataSource;
import io.streamlsq.data.DataSource;
import io.streamlsq.data.InvalidRows;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A Parquet file read by {@link ParquetDataSource} with the given chunk size and invalid-row policy. The path must
 * name the same file on the driver and on every executor (a local path in local mode, a shared file system on a
 * cluster); the chunk layout depends only on the file's footer and {@code chunkRows}, so every JVM sees the same
 * chunks.
 */
public record ParquetSourceSpec(String path, InvalidRows policy, int chunkRows) implements SourceSpec {

    public ParquetSourceSpec {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(policy, "policy");
        if (chunkRows < 1) {
            throw new IllegalArgumentException("chunkRows = " + chunkRows + " must be >= 1");
        }
    }

    @Override
    public DataSource open() throws IOException {
        return ParquetDataSource.open(Path.of(path), policy, chunkRows);
    }

    @Override
    public String describe() {
        return path;
    }
}
