package io.streamlsq.hdf5;

import io.streamlsq.data.InvalidDataException;
import java.nio.file.Path;

/**
 * What to say when jhdf fails on a file. jhdf throws {@code HdfException} and a range of other runtime
 * exceptions (IllegalStateException, IllegalArgumentException, ArithmeticException, BufferUnderflowException,
 * NegativeArraySizeException, …) on damaged metadata; they all become one line naming the file.
 */
final class Hdf5Errors {
    private Hdf5Errors() {
    }

    /** A refusal by this reader (a dataset that is not there or cannot be fitted), kept apart from jhdf's exceptions. */
    static final class NotFittable extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        NotFittable(String message) {
            super(message);
        }
    }

    /** jhdf's message and its causes', on one line, e.g. {@code Failed to load children … (Checksum mismatch …)}. */
    static String brief(Throwable e) {
        StringBuilder b = new StringBuilder();
        for (Throwable t = e; t != null && b.length() < 400; t = t.getCause() == t ? null : t.getCause()) {
            String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
            if (b.indexOf(m) >= 0) {
                continue;
            }
            b.append(b.length() == 0 ? "" : " (").append(m);
            if (t != e) {
                b.append(')');
            }
        }
        return b.toString().replaceAll("\\s*[\\r\\n]+\\s*", " ");
    }

    /** {@code FILE: HDF5 metadata is damaged: …}. */
    static InvalidDataException damaged(Path file, Throwable e) {
        if (e instanceof OutOfMemoryError) {
            // a damaged length in the metadata makes jhdf allocate that many bytes at once
            return new InvalidDataException(file + ": HDF5 metadata is damaged: a length in it asks for more memory than "
                    + "the heap has (or the heap is too small for this file)");
        }
        return new InvalidDataException(file + ": HDF5 metadata is damaged: " + brief(e));
    }

    /** Whether {@code e} is one of the failures jhdf shows on a damaged or cut file (everything but our own refusals). */
    static boolean isJhdfFailure(Throwable e) {
        return !(e instanceof InvalidDataException || e instanceof NotFittable)
                && (e instanceof RuntimeException || e instanceof StackOverflowError || e instanceof OutOfMemoryError);
    }
}
