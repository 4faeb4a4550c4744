package org.vanycast.node.internal.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad configuration stops the node before any framework starts: one line, exit status != 0. */
class NodeMainTest {

    @TempDir
    Path home;
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream savedErr;

    @BeforeEach
    void captureStderr() throws Exception {
        for (String folder : new String[] {"data", "deploy", "etc"}) {
            Files.createDirectories(home.resolve(folder));
        }
        savedErr = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restoreStderr() {
        System.setErr(savedErr);
    }

    private String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void shouldExitWithUsageStatusOnUnknownFlag() {
        assertEquals(2, NodeMain.run(new String[] {"--home", home.toString(), "--bogus", "1"}));
        assertTrue(stderr().contains("unknown argument --bogus"), stderr());
    }

    @Test
    void shouldExitWithUsageStatusOnMissingFlagValue() {
        assertEquals(2, NodeMain.run(new String[] {"--home", home.toString(), "--port"}));
        assertTrue(stderr().contains("missing value for --port"), stderr());
    }

    @Test
    void shouldReportMissingConfigFileInOneLine() {
        assertEquals(2, NodeMain.run(new String[] {"--home", home.toString(), "--config", home.resolve("x.conf").toString()}));
        assertEquals(1, stderr().strip().lines().count(), stderr());
        assertTrue(stderr().startsWith("vanycast node: configuration file not found"), stderr());
    }

    @Test
    void shouldReportInvalidAddressInOneLine() {
        assertEquals(2, NodeMain.run(new String[] {"--home", home.toString(), "--address", "fd00::g"}));
        assertEquals(1, stderr().strip().lines().count(), stderr());
        assertTrue(stderr().contains("invalid address 'fd00::g'"), stderr());
    }

    @Test
    void shouldReportPortInUseInOneLineWithFailureStatus() throws Exception {
        try (ServerSocketChannel busy = ServerSocketChannel.open()) {
            busy.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int port = ((InetSocketAddress) busy.getLocalAddress()).getPort();
            assertEquals(1, NodeMain.run(new String[] {"--home", home.toString(), "--address", "127.0.0.1", "--port",
                    Integer.toString(port)}));
        }
        assertEquals(1, stderr().strip().lines().count(), stderr());
        assertTrue(stderr().contains("cannot listen on 127.0.0.1:"), stderr());
        assertTrue(stderr().contains("in use"), stderr());
    }
}
