package io.streamlsq.hdf5;

import io.jhdf.WritableHdfFile;
import java.lang.reflect.Field;
import java.nio.channels.FileChannel;

/**
 * A work-around for jhdf 0.13's writer, shared by the checkpoint store and {@link Hdf5Writer}; not an API.
 * {@code WritableHdfFile.close()} writes the file and closes its channel only if that write succeeds: after a
 * failure (a full disk) the channel stays open, so the space of the deleted temporary file is not given back
 * until the process ends. {@link #closeAfterFailure} closes it.
 */
public final class JhdfWriting {
    private JhdfWriting() {
    }

    /** Closes the file channel of {@code f} after its {@code close()} failed; never throws. */
    public static void closeAfterFailure(WritableHdfFile f) {
        try {
            Field field = WritableHdfFile.class.getDeclaredField("fileChannel");
            field.setAccessible(true);
            ((FileChannel) field.get(f)).close();
        } catch (ReflectiveOperationException | RuntimeException | java.io.IOException e) {
            // another jhdf version: nothing more to do than jhdf itself does
        }
    }
}
