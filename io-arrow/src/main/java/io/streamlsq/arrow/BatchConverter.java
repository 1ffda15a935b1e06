package io.streamlsq.arrow;

import io.streamlsq.data.InvalidDataException;
import io.streamlsq.data.InvalidRows;
import java.nio.ByteOrder;
import java.util.List;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.UInt1Vector;
import org.apache.arrow.vector.UInt2Vector;
import org.apache.arrow.vector.UInt4Vector;
import org.apache.arrow.vector.UInt8Vector;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Copies the requested columns of a loaded record batch into the cursor's {@code double[]} buffers:
 * float64 by a bulk copy, float32 and integers converted; applies the null/NaN policy.
 */
final class BatchConverter {
    private final String file;
    private final List<String> names;
    private final InvalidRows policy;
    double[][] columns;

    BatchConverter(String file, List<String> names, InvalidRows policy, int capacity) {
        this.file = file;
        this.names = names;
        this.policy = policy;
        this.columns = new double[names.size()][Math.max(capacity, 1)];
    }

    /** Refuses a requested column that is missing or not numeric, naming it and its type. */
    static int[] resolve(Schema schema, List<String> wanted, String file) {
        int[] idx = new int[wanted.size()];
        List<Field> fields = schema.getFields();
        for (int c = 0; c < idx.length; c++) {
            String name = wanted.get(c);
            int found = -1;
            for (int f = 0; f < fields.size(); f++) {
                if (fields.get(f).getName().equals(name)) {
                    found = f;
                    break;
                }
            }
            if (found < 0) {
                throw new IllegalArgumentException("column '" + name + "' not found in " + file + "; available columns: "
                        + String.join(", ", fields.stream().map(Field::getName).toList()));
            }
            ArrowType t = fields.get(found).getType();
            boolean ok = t instanceof ArrowType.Int
                    || (t instanceof ArrowType.FloatingPoint fp && fp.getPrecision() != FloatingPointPrecision.HALF);
            if (!ok) {
                throw new InvalidDataException(file + ": column '" + name + "' has type " + t
                        + "; only float64, float32 and integer columns can be fitted", -1, name);
            }
            idx[c] = found;
        }
        return idx;
    }

    /**
     * Fills {@link #columns} from the vectors; returns the number of rows kept.
     *
     * @param firstRow row number of the batch's first row in the file (for messages)
     * @param skipped out: skipped[0] += rows dropped by the SKIP policy
     */
    int convert(List<FieldVector> vectors, int rows, long firstRow, long[] skipped) {
        if (columns[0].length < rows) {
            columns = new double[names.size()][rows];
        }
        boolean anyNull = false;
        for (int c = 0; c < vectors.size(); c++) {
            FieldVector v = vectors.get(c);
            copy(v, columns[c], rows);
            if (v.getNullCount() > 0) {
                anyNull = true;
                if (policy == InvalidRows.REFUSE) {
                    for (int i = 0; i < rows; i++) {
                        if (v.isNull(i)) {
                            throw new InvalidDataException(file + ": column '" + names.get(c) + "' is null at row "
                                    + (firstRow + i) + " (use --skip-invalid to skip such rows)", firstRow + i, names.get(c));
                        }
                    }
                }
            }
        }
        if (policy == InvalidRows.REFUSE) {
            return rows;
        }
        int kept = 0;
        for (int i = 0; i < rows; i++) {
            boolean good = true;
            for (int c = 0; c < vectors.size() && good; c++) {
                good = Double.isFinite(columns[c][i]) && !(anyNull && vectors.get(c).isNull(i));
            }
            if (good) {
                if (kept != i) {
                    for (double[] col : columns) {
                        col[kept] = col[i];
                    }
                }
                kept++;
            }
        }
        skipped[0] += rows - kept;
        return kept;
    }

    /** Keeps the rows where every column is finite, in order; returns how many. */
    static int dropNonFinite(double[][] columns, int rows) {
        int kept = 0;
        for (int i = 0; i < rows; i++) {
            boolean good = true;
            for (double[] col : columns) {
                good &= Double.isFinite(col[i]);
            }
            if (good) {
                if (kept != i) {
                    for (double[] col : columns) {
                        col[kept] = col[i];
                    }
                }
                kept++;
            }
        }
        return kept;
    }

    private static void copy(FieldVector v, double[] out, int n) {
        if (v instanceof Float8Vector f) {
            f.getDataBuffer().nioBuffer(0, n * 8).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().get(out, 0, n);
        } else if (v instanceof Float4Vector f) {
            var b = f.getDataBuffer();
            for (int i = 0; i < n; i++) {
                out[i] = b.getFloat(4L * i);
            }
        } else if (v instanceof IntVector iv) {
            var b = iv.getDataBuffer();
            for (int i = 0; i < n; i++) {
                out[i] = b.getInt(4L * i);
            }
        } else if (v instanceof BigIntVector bv) {
            var b = bv.getDataBuffer();
            for (int i = 0; i < n; i++) {
                out[i] = b.getLong(8L * i);
            }
        } else if (v instanceof SmallIntVector s) {
            for (int i = 0; i < n; i++) {
                out[i] = s.isNull(i) ? Double.NaN : s.get(i);
            }
        } else if (v instanceof TinyIntVector t) {
            for (int i = 0; i < n; i++) {
                out[i] = t.isNull(i) ? Double.NaN : t.get(i);
            }
        } else if (v instanceof UInt1Vector u) {
            for (int i = 0; i < n; i++) {
                out[i] = u.isNull(i) ? Double.NaN : u.getValueAsLong(i);
            }
        } else if (v instanceof UInt2Vector u) {
            for (int i = 0; i < n; i++) {
                out[i] = u.isNull(i) ? Double.NaN : u.get(i);
            }
        } else if (v instanceof UInt4Vector u) {
            for (int i = 0; i < n; i++) {
                out[i] = u.isNull(i) ? Double.NaN : u.getValueAsLong(i);
            }
        } else if (v instanceof UInt8Vector u) {
            for (int i = 0; i < n; i++) {
                out[i] = u.isNull(i) ? Double.NaN : u.getObjectNoOverflow(i).doubleValue();
            }
        } else {
            throw new IllegalStateException("unexpected vector " + v.getClass().getSimpleName());
        }
    }
}
