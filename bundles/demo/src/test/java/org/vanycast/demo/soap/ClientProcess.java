package org.vanycast.demo.soap;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A client program run in the client's namespace, spoken to line by line: stdin lines in,
 * stdout lines out (stderr kept for failure messages).
 */
final class ClientProcess implements AutoCloseable {
    private static final String EOF = "\u0000eof";
    private final Process process;
    private final PrintWriter in;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final StringBuffer seen = new StringBuffer();
    private final Path stderr;

    private ClientProcess(Process process, Path stderr) {
        this.process = process;
        this.stderr = stderr;
        this.in = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
        Thread t = new Thread(this::pump, "client-stdout");
        t.setDaemon(true);
        t.start();
    }

    /** Runs {@code /usr/bin/python3 <resource script> args…} in namespace {@code ns}. */
    static ClientProcess python(String ns, String resource, Path work, String... args) throws IOException {
        Path script = work.resolve(resource.substring(resource.lastIndexOf('/') + 1));
        try (InputStream s = ClientProcess.class.getResourceAsStream(resource)) {
            if (s == null) {
                throw new IOException("missing test resource " + resource);
            }
            Files.copy(s, script, StandardCopyOption.REPLACE_EXISTING);
        }
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns, "/usr/bin/python3", script.toString()));
        cmd.addAll(List.of(args));
        Path err = work.resolve(script.getFileName() + ".stderr");
        return new ClientProcess(new ProcessBuilder(cmd).redirectError(err.toFile()).start(), err);
    }

    private void pump() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String l; (l = r.readLine()) != null; ) {
                seen.append(l).append('\n');
                lines.add(l);
            }
        } catch (IOException e) {
            // the process went away; EOF below
        }
        lines.add(EOF);
    }

    void send(String line) {
        in.println(line);
    }

    /** The next stdout line; fails (with everything the client said) on timeout or end of output. */
    String next(long timeoutMillis) throws IOException, InterruptedException {
        String l = lines.poll(timeoutMillis, TimeUnit.MILLISECONDS);
        if (l == null || l.equals(EOF)) {
            if (l != null) {
                lines.add(EOF);
            }
            throw new IOException((l == null ? "no line within " + timeoutMillis + " ms" : "client ended") + "; stdout:\n"
                    + seen + "stderr:\n" + stderrText());
        }
        return l;
    }

    /** Sends one step and returns its answer line, which must start with "OK ". */
    String step(String line, long timeoutMillis) throws IOException, InterruptedException {
        send(line);
        String answer = next(timeoutMillis);
        if (!answer.startsWith("OK ")) {
            throw new AssertionError(line + ": " + answer + "\nstderr:\n" + stderrText());
        }
        return answer;
    }

    int waitFor(long timeoutMillis) throws InterruptedException {
        if (!process.waitFor(timeoutMillis, TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            return -1;
        }
        return process.exitValue();
    }

    String stderrText() {
        try {
            return Files.exists(stderr) ? Files.readString(stderr) : "";
        } catch (IOException e) {
            return "";
        }
    }

    OutputStream stdin() {
        return process.getOutputStream();
    }

    @Override
    public void close() {
        in.close();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
