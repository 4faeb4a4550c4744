package org.vanycast.soap.api;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The HTTP request a connection is serving (paper §4.4: "the HTTP request being serviced").
 *
 * @param method        e.g. {@code GET}, {@code POST}
 * @param target        the request target as sent: path and query
 * @param headers       in arrival order, duplicates kept
 * @param body          the body bytes kept (at most the configured limit)
 * @param bodyComplete  false when the body was longer than the limit or not yet fully read;
 *                      such a request cannot be replayed on another node
 */
public record RecordedRequest(String method, String target, List<Header> headers, byte[] body,
        boolean bodyComplete) {

    public RecordedRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(target, "target");
        headers = List.copyOf(headers);
        body = body.clone();
    }

    /** One header line. */
    public record Header(String name, String value) {
        public Header {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
        }
    }

    @Override
    public byte[] body() {
        return body.clone();
    }

    /** The path part of the target, without the query. */
    public String path() {
        int q = target.indexOf('?');
        return q < 0 ? target : target.substring(0, q);
    }

    /** The first header with this name, compared case-insensitively. */
    public Optional<String> header(String name) {
        return headers.stream().filter(h -> h.name().equalsIgnoreCase(name)).map(Header::value).findFirst();
    }

    /** The request as HTTP/1.1 bytes, for replaying it into a server on another node. */
    public byte[] toHttp11() {
        StringBuilder head = new StringBuilder(128).append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
        boolean hadBody = body.length > 0;
        for (Header h : headers) {
            // The body is kept decoded: it is framed again by length, whatever it came with.
            if (h.name().equalsIgnoreCase("Content-Length") || h.name().equalsIgnoreCase("Transfer-Encoding")) {
                hadBody = true;
                continue;
            }
            head.append(h.name()).append(": ").append(h.value()).append("\r\n");
        }
        if (hadBody) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        head.append("\r\n");
        byte[] h = head.toString().getBytes(StandardCharsets.ISO_8859_1);
        byte[] out = Arrays.copyOf(h, h.length + body.length);
        System.arraycopy(body, 0, out, h.length, body.length);
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RecordedRequest r && method.equals(r.method) && target.equals(r.target)
                && headers.equals(r.headers) && Arrays.equals(body, r.body) && bodyComplete == r.bodyComplete;
    }

    @Override
    public int hashCode() {
        return Objects.hash(method, target, headers, Arrays.hashCode(body), bodyComplete);
    }

    @Override
    public String toString() {
        return "RecordedRequest[" + method + ' ' + target + ", " + headers.size() + " headers, " + body.length
                + " body bytes" + (bodyComplete ? "" : " (incomplete)") + ']';
    }
}
