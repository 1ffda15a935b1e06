package io.streamlsq.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bearer token: a short token file is refused; the generated one is kept across starts; only the exact token passes. */
class TokensTest {
    @TempDir
    Path tmp;

    @Test
    void tokens() throws Exception {
        Path shortFile = tmp.resolve("short");
        Files.writeString(shortFile, "abc\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tokens.read(shortFile));
        assertEquals("--token-file " + shortFile + ": the token has 3 characters; at least 16 are required", e.getMessage());

        Path made = tmp.resolve("token");
        Tokens first = Tokens.readOrCreate(made);
        String token = Files.readString(made).trim();
        assertEquals(64, token.length());
        Tokens.readOrCreate(made);
        assertEquals(token, Files.readString(made).trim(), "a later start reuses the token");
        assertTrue(first.accepts("Bearer " + token));
        assertTrue(first.accepts("bearer " + token));
        for (String wrong : new String[] {null, "", token, "Bearer", "Bearer ", "Basic " + token, "Bearer " + token + "0",
            "Bearer " + token.substring(0, 63), "Bearer " + token.toUpperCase(java.util.Locale.ROOT)}) {
            assertFalse(first.accepts(wrong), String.valueOf(wrong));
        }
    }
}
