package io.streamlsq.arrow;

import io.streamlsq.data.InvalidDataException;
import io.streamlsq.data.InvalidRows;
import java.nio.ByteOrder;
import java.util.List;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Decimal256Vector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.Float2Vector;
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

    /** Refuses a schema in which two top-level columns have the same name (which one would be read?). */
    static void requireUniqueNames(Schema schema, String file) {
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (Field f : schema.getFields()) {
            if (!seen.add(f.getName())) {
                throw new InvalidDataException(file + ": column name '" + f.getName() + "' appears twice", -1, f.getName());
            }
        }
    }

    /**
     * Refuses a requested column that is missing, not numeric or dictionary-encoded, naming it and its type.
     * Numeric: signed and unsigned integers, float16/32/64, decimal128 and decimal256.
     */
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
            Field field = fields.get(found);
            ArrowType t = field.getType();
            if (field.getDictionary() != null) {
                throw new InvalidDataException(file + ": column '" + name + "' is dictionary-encoded (" + t
                        + " indices into a dictionary); only numeric columns (integer, floating point, decimal) are read, "
                        + "not dictionary-encoded ones: write it as a plain column", -1, name);
            }
            boolean ok = t instanceof ArrowType.Int || t instanceof ArrowType.FloatingPoint
                    || (t instanceof ArrowType.Decimal d && (d.getBitWidth() == 128 || d.getBitWidth() == 256));
            if (!ok) {
                throw new InvalidDataException(file + ": column '" + name + "' has type " + t
                        + "; only numeric columns (integer, floating point, decimal) are read", -1, name);
            }
            idx[c] = found;
        }
        return idx;
    }

    /**
     * Fills {@link #columns} from rows {@code [from, from + rows)} of the vectors (a chunk of a loaded batch);
     * returns the number of rows kept.
     *
     * @param firstRow row number in the file of row {@code from} of the batch (for messages)
     * @param skipped out: skipped[0] += rows dropped by the SKIP policy
     */
    int convert(List<FieldVector> vectors, int from, int rows, long firstRow, long[] skipped) {
        if (columns[0].length < rows) {
            columns = new double[names.size()][rows];
        }
        boolean anyNull = false;
        for (int c = 0; c < vectors.size(); c++) {
            FieldVector v = vectors.get(c);
            copy(v, from, columns[c], rows);
            if (v.getNullCount() > 0) {
                anyNull = true;
                if (policy == InvalidRows.REFUSE) {
                    for (int i = 0; i < rows; i++) {
                        if (v.isNull(from + i)) {
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
                good = Double.isFinite(columns[c][i]) && !(anyNull && vectors.get(c).isNull(from + i));
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

    /** Rows {@code [from, from + n)} of {@code v} into {@code out[0..n)}. */
    private static void copy(FieldVector v, int from, double[] out, int n) {
        if (v instanceof Float8Vector f) {
            f.getDataBuffer().nioBuffer(8L * from, n * 8).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().get(out, 0, n);
        } else if (v instanceof Float4Vector f) {
            var b = f.getDataBuffer();
            for (int i = 0; i < n; i++) {
                out[i] = b.getFloat(4L * (from + i));
            }
        } else if (v instanceof IntVector iv) {
            var b = iv.getDataBuffer();
            for (int i = 0; i < n; i++) {
                out[i] = b.getInt(4L * (from + i));
            }
        } else if (v instanceof BigIntVector bv) {
            var b = bv.getDataBuffer();
            for (int i = 0; i < n; i++) {
                out[i] = b.getLong(8L * (from + i));
            }
        } else if (v instanceof SmallIntVector s) {
            var b = s.getDataBuffer();
            for (int i = 0; i < n; i++) {
                out[i] = b.getShort(2L * (from + i));
            }
        } else if (v instanceof TinyIntVector t) {
            var b = t.getDataBuffer();
            for (int i = 0; i < n; i++) {
                out[i] = b.getByte(from + i);
            }
        } else if (v instanceof UInt1Vector u) {
            var b = u.getDataBuffer();
            for (int i = 0; i < n; i++) {
                out[i] = b.getByte(from + i) & 0xff;
            }
        } else if (v instanceof UInt2Vector u) {
            var b = u.getDataBuffer();
            for (int i = 0; i < n; i++) {
                out[i] = b.getShort(2L * (from + i)) & 0xffff;
            }
        } else if (v instanceof UInt4Vector u) {
            var b = u.getDataBuffer();
            for (int i = 0; i < n; i++) {
                out[i] = b.getInt(4L * (from + i)) & 0xffffffffL;
            }
        } else if (v instanceof UInt8Vector u) {
            var b = u.getDataBuffer();
            for (int i = 0; i < n; i++) {
                out[i] = ParquetNumeric.unsigned(b.getLong(8L * (from + i)));
            }
        } else if (v instanceof Float2Vector h) {
            var b = h.getDataBuffer();
            for (int i = 0; i < n; i++) {
                out[i] = ParquetNumeric.float16(b.getShort(2L * (from + i)));
            }
        } else if (v instanceof DecimalVector d) {
            copyDecimal(d, d.getScale(), 2, from, out, n);
        } else if (v instanceof Decimal256Vector d) {
            copyDecimal(d, d.getScale(), 4, from, out, n);
        } else {
            throw new IllegalStateException("unexpected vector " + v.getClass().getSimpleName());
        }
    }

    /**
     * Decimal128 ({@code words} = 2) or decimal256 (4): little-endian two's-complement unscaled values.
     * Those that fit a long (the upper words only repeat its sign) are scaled without allocating; wider ones
     * go through BigDecimal. Either way the result is the correctly rounded double. Null slots are read too
     * (the policy decides about them afterwards).
     */
    private static void copyDecimal(org.apache.arrow.vector.BaseFixedWidthVector d, int scale, int words, int from,
            double[] out, int n) {
        var b = d.getDataBuffer();
        int width = 8 * words;
        for (int i = 0; i < n; i++) {
            long at = (long) width * (from + i);
            long low = b.getLong(at);
            boolean fits = true;
            for (int w = 1; w < words && fits; w++) {
                fits = b.getLong(at + 8L * w) == (low >> 63);
            }
            if (fits) {
                out[i] = ParquetNumeric.decimal(low, scale);
            } else {
                byte[] be = new byte[width];
                for (int k = 0; k < width; k++) {
                    be[k] = b.getByte(at + width - 1 - k);
                }
                out[i] = new java.math.BigDecimal(new java.math.BigInteger(be), scale).doubleValue();
            }
        }
    }
}
