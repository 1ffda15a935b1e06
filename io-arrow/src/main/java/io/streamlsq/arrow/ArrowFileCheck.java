package io.streamlsq.arrow;

import io.streamlsq.data.InvalidDataException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.apache.arrow.flatbuf.Buffer;
import org.apache.arrow.flatbuf.FieldNode;
import org.apache.arrow.flatbuf.Message;
import org.apache.arrow.flatbuf.MessageHeader;
import org.apache.arrow.flatbuf.RecordBatch;
import org.apache.arrow.vector.ipc.message.ArrowBlock;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Checks an Arrow IPC file's frame and footer against the file itself before anything is read through them:
 * the ARROW1 markers (a missing end marker is what truncation looks like), the footer length, each record
 * batch block (in order, not overlapping, inside the data region, its message a record batch whose metadata
 * and body lengths agree with the block, its buffers inside its body and as long as its row count needs),
 * and the footer's schema against the schema message at the start. A footer that fails is refused as
 * damaged, so that it is never read as other bytes.
 */
final class ArrowFileCheck {
    private static final byte[] MAGIC = "ARROW1".getBytes(StandardCharsets.US_ASCII);

    private ArrowFileCheck() {
    }

    /** Checks the markers; returns the offset where the footer starts. */
    static long footerStart(Path path, FileChannel ch, long size) throws IOException {
        byte[] head = read(ch, 0, (int) Math.min(size, 8));
        if (head.length >= 4 && new String(head, 0, 4, StandardCharsets.US_ASCII).equals("FEA1")) {
            throw new InvalidDataException(path + ": Feather V1 is not supported; re-write it as Feather V2 / Arrow IPC "
                    + "(pyarrow.feather.write_feather(..., version=2))");
        }
        if (size < 8 + 10 && prefixOfMagic(head)) {
            throw new InvalidDataException(path + " is too short (" + size + " bytes) to be an Arrow IPC file (truncated?)");
        }
        if (head.length < 6 || !startsWithMagic(head)) {
            boolean stream = head.length >= 4 && ByteBuffer.wrap(head).getInt(0) == -1;
            throw new InvalidDataException(path + " is not an Arrow IPC file (it does not start with ARROW1"
                    + (stream ? "; it looks like an Arrow IPC stream, which is read from a .arrows file" : "") + ")");
        }
        byte[] end = read(ch, size - 6, 6);
        int same = 0;
        for (int k = 0; k < 6 && k < end.length; k++) {
            same += end[k] == MAGIC[k] ? 1 : 0;
        }
        if (size >= 8 + 10 && same >= 4 && same < 6) {
            throw new InvalidDataException(path + ": the ARROW1 marker at its end is damaged (" + (6 - same)
                    + " of its 6 bytes differ)");
        }
        if (size < 8 + 10 || !startsWithMagic(end)) {
            throw new InvalidDataException(path + " is not a complete Arrow IPC file (the ARROW1 marker at its end is "
                    + "missing: truncated?)");
        }
        long footer = ByteBuffer.wrap(read(ch, size - 10, 4)).order(ByteOrder.LITTLE_ENDIAN).getInt() & 0xffffffffL;
        if (footer == 0 || footer > size - 10 - 8) {
            throw new InvalidDataException(path + ": the footer is damaged (its length field says " + footer
                    + " bytes in a file of " + size + ")");
        }
        return size - 10 - footer;
    }

    private static boolean prefixOfMagic(byte[] b) {
        for (int k = 0; k < Math.min(b.length, MAGIC.length); k++) {
            if (b[k] != MAGIC[k]) {
                return false;
            }
        }
        return true;
    }

    private static boolean startsWithMagic(byte[] b) {
        for (int k = 0; k < MAGIC.length; k++) {
            if (b[k] != MAGIC[k]) {
                return false;
            }
        }
        return true;
    }

