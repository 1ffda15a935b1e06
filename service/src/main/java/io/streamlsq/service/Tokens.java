package io.streamlsq.service;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/** The bearer token: read from a file, or made once into the state directory (mode 0600); compared in constant time. */
final class Tokens {
    /** Shortest token accepted from a file. */
    static final int MIN_LENGTH = 16;

    private final byte[] digest;

    private Tokens(String token) {
        this.digest = sha256(token);
    }

    /** The token of {@code file} (first line, trimmed). */
    static Tokens read(Path file) throws IOException {
        String t = Files.readString(file, StandardCharsets.UTF_8).lines().findFirst().orElse("").trim();
        if (t.length() < MIN_LENGTH) {
            throw new IllegalArgumentException("--token-file " + file + ": the token has " + t.length()
                    + " characters; at least " + MIN_LENGTH + " are required");
        }
        return new Tokens(t);
    }

    /** The token in {@code file}, made (32 random bytes, hex) with mode 0600 if the file does not exist yet. */
    static Tokens readOrCreate(Path file) throws IOException {
        if (!Files.exists(file)) {
            byte[] b = new byte[32];
            new SecureRandom().nextBytes(b);
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.deleteIfExists(tmp);
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(tmp, HexFormat.of().formatHex(b) + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        }
        return read(file);
    }

    /** Whether the {@code Authorization} header value is {@code Bearer <token>}; constant time in the token. */
    boolean accepts(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        // equal-length digests: MessageDigest.isEqual then takes the same time wherever they differ
        return MessageDigest.isEqual(digest, sha256(authorization.substring(7).trim()));
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
