package io.streamlsq.arrow;

import io.streamlsq.data.InvalidDataException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.apache.parquet.column.ColumnReader;
import org.apache.parquet.column.values.ValuesReader;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

/**
 * How the stored values of one Parquet column become doubles, decided once per column from its physical
 * type and its logical-type annotation: floating point as is; signed integers as is; unsigned integers
 * (UINT_32, UINT_64) as unsigned; decimals (INT32, INT64, FIXED_LEN_BYTE_ARRAY, BINARY) as
 * unscaled / 10^scale, correctly rounded to the nearest double; FLOAT16 widened. Every other annotation
 * (timestamps, dates, times, strings, intervals, ...) and every other physical type is refused by
 * {@link #of}, naming it. Immutable.
 */
final class ParquetNumeric {
    enum Kind {
        DOUBLE, FLOAT, INT32, UINT32, INT64, UINT64, DECIMAL_INT32, DECIMAL_INT64, DECIMAL_BYTES, FLOAT16
    }

    private static final double[] POW10 = new double[23];

    static {
        for (int k = 0; k < POW10.length; k++) {
            POW10[k] = Double.parseDouble("1e" + k); // exact: 10^k < 2^53·2^k for k ≤ 22
        }
    }

    final Kind kind;
    /** Decimal scale (0 otherwise). */
    final int scale;
    /** FIXED_LEN_BYTE_ARRAY length; -1 for BINARY; the byte width for the other physical types. */
    final int width;

    private ParquetNumeric(Kind kind, int scale, int width) {
        this.kind = kind;
        this.scale = scale;
        this.width = width;
    }

    /**
     * The conversion for column {@code name}, or an {@link InvalidDataException} naming the file, the column
     * and its type when it is not a number.
     */
    static ParquetNumeric of(Type t, String file, String name) {
        if (!t.isPrimitive() || t.getRepetition() == Type.Repetition.REPEATED) {
            throw refuse(file, name, t.isPrimitive() ? "a repeated (list) column" : "a nested group " + t);
        }
        PrimitiveType p = t.asPrimitiveType();
        LogicalTypeAnnotation a = p.getLogicalTypeAnnotation();
        PrimitiveType.PrimitiveTypeName phys = p.getPrimitiveTypeName();
        if (a instanceof LogicalTypeAnnotation.DecimalLogicalTypeAnnotation d) {
            if (d.getScale() < 0 || d.getScale() > 1000) {
                throw refuse(file, name, phys + " (" + a + ") with an unreadable scale");
            }
            return switch (phys) {
                case INT32 -> new ParquetNumeric(Kind.DECIMAL_INT32, d.getScale(), 4);
                case INT64 -> new ParquetNumeric(Kind.DECIMAL_INT64, d.getScale(), 8);
                case FIXED_LEN_BYTE_ARRAY -> new ParquetNumeric(Kind.DECIMAL_BYTES, d.getScale(), p.getTypeLength());
                case BINARY -> new ParquetNumeric(Kind.DECIMAL_BYTES, d.getScale(), -1);
                default -> throw refuse(file, name, phys + " (" + a + ")");
            };
        }
        if (a instanceof LogicalTypeAnnotation.Float16LogicalTypeAnnotation && phys == PrimitiveType.PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY
                && p.getTypeLength() == 2) {
            return new ParquetNumeric(Kind.FLOAT16, 0, 2);
        }
        boolean plainOrInt = a == null || a instanceof LogicalTypeAnnotation.IntLogicalTypeAnnotation;
        boolean unsigned = a instanceof LogicalTypeAnnotation.IntLogicalTypeAnnotation i && !i.isSigned();
        if (plainOrInt) {
            switch (phys) {
                case DOUBLE:
                    if (a == null) {
                        return new ParquetNumeric(Kind.DOUBLE, 0, 8);
                    }
                    break;
                case FLOAT:
                    if (a == null) {
                        return new ParquetNumeric(Kind.FLOAT, 0, 4);
                    }
                    break;
                case INT32:
                    return new ParquetNumeric(unsigned ? Kind.UINT32 : Kind.INT32, 0, 4);
                case INT64:
                    return new ParquetNumeric(unsigned ? Kind.UINT64 : Kind.INT64, 0, 8);
                default:
                    break;
            }
        }
        throw refuse(file, name, phys + (a == null ? "" : " (" + a + ")"));
    }

    private static InvalidDataException refuse(String file, String name, String type) {
        return new InvalidDataException(file + ": column '" + name + "' has Parquet type " + type
                + "; only numeric columns (floating point, integer, decimal, float16) are read", -1, name);
    }

