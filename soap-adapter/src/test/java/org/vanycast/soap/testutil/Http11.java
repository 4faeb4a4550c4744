package org.vanycast.soap.testutil;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** A strict, independent HTTP/1.1 response reader for tests: status, headers, body by its framing. */
public final class Http11 {

    /** A parsed response. */
    public record Response(int status, Map<String, String> headers, byte[] body, boolean chunked) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private Http11() {
    }

    public static Response read(InputStream in) throws IOException {
        String statusLine = line(in);
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
            throw new IOException("bad status line: " + statusLine);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (String l; !(l = line(in)).isEmpty(); ) {
            int c = l.indexOf(':');
            headers.put(l.substring(0, c).trim().toLowerCase(Locale.ROOT), l.substring(c + 1).trim());
        }
        int status = Integer.parseInt(parts[1]);
        String te = headers.get("transfer-encoding");
        if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            while (true) {
                String size = line(in);
                int semi = size.indexOf(';');
                int n = Integer.parseInt((semi < 0 ? size : size.substring(0, semi)).trim(), 16);
                if (n == 0) {
                    while (!line(in).isEmpty()) {
                        // trailer fields
                    }
                    return new Response(status, headers, body.toByteArray(), true);
                }
                body.write(exactly(in, n));
                if (!line(in).isEmpty()) {
                    throw new IOException("chunk data not followed by CRLF");
                }
            }
        }
        String cl = headers.get("content-length");
        byte[] body = cl == null ? in.readAllBytes() : exactly(in, Integer.parseInt(cl));
        return new Response(status, headers, body, false);
    }

    public static byte[] exactly(InputStream in, int n) throws IOException {
        byte[] b = in.readNBytes(n);
        if (b.length != n) {
            throw new IOException("body ended after " + b.length + " of " + n + " bytes");
        }
        return b;
    }

    /** A CRLF-terminated line; a bare LF or EOF is an error. */
    public static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int prev = -1;
        for (int c; ; prev = c) {
            c = in.read();
            if (c < 0) {
                throw new IOException("connection ended inside a line: " + b.toString(StandardCharsets.ISO_8859_1));
            }
            if (c == '\n') {
                if (prev != '\r') {
                    throw new IOException("bare LF");
                }
                byte[] bytes = b.toByteArray();
                return new String(bytes, 0, bytes.length - 1, StandardCharsets.ISO_8859_1);
            }
            b.write(c);
        }
    }
}
