package org.vanycast.node.internal.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A network namespace of our own (set-up only: forks {@code ip}), with loopback up and a veth
 * pair whose one end carries the node's ULA address. Deleted by {@link #close()}.
 */
public final class Namespace implements AutoCloseable {

    private static final AtomicInteger COUNTER = new AtomicInteger();

    private final String name;

    private Namespace(String name) {
        this.name = name;
    }

    /** A new namespace named {@code <prefix><pid>-<n>} so parallel runs do not collide. */
    public static Namespace create(String prefix) throws IOException, InterruptedException {
        String name = prefix + ProcessHandle.current().pid() + "-" + COUNTER.incrementAndGet();
        run("ip", "netns", "add", name);
        Namespace ns = new Namespace(name);
        try {
            ns.ip("link", "set", "lo", "up");
        } catch (IOException | InterruptedException e) {
            ns.close();
            throw e;
        }
        return ns;
    }

    public String name() {
        return name;
    }

    /** {@code ip -n NS args...}. */
    public String ip(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("ip", "-n", name));
        command.addAll(List.of(args));
        return run(command.toArray(new String[0]));
    }

    /** The prefix that runs a command inside this namespace. */
    public List<String> execPrefix() {
        return List.of("ip", "netns", "exec", name);
    }

    /** Runs a command inside the namespace and returns its standard output. */
    public String exec(String... command) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>(execPrefix());
        full.addAll(List.of(command));
        return run(full.toArray(new String[0]));
    }

    /** Whether {@code address} (text as {@code ip} prints it) is configured on any interface. */
    public boolean hasInterfaceAddress(String address) throws IOException, InterruptedException {
        for (String line : ip("-6", "-o", "addr", "show").lines().toList()) {
            String[] fields = line.trim().split("\\s+");
            for (int i = 0; i + 1 < fields.length; i++) {
                if (fields[i].equals("inet6") && fields[i + 1].startsWith(address + "/")) {
                    return true;
                }
            }
        }
        return false;
    }

    @Override
    public void close() throws InterruptedException {
        try {
            run("ip", "netns", "del", name);
        } catch (IOException e) {
            // already gone: nothing left to clean
        }
    }

    static String run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException(String.join(" ", command) + ": timed out");
        }
        String text = new String(output, StandardCharsets.UTF_8);
        if (process.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed (" + process.exitValue() + "): " + text.strip());
        }
        return text;
    }
}