    /**
     * Converts {@code count} PLAIN-encoded values from {@code b} (positioned at the first) into
     * {@code out[at..at+count)}. One loop per kind; no allocation except for decimals wider than a long.
     * Returns the bytes read; reads past {@code b}'s limit throw (an {@link IndexOutOfBoundsException} or
     * {@link IllegalStateException}), never read other bytes.
     */
    int plain(ByteBuffer b, double[] out, int at, int count) {
        b = b.slice().order(ByteOrder.LITTLE_ENDIAN);
        switch (kind) {
            case DOUBLE -> b.asDoubleBuffer().get(out, at, count);
            case FLOAT -> {
                var f = b.asFloatBuffer();
                for (int k = 0; k < count; k++) {
                    out[at + k] = f.get(k);
                }
            }
            case INT32 -> {
                var f = b.asIntBuffer();
                for (int k = 0; k < count; k++) {
                    out[at + k] = f.get(k);
                }
            }
            case UINT32 -> {
                var f = b.asIntBuffer();
                for (int k = 0; k < count; k++) {
                    out[at + k] = f.get(k) & 0xffffffffL;
                }
            }
            case DECIMAL_INT32 -> {
                var f = b.asIntBuffer();
                double p = POW10[scale <= 22 ? scale : 0];
                for (int k = 0; k < count; k++) {
                    out[at + k] = scale <= 22 ? f.get(k) / p : decimal(f.get(k), scale);
                }
            }
            case INT64 -> {
                var f = b.asLongBuffer();
                for (int k = 0; k < count; k++) {
                    out[at + k] = f.get(k);
                }
            }
            case UINT64 -> {
                var f = b.asLongBuffer();
                for (int k = 0; k < count; k++) {
                    out[at + k] = unsigned(f.get(k));
                }
            }
            case DECIMAL_INT64 -> {
                var f = b.asLongBuffer();
                for (int k = 0; k < count; k++) {
                    out[at + k] = decimal(f.get(k), scale);
                }
            }
            case FLOAT16 -> {
                for (int k = 0; k < count; k++) {
                    out[at + k] = float16(b.getShort(2 * k));
                }
            }
            case DECIMAL_BYTES -> {
                int pos = 0;
                for (int k = 0; k < count; k++) {
                    int len = width;
                    if (len < 0) {
                        len = b.getInt(pos);
                        pos += 4;
                        if (len < 0 || len > b.limit() - pos) {
                            throw new IllegalStateException("a decimal value of " + len + " bytes at page offset " + pos
                                    + " runs past its page");
                        }
                    }
                    if (len > b.limit() - pos) {
                        throw new IllegalStateException("a decimal value of " + len + " bytes at page offset " + pos
                                + " runs past its page");
                    }
                    out[at + k] = decimal(b, pos, len, scale);
                    pos += len;
                }
                return pos;
            }
        }
        return count * width;
    }

    /** The next value of a values reader (the encodings without a bulk path). */
    double read(ValuesReader r) {
        return switch (kind) {
            case DOUBLE -> r.readDouble();
            case FLOAT -> r.readFloat();
            case INT32 -> r.readInteger();
            case UINT32 -> r.readInteger() & 0xffffffffL;
            case DECIMAL_INT32 -> decimal(r.readInteger(), scale);
            case INT64 -> r.readLong();
            case UINT64 -> unsigned(r.readLong());
            case DECIMAL_INT64 -> decimal(r.readLong(), scale);
            case FLOAT16, DECIMAL_BYTES -> ofBinary(r.readBytes());
        };
    }

    /** The current (non-null) value of a column reader. */
    double read(ColumnReader r) {
        return switch (kind) {
            case DOUBLE -> r.getDouble();
            case FLOAT -> r.getFloat();
            case INT32 -> r.getInteger();
            case UINT32 -> r.getInteger() & 0xffffffffL;
            case DECIMAL_INT32 -> decimal(r.getInteger(), scale);
            case INT64 -> r.getLong();
            case UINT64 -> unsigned(r.getLong());
            case DECIMAL_INT64 -> decimal(r.getLong(), scale);
            case FLOAT16, DECIMAL_BYTES -> ofBinary(r.getBinary());
        };
    }

    private double ofBinary(Binary v) {
        ByteBuffer b = v.toByteBuffer();
        if (kind == Kind.FLOAT16) {
            if (b.remaining() != 2) {
                throw new IllegalStateException("a float16 value of " + b.remaining() + " bytes");
            }
            return float16(b.order(ByteOrder.LITTLE_ENDIAN).getShort(b.position()));
        }
        return decimal(b, b.position(), b.remaining(), scale);
    }

    /** unscaled · 10^-scale, correctly rounded. */
    static double decimal(long unscaled, int scale) {
        if (scale == 0) {
            return unscaled; // one rounding
        }
        if (scale <= 22 && unscaled >= -(1L << 53) && unscaled <= (1L << 53)) {
            return unscaled / POW10[scale]; // both operands exact: one correctly rounded division
        }
        return BigDecimal.valueOf(unscaled, scale).doubleValue();
    }

    /** A big-endian two's-complement unscaled value of {@code len} bytes at {@code pos}, scaled. */
    static double decimal(ByteBuffer b, int pos, int len, int scale) {
        if (len == 0) {
            return 0;
        }
        int head = len - 8;
        boolean fitsLong = true;
        if (head > 0) {
            // a long holds it if the leading bytes only repeat the sign of the last eight
            byte sign = (byte) (b.get(pos + head) < 0 ? -1 : 0);
            for (int k = 0; k < head && fitsLong; k++) {
                fitsLong = b.get(pos + k) == sign;
            }
        }
        if (!fitsLong) {
            byte[] a = new byte[len];
            b.get(pos, a);
            return new BigDecimal(new BigInteger(a), scale).doubleValue();
        }
        int from = Math.max(0, head);
        long v = b.get(pos + from); // sign-extends the first byte
        for (int k = from + 1; k < len; k++) {
            v = (v << 8) | (b.get(pos + k) & 0xff);
        }
        return decimal(v, scale);
    }

    static double unsigned(long v) {
        return v >= 0 ? v : ((v >>> 1) | (v & 1)) * 2.0; // round to odd, then the exact doubling: one rounding
    }

    /** IEEE 754 binary16 bits to the (exactly representable) double. */
    static double float16(short bits) {
        int h = bits & 0xffff;
        int exp = (h >>> 10) & 0x1f;
        int mant = h & 0x3ff;
        double v;
        if (exp == 0) {
            v = mant * 0x1p-24;
        } else if (exp == 31) {
            v = mant == 0 ? Double.POSITIVE_INFINITY : Double.NaN;
        } else {
            v = Math.scalb((double) (1024 + mant), exp - 25);
        }
        return (h & 0x8000) != 0 ? -v : v;
    }
}
