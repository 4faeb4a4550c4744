package org.vanycast.mipv6.internal.kernel;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test fixture: two fresh network namespaces {@code a} and {@code b} joined by a veth link
 * on {@code fd7e:<n>::/64} (a = ::1, b = ::2), deleted on close even after failures.
 */
public final class TwoHosts implements AutoCloseable {
    private static final AtomicInteger SEQ = new AtomicInteger();
    public final String a;
    public final String b;
    public final String prefix;
    public final Inet6Address addrA;
    public final Inet6Address addrB;

    public TwoHosts() throws IOException {
        int n = SEQ.incrementAndGet();
        String tag = "vctk" + ProcessHandle.current().pid() + "x" + n;
        a = tag + "a";
        b = tag + "b";
        prefix = "fd7e:" + Integer.toHexString((int) (ProcessHandle.current().pid() & 0xffff)) + ":" + n + "::";
        addrA = v6(prefix + "1");
        addrB = v6(prefix + "2");
        try {
            sh("ip", "netns", "add", a);
            sh("ip", "netns", "add", b);
            sh("ip", "-n", a, "link", "set", "dev", "lo", "up");
            sh("ip", "-n", b, "link", "set", "dev", "lo", "up");
            sh("ip", "-n", a, "link", "add", "name", "eth0", "type", "veth", "peer", "name", "eth0", "netns", b);
            sh("ip", "-n", a, "link", "set", "dev", "eth0", "up");
            sh("ip", "-n", b, "link", "set", "dev", "eth0", "up");
            sh("ip", "-n", a, "-6", "addr", "add", prefix + "1/64", "dev", "eth0", "nodad");
            sh("ip", "-n", b, "-6", "addr", "add", prefix + "2/64", "dev", "eth0", "nodad");
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    public static Inet6Address v6(String s) {
        try {
            return (Inet6Address) InetAddress.getByName(s);
        } catch (IOException e) {
            throw new IllegalArgumentException(s, e);
        }
    }

    public static String sh(String... cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", cmd) + ": timed out");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " -> " + p.exitValue() + ": " + out);
        }
        return out;
    }

    @Override
    public void close() {
        List<String> left = new ArrayList<>();
        for (String ns : new String[] {a, b}) {
            try {
                if (NetNs.exists(ns)) {
                    sh("ip", "netns", "del", ns);
                }
            } catch (IOException e) {
                left.add(ns + ": " + e.getMessage());
            }
        }
        if (!left.isEmpty()) {
            throw new IllegalStateException("could not delete " + left);
        }
    }
}