    private static byte[] read(FileChannel ch, long at, int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n);
        while (b.hasRemaining()) {
            int r = ch.read(b, at + b.position());
            if (r < 0) {
                break;
            }
        }
        return java.util.Arrays.copyOf(b.array(), b.position());
    }

    /** The message at {@code offset}: its prefix length (4 or 8) and flatbuffer length, or null. */
    private static long[] prefix(FileChannel ch, long offset) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(read(ch, offset, 8)).order(ByteOrder.LITTLE_ENDIAN);
        if (b.limit() < 8) {
            return null;
        }
        int first = b.getInt(0);
        return first == -1 ? new long[] {8, b.getInt(4)} : new long[] {4, first};
    }

    private static Message message(FileChannel ch, long offset, long[] prefix) throws IOException {
        byte[] fb = read(ch, offset + prefix[0], (int) prefix[1]);
        return Message.getRootAsMessage(ByteBuffer.wrap(fb).order(ByteOrder.LITTLE_ENDIAN));
    }

    /**
     * The messages the footer lists (dictionaries and record batches) must follow one another from the end of
     * the schema message to the end-of-stream marker before the footer: a gap means a damaged footer that lost
     * a batch (read, it would silently drop rows).
     */
    static void contiguous(Path path, FileChannel ch, List<ArrowBlock> dictionaries, List<ArrowBlock> batches,
            long footerStart) throws IOException {
        long[] p = prefix(ch, 8);
        long expected = 8 + p[0] + p[1];
        List<ArrowBlock> all = new java.util.ArrayList<>(dictionaries);
        all.addAll(batches);
        all.sort(java.util.Comparator.comparingLong(ArrowBlock::getOffset));
        for (ArrowBlock b : all) {
            if (b.getOffset() != expected) {
                throw new InvalidDataException(path + ": the footer is damaged (it lists a message at offset "
                        + b.getOffset() + " where the previous one ends at " + expected + ")");
            }
            expected = b.getOffset() + b.getMetadataLength() + b.getBodyLength();
        }
        long rest = footerStart - expected;
        byte[] eos = read(ch, expected, (int) Math.max(0, Math.min(rest, 8)));
        boolean marker = (rest == 8 && ByteBuffer.wrap(eos).getLong() == 0xFFFFFFFF00000000L)
                || (rest == 4 && ByteBuffer.wrap(eos).getInt() == 0) || rest == 0;
        if (!marker) {
            throw new InvalidDataException(path + ": the footer is damaged (the messages it lists end at offset " + expected
                    + ", but the data run to " + footerStart + ": a record batch is missing from it)");
        }
    }

    /** The footer's schema must be the schema message's (at offset 8), dictionary-encoded fields by name only. */
    static void sameSchema(Path path, FileChannel ch, Schema footer, long footerStart) throws IOException {
        long[] p = prefix(ch, 8);
        if (p == null || p[1] <= 0 || 8 + p[0] + p[1] > footerStart) {
            throw new InvalidDataException(path + ": the schema message at the start of the file is damaged");
        }
        Message m = message(ch, 8, p);
        if (m.headerType() != MessageHeader.Schema) {
            throw new InvalidDataException(path + ": the file does not start with a schema message (damaged)");
        }
        Schema start = MessageSerializer.deserializeSchema(m);
        if (!sameFields(start.getFields(), footer.getFields())) {
            throw new InvalidDataException(path + ": the footer is damaged (its schema " + footer
                    + " differs from the schema at the start of the file, " + start + ")");
        }
    }

    private static boolean sameFields(List<Field> a, List<Field> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int k = 0; k < a.size(); k++) {
            Field x = a.get(k);
            Field y = b.get(k);
            if (!x.getName().equals(y.getName()) || (x.getDictionary() == null) != (y.getDictionary() == null)) {
                return false;
            }
            if (x.getDictionary() == null && (!x.getType().equals(y.getType()) || x.isNullable() != y.isNullable()
                    || !sameFields(x.getChildren(), y.getChildren()))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Checks record batch {@code k}'s block and message; returns its metadata.
     *
     * @param previousEnd where the previous block ends (the first may start after the schema message)
     */
    static RecordBatch block(Path path, FileChannel ch, int k, ArrowBlock b, long previousEnd, long footerStart,
            Schema schema) throws IOException {
        long offset = b.getOffset();
        long end = offset + b.getMetadataLength() + b.getBodyLength();
        if (offset < 8 || offset % 8 != 0 || b.getMetadataLength() <= 8 || b.getBodyLength() < 0 || offset < previousEnd
                || end > footerStart || end < offset) {
            throw damaged(path, k, "the footer places it at bytes " + offset + ".." + end + " (metadata "
                    + b.getMetadataLength() + ", body " + b.getBodyLength() + "), which is not after the previous batch ("
                    + previousEnd + ") and inside the data region (8.." + footerStart + ")");
        }
        long[] p = prefix(ch, offset);
        if (p == null || p[1] <= 0 || p[0] + p[1] != b.getMetadataLength()) {
            throw damaged(path, k, "its message at offset " + offset + " does not have the " + b.getMetadataLength()
                    + " bytes of metadata the footer gives");
        }
        Message m = message(ch, offset, p);
        RecordBatch rb = m.headerType() == MessageHeader.RecordBatch ? (RecordBatch) m.header(new RecordBatch()) : null;
        if (rb == null) {
            throw damaged(path, k, "the footer points at offset " + offset + ", which holds no record batch");
        }
        if (m.bodyLength() != b.getBodyLength()) {
            throw damaged(path, k, "its message has a body of " + m.bodyLength() + " bytes, the footer says "
                    + b.getBodyLength());
        }
        if (rb.length() < 0 || rb.length() > Integer.MAX_VALUE - 8) {
            throw damaged(path, k, "its row count " + rb.length() + " is out of range");
        }
        checkBuffers(path, k, rb, schema, b.getBodyLength());
        return rb;
    }

    /** Nodes as many as the (flattened) fields; buffers inside the body; flat fixed-width columns long enough. */
    private static void checkBuffers(Path path, int k, RecordBatch rb, Schema schema, long body) {
        if (rb.nodesLength() != flatCount(schema.getFields())) {
            throw damaged(path, k, "it has " + rb.nodesLength() + " field nodes for " + flatCount(schema.getFields())
                    + " fields");
        }
        for (int i = 0; i < rb.buffersLength(); i++) {
            Buffer buf = rb.buffers(i);
            if (buf.offset() < 0 || buf.length() < 0 || buf.offset() + buf.length() > body) {
                throw damaged(path, k, "its buffer " + i + " (" + buf.offset() + " + " + buf.length()
                        + ") lies outside its body of " + body + " bytes");
            }
        }
        List<Field> fields = schema.getFields();
        int buffer = 0;
        for (int f = 0; f < fields.size(); f++) {
            int count = MappedBatches.bufferCount(fields.get(f));
            if (count < 0) {
                return; // nested: the stock reader checks the rest
            }
            FieldNode node = rb.nodes(f);
            if (node.length() != rb.length() || node.nullCount() < 0 || node.nullCount() > node.length()) {
                throw damaged(path, k, "column '" + fields.get(f).getName() + "' has " + node.length() + " rows and "
                        + node.nullCount() + " nulls in a batch of " + rb.length() + " rows");
            }
            int width = width(fields.get(f));
            if (rb.compression() == null && count == 2 && width > 0 && buffer + 1 < rb.buffersLength()) {
                long need = node.length() * width;
                long have = rb.buffers(buffer + 1).length();
                long validity = rb.buffers(buffer).length();
                if (have < need || (node.nullCount() > 0 && validity < (node.length() + 7) / 8)) {
                    throw damaged(path, k, "column '" + fields.get(f).getName() + "' has buffers of " + validity + " and "
                            + have + " bytes for " + node.length() + " values of " + width + " bytes");
                }
            }
            buffer += count;
        }
    }

    private static int width(Field f) {
        if (f.getDictionary() != null) {
            return f.getDictionary().getIndexType().getBitWidth() / 8;
        }
        ArrowType t = f.getType();
        if (t instanceof ArrowType.Int i) {
            return i.getBitWidth() / 8;
        }
        if (t instanceof ArrowType.FloatingPoint fp) {
            return fp.getPrecision() == FloatingPointPrecision.HALF ? 2 : fp.getPrecision() == FloatingPointPrecision.SINGLE ? 4 : 8;
        }
        if (t instanceof ArrowType.Decimal d) {
            return d.getBitWidth() / 8;
        }
        return 0;
    }

    private static int flatCount(List<Field> fields) {
        int n = 0;
        for (Field f : fields) {
            n += 1 + flatCount(f.getChildren());
        }
        return n;
    }

    private static InvalidDataException damaged(Path path, int k, String what) {
        return new InvalidDataException(path + ": the footer or record batch " + k + " is damaged: " + what);
    }
}
