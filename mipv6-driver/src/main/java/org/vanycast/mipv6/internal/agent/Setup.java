package org.vanycast.mipv6.internal.agent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Forks {@code ip}/{@code ip6tables-legacy} inside a namespace. Agent start-up and home
 * registration only (7–40 ms per call); correspondent bindings never come through here.
 */
final class Setup {
    private Setup() {
    }

    static String run(String ns, String... cmd) throws IOException {
        List<String> all = new ArrayList<>();
        if (ns != null && !ns.isEmpty()) {
            all.addAll(List.of("ip", "netns", "exec", ns));
        }
        all.addAll(List.of(cmd));
        Process p = new ProcessBuilder(all).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        try {
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", all) + ": timed out");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", all) + " exited " + p.exitValue() + ": "
                    + new String(out, StandardCharsets.UTF_8).strip());
        }
        return new String(out, StandardCharsets.UTF_8);
    }

    static void quietly(String ns, String... cmd) {
        try {
            run(ns, cmd);
        } catch (IOException e) {
            // Clean-up of something already gone.
        }
    }

    static String a(java.net.InetAddress address) {
        return org.vanycast.mipv6.internal.kernel.Addresses.text(address);
    }
}
