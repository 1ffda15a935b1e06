package io.streamlsq.hdf5;

import io.jhdf.object.datatype.DataType;
import io.jhdf.object.datatype.FixedPoint;
import io.jhdf.object.datatype.FloatingPoint;
import io.jhdf.object.datatype.StringData;
import io.jhdf.object.datatype.VariableLength;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The element types an HDF5 dataset may have to be fitted, decoded from bytes to float64 exactly as the
 * HDF5 library converts them: IEEE half, single and double floats and 8- to 64-bit integers, signed or unsigned,
 * in either byte order. Unsigned 64-bit values at or above 2⁶³ are positive. Anything else (strings, enums,
 * compounds, arrays, bit fields, references, non-IEEE float layouts, integers with padding bits) is refused
 * by {@link #of}, naming the HDF5 type class.
 */
record ElementType(Kind kind, int size, ByteOrder order) {
    enum Kind { FLOAT, SIGNED, UNSIGNED }

    private static final String[] CLASS_NAMES = {"integer", "float", "time", "string", "bit field", "opaque",
        "compound", "reference", "enum", "variable-length", "array"};

    /** The HDF5 type class name of {@code t} ({@code string}, {@code enum}, …) for messages. */
    static String className(DataType t) {
        int c = t.getDataClass();
        return c >= 0 && c < CLASS_NAMES.length ? CLASS_NAMES[c] : "class " + c;
    }

    /**
     * @return the type, or {@code null} if it cannot be fitted ({@link #describe} says why)
     */
    static ElementType of(DataType t) {
        if (t instanceof FloatingPoint f && f.getBitOffset() == 0 && f.getBitPrecision() == 8 * f.getSize()
                && !f.isLowPadding() && !f.isHighPadding() && !f.isInternalPadding() && f.getMantissaNormalization() == 2
                && f.getSignLocation() == 8 * f.getSize() - 1 && f.getMantissaLocation() == 0
                && ieee(f.getSize(), f.getExponentLocation(), f.getExponentSize(), f.getMantissaSize(), f.getExponentBias())) {
            return new ElementType(Kind.FLOAT, f.getSize(), f.getByteOrder());
        }
        if (t instanceof FixedPoint i && (i.getSize() == 1 || i.getSize() == 2 || i.getSize() == 4 || i.getSize() == 8)
                && i.getBitOffset() == 0 && i.getBitPrecision() == 8 * i.getSize() && !i.isLowPadding() && !i.isHighPadding()) {
            return new ElementType(i.isSigned() ? Kind.SIGNED : Kind.UNSIGNED, i.getSize(), i.getByteOrder());
        }
        return null;
    }

    private static boolean ieee(int size, int expLocation, int expSize, int mantissaSize, int bias) {
        return switch (size) {
            case 2 -> expLocation == 10 && expSize == 5 && mantissaSize == 10 && bias == 15;
            case 4 -> expLocation == 23 && expSize == 8 && mantissaSize == 23 && bias == 127;
            case 8 -> expLocation == 52 && expSize == 11 && mantissaSize == 52 && bias == 1023;
            default -> false;
        };
    }

    /** Why {@code t} is refused, e.g. {@code "string (H5T class 3)"} or {@code "float of 16 bits, not IEEE"}. */
    static String describe(DataType t) {
        String name = className(t);
        if (t instanceof VariableLength v && v.isVariableLengthString() || t instanceof StringData) {
            return "string";
        }
        if (t instanceof FloatingPoint || t instanceof FixedPoint) {
            return name + " of " + t.getSize() + " bytes with a layout that is not plain IEEE / two's complement";
        }
        return name;
    }

    /**
     * Decodes {@code n} elements from {@code in} starting at byte {@code from} into {@code out[at…]}.
     * Not modified: {@code in}.
     */
    void decode(ByteBuffer in, int from, double[] out, int at, int n) {
        ByteBuffer b = in.duplicate().order(order);
        for (int i = 0; i < n; i++) {
            int p = from + i * size;
            out[at + i] = switch (kind) {
                case FLOAT -> switch (size) {
                    case 2 -> half(b.getShort(p));
                    case 4 -> b.getFloat(p);
                    default -> b.getDouble(p);
                };
                case SIGNED -> switch (size) {
                    case 1 -> b.get(p);
                    case 2 -> b.getShort(p);
                    case 4 -> b.getInt(p);
                    default -> b.getLong(p);
                };
                case UNSIGNED -> switch (size) {
                    case 1 -> b.get(p) & 0xff;
                    case 2 -> b.getShort(p) & 0xffff;
                    case 4 -> b.getInt(p) & 0xffffffffL;
                    default -> unsigned(b.getLong(p));
                };
            };
        }
    }

    /** An unsigned 64-bit value, correctly rounded to the nearest double. */
    static double unsigned(long v) {
        if (v >= 0) {
            return v;
        }
        // halve with the lost bit kept as a sticky bit so the rounding is the same as of the exact value
        return 2.0 * ((v >>> 1) | (v & 1));
    }

    /** IEEE binary16 to double (exact). */
    static double half(short h) {
        int sign = (h >> 15) & 1;
        int exp = (h >> 10) & 0x1f;
        int mant = h & 0x3ff;
        double v;
        if (exp == 0) {
            v = Math.scalb((double) mant, -24);
        } else if (exp == 31) {
            v = mant == 0 ? Double.POSITIVE_INFINITY : Double.NaN;
        } else {
            v = Math.scalb((double) (mant | 0x400), exp - 25);
        }
        return sign == 0 ? v : -v;
    }
}
