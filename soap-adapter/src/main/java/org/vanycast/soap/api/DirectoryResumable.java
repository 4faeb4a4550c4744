package org.vanycast.soap.api;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;

/**
 * Declares plain file downloads resumable: {@code GET <prefix><file name>} answered with the
 * bytes of {@code <root>/<file name>}, whole or as one {@code Range: bytes=a-b} / {@code a-}
 * range — the paper's static-content case. Every node must hold the same files.
 */
public final class DirectoryResumable implements ResumableResponse {
    private final String name;
    private final String prefix;
    private final Path root;

    public DirectoryResumable(String name, String prefix, Path root) {
        this.name = Objects.requireNonNull(name, "name");
        this.prefix = prefix.endsWith("/") ? prefix : prefix + "/";
        this.root = root.toAbsolutePath().normalize();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean covers(RecordedRequest request) {
        if (!request.method().equals("GET") || !request.path().startsWith(prefix) || request.target().contains("?")) {
            return false;
        }
        Path file = file(request);
        if (file == null || !Files.isRegularFile(file)) {
            return false;
        }
        return request.header("Range").map(r -> range(r) != null).orElse(true);
    }

    @Override
    public InputStream openBody(RecordedRequest request, long bodyOffset) throws IOException {
        Path file = file(request);
        if (file == null) {
            throw new IOException("not a document of " + name + ": " + request.target());
        }
        long size = Files.size(file);
        long first = 0;
        long end = size;
        String header = request.header("Range").orElse(null);
        if (header != null) {
            long[] r = range(header);
            if (r == null) {
                throw new IOException("unsupported range " + header);
            }
            first = r[0];
            end = r[1] < 0 ? size : Math.min(size, r[1] + 1);
        }
        if (first + bodyOffset > end) {
            throw new IOException(file + " is shorter than body offset " + bodyOffset);
        }
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        ch.position(first + bodyOffset);
        long limit = end - first - bodyOffset;
        InputStream in = Channels.newInputStream(ch);
        return new InputStream() {
            private long left = limit;

            @Override
            public int read() throws IOException {
                if (left <= 0) {
                    return -1;
                }
                int c = in.read();
                if (c >= 0) {
                    left--;
                }
                return c;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (left <= 0) {
                    return -1;
                }
                int n = in.read(b, off, (int) Math.min(len, left));
                if (n > 0) {
                    left -= n;
                }
                return n;
            }

            @Override
            public void close() throws IOException {
                in.close();
            }
        };
    }

    private Path file(RecordedRequest request) {
        String rest = request.path().substring(Math.min(prefix.length(), request.path().length()));
        if (rest.isEmpty() || rest.contains("/") || rest.contains("\\") || rest.contains("%") || rest.startsWith(".")) {
            return null;
        }
        Path file = root.resolve(rest).normalize();
        return file.getParent().equals(root) ? file : null;
    }

    /** {first, last} of {@code bytes=first-last} or {@code bytes=first-} (last -1); null for anything else. */
    private static long[] range(String header) {
        String h = header.trim();
        if (!h.startsWith("bytes=") || h.indexOf(',') >= 0) {
            return null;
        }
        String spec = h.substring(6).trim();
        int dash = spec.indexOf('-');
        if (dash <= 0) {
            return null;
        }
        try {
            long first = Long.parseLong(spec.substring(0, dash).trim());
            String last = spec.substring(dash + 1).trim();
            long l = last.isEmpty() ? -1 : Long.parseLong(last);
            return first < 0 || (l >= 0 && l < first) ? null : new long[] {first, l};
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
