package io.streamlsq.checkpoint;

import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import io.jhdf.api.WritableGroup;
import io.jhdf.api.WritableNode;
import io.jhdf.exceptions.HdfException;
import io.streamlsq.resume.CorruptCheckpointException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * An HDF5 file as a tree of paths held in memory: datasets ({@code Double}, {@code Long}, {@code String},
 * {@code double[]}, {@code double[][]}, {@code long[]}, {@code int[]}, {@code String[]}) and attributes
 * ({@code String}, {@code Long}, {@code Double}). Written with jhdf, read back whole, and sealed by a
 * SHA-256 of every value in path order ({@link #DIGEST} on the root), which catches damage no HDF5
 * structure check sees. jhdf's limits are kept here: no empty group, no empty array, no byte dataset.
 */
final class H5Tree {
    static final String DIGEST = "content_sha256";
    /** Root attributes left out of the digest: the digest itself and the one jhdf adds. */
    private static final java.util.Set<String> UNSEALED = java.util.Set.of(DIGEST, "_jHDF");

    private final Map<String, Object> datasets = new LinkedHashMap<>();
    private final Map<String, Map<String, Object>> attributes = new LinkedHashMap<>();

    /** Puts a dataset at {@code path} ("/group/name"); an empty array is left out (jhdf cannot write it). */
    H5Tree put(String path, Object value) {
        if (value == null || isEmptyArray(value)) {
            return this;
        }
        datasets.put(path, value);
        return this;
    }

    /** Puts an attribute on the group or dataset at {@code path} ("/" for the root). */
    H5Tree attr(String path, String name, Object value) {
        if (value != null) {
            attributes.computeIfAbsent(path, k -> new LinkedHashMap<>()).put(name, value);
        }
        return this;
    }

    boolean has(String path) {
        return datasets.containsKey(path);
    }

    Object get(String path) {
        return datasets.get(path);
    }

    Object attribute(String path, String name) {
        Map<String, Object> a = attributes.get(path);
        return a == null ? null : a.get(name);
    }

    boolean hasGroup(String path) {
        String prefix = path.endsWith("/") ? path : path + "/";
        return attributes.containsKey(path) || datasets.keySet().stream().anyMatch(k -> k.startsWith(prefix));
    }

    /** Names of the datasets directly under {@code group}, in order. */
    java.util.List<String> children(String group) {
        String prefix = group + "/";
        return datasets.keySet().stream().filter(k -> k.startsWith(prefix) && k.indexOf('/', prefix.length()) < 0)
                .map(k -> k.substring(prefix.length())).sorted().toList();
    }

    /** SHA-256 (hex) of every dataset and attribute but the unsealed ones, in path order. */
    String digest() {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        for (Map.Entry<String, Object> e : new TreeMap<>(datasets).entrySet()) {
            feed(md, "D" + e.getKey(), e.getValue());
        }
        for (Map.Entry<String, Map<String, Object>> g : new TreeMap<>(attributes).entrySet()) {
            for (Map.Entry<String, Object> a : new TreeMap<>(g.getValue()).entrySet()) {
                if (g.getKey().equals("/") && UNSEALED.contains(a.getKey())) {
                    continue;
                }
                feed(md, "A" + g.getKey() + "@" + a.getKey(), a.getValue());
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** Writes the tree to {@code file} (a new file) with its digest on the root. */
    void write(Path file) {
        attr("/", DIGEST, digest());
        WritableHdfFile f = HdfFile.write(file);
        try {
            Map<String, WritableGroup> groups = new LinkedHashMap<>();
            for (Map.Entry<String, Object> e : datasets.entrySet()) {
                String path = e.getKey();
                int cut = path.lastIndexOf('/');
                WritableGroup g = group(f, groups, path.substring(0, cut));
                WritableNode d = g.putDataset(path.substring(cut + 1), e.getValue());
                putAttributes(d, attributes.get(path));
            }
            for (Map.Entry<String, Map<String, Object>> e : attributes.entrySet()) {
                if (!datasets.containsKey(e.getKey())) {
                    putAttributes(e.getKey().equals("/") ? f : group(f, groups, e.getKey()), e.getValue());
                }
            }
            f.close();
        } catch (RuntimeException e) {
            io.streamlsq.hdf5.JhdfWriting.closeAfterFailure(f);
            throw e;
        }
    }

    private static void putAttributes(WritableNode node, Map<String, Object> attrs) {
        if (attrs != null) {
            attrs.forEach(node::putAttribute);
        }
    }

    private static WritableGroup group(WritableHdfFile f, Map<String, WritableGroup> groups, String path) {
        if (path.isEmpty() || path.equals("/")) {
            return f;
        }
        WritableGroup g = groups.get(path);
        if (g == null) {
            int cut = path.lastIndexOf('/');
            g = group(f, groups, path.substring(0, cut)).putGroup(path.substring(cut + 1));
            groups.put(path, g);
        }
        return g;
    }

    /**
     * Reads {@code file} whole and checks its HDF5 signature and structure and the end-of-file address
     * against the size (jhdf itself misses a file cut short by a few bytes); {@link #verify} checks the digest.
     *
     * @throws CorruptCheckpointException naming the file and what is wrong with it
     */
    static H5Tree read(Path file) throws java.io.IOException {
        long size = Files.size(file);
        H5Tree t = new H5Tree();
        try (HdfFile f = new HdfFile(file)) {
            long eof = f.getHdfBackingStorage().getSuperblock().getEndOfFileAddress();
            if (eof != size) {
                throw new CorruptCheckpointException(file + " is truncated or has trailing bytes: its HDF5 superblock "
                        + "says the file ends at byte " + eof + " but it has " + size + " bytes");
            }
            walk(f, t);
        } catch (HdfException | IllegalArgumentException | IllegalStateException | ClassCastException | ArithmeticException
                | IndexOutOfBoundsException | NegativeArraySizeException | java.nio.BufferUnderflowException
                | StackOverflowError e) {
            throw new CorruptCheckpointException(file + " is not a readable HDF5 file (truncated or damaged): "
                    + e.getMessage(), e);
        } catch (OutOfMemoryError e) {
            // a damaged length in an object header makes jhdf allocate that many bytes; a checkpoint is small
            throw new CorruptCheckpointException(file + " is not a readable HDF5 file (damaged): a length in its "
                    + "metadata asks for more memory than the heap has", e);
        }
        return t;
    }

    /**
     * Checks the digest.
     *
     * @throws CorruptCheckpointException if there is none or it does not match the contents
     */
    void verify(Path file) throws CorruptCheckpointException {
        Object stored = attribute("/", DIGEST);
        if (!(stored instanceof String s)) {
            throw new CorruptCheckpointException(file + " has no " + DIGEST + " attribute: not a StreamLSQ checkpoint "
                    + "or written by a version that did not seal its files");
        }
        String actual = digest();
        if (!actual.equals(s)) {
            throw new CorruptCheckpointException(file + " is damaged: the SHA-256 of its contents is " + actual
                    + " but the file says " + s);
        }
    }

    private static void walk(Group g, H5Tree t) {
        String base = g.getPath().equals("/") ? "/" : "/" + trim(g.getPath());
        readAttributes(g, base, t);
        for (Node n : g.getChildren().values()) {
            if (n instanceof Group child) {
                walk(child, t);
            } else if (n instanceof Dataset d) {
                String path = "/" + trim(d.getPath());
                t.datasets.put(path, d.getData());
                readAttributes(d, path, t);
            }
        }
    }

    private static void readAttributes(Node n, String path, H5Tree t) {
        for (Map.Entry<String, Attribute> a : n.getAttributes().entrySet()) {
            t.attributes.computeIfAbsent(path, k -> new LinkedHashMap<>()).put(a.getKey(), a.getValue().getData());
        }
    }

    private static String trim(String p) {
        String s = p.startsWith("/") ? p.substring(1) : p;
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    private static boolean isEmptyArray(Object v) {
        return v.getClass().isArray() && java.lang.reflect.Array.getLength(v) == 0;
    }

    private static void feed(MessageDigest md, String key, Object v) {
        md.update(key.getBytes(StandardCharsets.UTF_8));
        md.update((byte) 0);
        if (v instanceof Double d) {
            longBytes(md, 'd', Double.doubleToRawLongBits(d));
        } else if (v instanceof Long l) {
            longBytes(md, 'l', l);
        } else if (v instanceof Integer i) {
            longBytes(md, 'l', i);
        } else if (v instanceof String s) {
            text(md, s);
        } else if (v instanceof double[] a) {
            longBytes(md, 'n', a.length);
            for (double x : a) {
                longBytes(md, 'd', Double.doubleToRawLongBits(x));
            }
        } else if (v instanceof double[][] m) {
            longBytes(md, 'm', m.length);
            for (double[] row : m) {
                feed(md, "", row);
            }
        } else if (v instanceof long[] a) {
            longBytes(md, 'n', a.length);
            for (long x : a) {
                longBytes(md, 'l', x);
            }
        } else if (v instanceof int[] a) {
            longBytes(md, 'n', a.length);
            for (int x : a) {
                longBytes(md, 'i', x);
            }
        } else if (v instanceof String[] a) {
            longBytes(md, 'n', a.length);
            for (String s : a) {
                text(md, s);
            }
        } else {
            throw new IllegalArgumentException("no digest for a value of type " + v.getClass().getName() + " at " + key);
        }
    }

    private static void text(MessageDigest md, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        longBytes(md, 's', b.length);
        md.update(b);
    }

    private static void longBytes(MessageDigest md, char tag, long v) {
        md.update((byte) tag);
        for (int i = 0; i < 8; i++) {
            md.update((byte) (v >>> (8 * i)));
        }
    }
}
