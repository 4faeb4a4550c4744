package org.vanycast.soap.api;

import java.io.IOException;
import java.io.InputStream;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A service's declaration that the body of its responses to some requests can be regenerated
 * byte for byte from any offset, on any node of the group: a document served by name (the
 * paper's static-content case), e.g. an HTTP download {@code GET /files/report.pdf} or a
 * range read whose bytes depend only on the request.
 *
 * <p>When a connection is handed off in the middle of such a response, the acceptor calls
 * {@link #openBody} with the recorded request and the number of body bytes the donor had
 * already written, and continues the response with its original framing. Responses that no
 * registered instance {@link #covers covers} are never cut: the handoff waits for them.
 *
 * <p>Register an instance as an OSGi service, or with {@link SoapHandoff#register}.
 */
@ConsumerType
public interface ResumableResponse {

    /** Stable name, the same on every node; it travels in the handoff state. */
    String name();

    /** Whether the response to this request can be continued by {@link #openBody}. */
    boolean covers(RecordedRequest request);

    /**
     * The response body to {@code request}, positioned at {@code bodyOffset} (the bytes
     * before it were already delivered). The stream yields exactly the rest of the body.
     *
     * @throws IOException when the document no longer exists or is shorter than the offset
     */
    InputStream openBody(RecordedRequest request, long bodyOffset) throws IOException;
}
