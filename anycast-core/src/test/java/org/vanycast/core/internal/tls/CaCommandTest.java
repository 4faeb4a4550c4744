package org.vanycast.core.internal.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vanycast.core.internal.cli.CaCommandAccess;

class CaCommandTest {
    @TempDir
    Path dir;

    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    int run(String... args) {
        return CaCommandAccess.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void shouldCreateAuthorityAndIssueLoadableNodeCertificate() throws Exception {
        assertEquals(0, run("init", "--dir", dir.toString(), "--group", "demo"));
        assertEquals(0, run("issue", "--dir", dir.toString(), "--node", "node1"));
        NodeCredentials c = NodeCredentials.load(dir, "node1");
        assertEquals("node1", c.nodeName());
        assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
                Files.getPosixFilePermissions(dir.resolve("node1.key")));
        assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
                Files.getPosixFilePermissions(dir.resolve("ca.key")));
        c.sslContext(); // the PEM files make a working TLS context
    }

    @Test
    void shouldRefuseToOverwriteExistingAuthority() {
        assertEquals(0, run("init", "--dir", dir.toString()));
        assertEquals(1, run("init", "--dir", dir.toString()));
        assertTrue(err.toString().contains("already exists"), err.toString());
    }

    @Test
    void shouldAnswerUsageErrorsWithExitTwoAndNoStackTrace() {
        assertEquals(2, run());
        assertEquals(2, run("frobnicate"));
        assertEquals(2, run("issue", "--dir", dir.toString()));
        assertEquals(2, run("issue", "--dir", dir.toString(), "--node", "../etc/passwd"));
        assertEquals(2, run("init", "--dir", dir.toString(), "--days", "-3"));
        assertEquals(2, run("init", "--dir"));
        String e = err.toString();
        assertTrue(e.contains("usage: vanycast ca init"), e);
        assertTrue(!e.contains("Exception") && !e.contains("\tat "), e);
    }

    @Test
    void shouldFailIssueWithoutAuthority() {
        assertEquals(1, run("issue", "--dir", dir.toString(), "--node", "n1"));
        assertTrue(err.toString().contains("vanycast ca issue"), err.toString());
    }
}
