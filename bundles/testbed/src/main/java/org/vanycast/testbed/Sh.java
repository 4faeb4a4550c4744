package org.vanycast.testbed;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Forks a set-up tool ({@code ip}, {@code tc}, {@code ip6tables-legacy}, {@code sysctl}).
 * Only for building and tearing down the testbed: forking costs 7–40 ms, so nothing on a
 * handoff or binding path uses it.
 */
final class Sh {
    private Sh() {
    }

    /** Runs {@code cmd}; returns its output, or throws with the output when it fails. */
    static String run(String... cmd) throws IOException {
        return run(List.of(cmd));
    }

    static String run(List<String> cmd) throws IOException {
        Result r = tryRun(cmd);
        if (r.exit != 0) {
            throw new IOException(String.join(" ", cmd) + " exited " + r.exit + ": " + r.output.strip());
        }
        return r.output;
    }

    /** Runs {@code cmd} inside namespace {@code ns}. */
    static String inNs(String ns, String... cmd) throws IOException {
        List<String> all = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        all.addAll(List.of(cmd));
        return run(all);
    }

    static Result tryRun(List<String> cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out;
        try {
            out = p.getInputStream().readAllBytes();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", cmd) + ": timed out");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException("interrupted: " + String.join(" ", cmd), e);
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    record Result(int exit, String output) {
    }
}
