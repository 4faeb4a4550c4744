package org.vanycast.node.internal.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A started node never outlives the JVM that started it, however that JVM ends short of a crash. */
class NodeProcessTest {
    /** Stands in for {@code vanycast node}: says it listens, then waits (the arguments after the script are ignored). */
    static final List<String> FAKE_NODE = List.of("sh", "-c", "echo listening on [::1]:8080; exec sleep 300");

    @TempDir
    Path dir;

    @Test
    void shouldStopTheNodeOnClose() throws Exception {
        NodeProcess node = NodeProcess.start(Path.of("/nonexistent"), FAKE_NODE, List.of(), dir.resolve("node.log"), 10_000);
        assertTrue(node.isAlive());
        node.close();
        assertFalse(node.isAlive());
    }

    @Test
    void shouldStopTheNodeWhenTheStartingJvmIsStoppedBySignal() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process holder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Holder.class.getName(),
                dir.resolve("node.log").toString()).redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            assertTrue(line != null && line.startsWith("node "), "the holder's first line: " + line);
            long pid = Long.parseLong(line.substring(5).trim());
            assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "the node runs");

            holder.destroy(); // SIGTERM, as `kill` or a stopping service manager sends it
            assertTrue(holder.waitFor(30, TimeUnit.SECONDS), "the holder stops");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertEquals(false, ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false),
                    "the node stopped with the JVM that started it");
        } finally {
            holder.destroyForcibly();
        }
    }

    /** A JVM that starts a node and waits to be stopped. */
    public static final class Holder {
        public static void main(String[] args) throws Exception {
            NodeProcess node = NodeProcess.start(Path.of("/nonexistent"), FAKE_NODE, List.of(), Path.of(args[0]), 10_000);
            System.out.println("node " + node.pid());
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
        }
    }
}
