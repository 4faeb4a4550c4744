package org.vanycast.node.internal.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A node started as its own process through {@code ./vanycast node} (optionally inside a
 * network namespace), its output in a log file. Used by the demo and the end-to-end tests.
 */
public final class NodeProcess implements AutoCloseable {

    private static final String READY = "listening on";

    private final Process process;
    private final Path log;
    private final long startNanos;
    /**
     * Stops the node when this JVM is stopped by a signal before {@link #close()}: a demo or
     * bench killed with SIGTERM removes its testbed in its own shutdown hook, and a node left
     * running would go on inside a namespace that no longer exists.
     */
    private final Thread stopOnExit;

    private NodeProcess(Process process, Path log, long startNanos) {
        this.process = process;
        this.log = log;
        this.startNanos = startNanos;
        this.stopOnExit = new Thread(() -> stop(process, 5), "vanycast-node-process-stop-" + process.pid());
        Runtime.getRuntime().addShutdownHook(stopOnExit);
    }

    /**
     * Starts {@code <repository>/vanycast node args...}, prefixed by {@code wrapper} (e.g.
     * {@code ip netns exec NS}), and waits until it logs where it listens.
     */
    public static NodeProcess start(Path repository, List<String> wrapper, List<String> args, Path log,
            long timeoutMillis) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(wrapper);
        command.add(repository.resolve("vanycast").toString());
        command.add("node");
        command.addAll(args);
        long startNanos = System.nanoTime();
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        NodeProcess node = new NodeProcess(process, log, startNanos);
        long deadline = startNanos + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (System.nanoTime() < deadline) {
            if (node.logText().contains(READY)) {
                return node;
            }
            if (process.waitFor(100, TimeUnit.MILLISECONDS)) {
                throw new IOException("node exited with status " + process.exitValue() + ": " + node.tail());
            }
        }
        node.close();
        throw new IOException("node did not report its listeners within " + timeoutMillis + " ms: " + node.tail());
    }

    /** Milliseconds from process start to the "listening on" line (for reports only). */
    public long startupMillis(long readyNanos) {
        return TimeUnit.NANOSECONDS.toMillis(readyNanos - startNanos);
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public String logText() throws IOException {
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }

    public String tail() throws IOException {
        List<String> lines = logText().lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
    }

    /** SIGTERM (the node stops its framework), then SIGKILL if it does not exit in 20 s. */
    @Override
    public void close() throws InterruptedException {
        try {
            Runtime.getRuntime().removeShutdownHook(stopOnExit);
        } catch (IllegalStateException e) {
            // this JVM is shutting down: the hook stops the node itself
        }
        stop(process, 20);
    }

    private static void stop(Process process, long graceSeconds) {
        process.destroy();
        try {
            if (!process.waitFor(graceSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
