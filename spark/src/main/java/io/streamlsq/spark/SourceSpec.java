package io.streamlsq.spark;

import io.streamlsq.data.DataSource;
import java.io.IOException;
import java.io.Serializable;

/**
 * A data source as something that can be opened again on an executor, giving the same rows in the same chunks as on
 * the driver: a Parquet path with its chunk size and invalid-row policy, or the partitions of a Dataset.
 */
public interface SourceSpec extends Serializable {

    /** Opens the source in this JVM. The caller closes it. */
    DataSource open() throws IOException;

    /** For messages. */
    String describe();
}
