package org.vanycast.soap.api;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Declares responses resumable whose bytes depend only on the request, such as a SOAP
 * {@code getRange(name, offset, length)} over a stored document: the acceptor regenerates the
 * body by sending the recorded request to its own HTTP server ({@code server}, normally
 * {@code http://[X]:port}) and continues from the byte the donor had reached.
 *
 * <p>Only for deterministic, side-effect-free operations: the service promises that the same
 * request gives the same body on every node (no timestamps, no random MIME boundaries — so not
 * for MTOM).
 */
public final class ReplayResumable implements ResumableResponse {
    /** Headers the HTTP client sets itself. */
    private static final Set<String> RESTRICTED = Set.of("connection", "content-length", "expect", "host",
            "upgrade", "transfer-encoding", "keep-alive", "te", "trailer");

    private final String name;
    private final URI server;
    private final Predicate<RecordedRequest> covers;
    private final HttpClient client;

    public ReplayResumable(String name, URI server, Predicate<RecordedRequest> covers) {
        this.name = Objects.requireNonNull(name, "name");
        this.server = Objects.requireNonNull(server, "server");
        this.covers = Objects.requireNonNull(covers, "covers");
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean covers(RecordedRequest request) {
        return request.bodyComplete() && covers.test(request);
    }

    @Override
    public InputStream openBody(RecordedRequest request, long bodyOffset) throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(server.resolve(request.target()))
                .method(request.method(), HttpRequest.BodyPublishers.ofByteArray(request.body()));
        for (RecordedRequest.Header h : request.headers()) {
            if (!RESTRICTED.contains(h.name().toLowerCase(Locale.ROOT))) {
                b.header(h.name(), h.value());
            }
        }
        HttpResponse<InputStream> response;
        try {
            response = client.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while replaying " + request, e);
        }
        InputStream body = response.body();
        if (response.statusCode() / 100 != 2) {
            body.close();
            throw new IOException("replaying " + request + " gave HTTP " + response.statusCode());
        }
        try {
            body.skipNBytes(bodyOffset);
        } catch (IOException e) {
            body.close();
            throw new IOException("replayed body of " + request + " is shorter than " + bodyOffset + " bytes", e);
        }
        return body;
    }
}
