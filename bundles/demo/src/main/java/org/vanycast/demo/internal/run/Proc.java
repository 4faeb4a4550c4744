package org.vanycast.demo.internal.run;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Set-up and inspection commands (never on the handoff path): run, wait with a deadline, return
 * status and output. Public for this module's tests in other packages; the package is not exported.
 */
public final class Proc {
    private Proc() {
    }

    record Result(int exit, String output) {
    }

    /**
     * Runs {@code cmd} and returns its standard output (read to the end before waiting, so a
     * large output cannot stall it; standard error is dropped); fails on a non-zero status or
     * when it has not finished within {@code timeoutMillis} after its output ended.
     */
    public static String output(long timeoutMillis, String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out;
        try (InputStream in = p.getInputStream()) {
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (!p.waitFor(timeoutMillis, TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", cmd) + ": no result within " + timeoutMillis + " ms");
        }
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + ": exit status " + p.exitValue());
        }
        return out;
    }

    static Result inNs(String ns, long timeoutMillis, String... cmd) throws IOException, InterruptedException {
        List<String> all = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        all.addAll(List.of(cmd));
        Process p = new ProcessBuilder(all).redirectErrorStream(true).start();
        if (!p.waitFor(timeoutMillis, TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", cmd) + ": no result within " + timeoutMillis + " ms");
        }
        return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }
}
