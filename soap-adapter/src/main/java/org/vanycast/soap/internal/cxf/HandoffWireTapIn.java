package org.vanycast.soap.internal.cxf;

import java.io.InputStream;
import java.net.UnknownHostException;
import javax.servlet.http.HttpServletRequest;
import org.apache.cxf.message.Message;
import org.apache.cxf.message.MessageUtils;
import org.apache.cxf.phase.AbstractPhaseInterceptor;
import org.apache.cxf.phase.Phase;
import org.apache.cxf.transport.http.AbstractHTTPDestination;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vanycast.soap.internal.ConnectionKey;
import org.vanycast.soap.internal.DefaultSoapHandoff;
import org.vanycast.soap.internal.TrackedConnection;

/**
 * Server side, first thing on receipt: finds the client connection of the request by its
 * 4-tuple and tees the request body into it (byte-limited, the stream is never drained), so
 * that a request whose response is resumable can be replayed on another node.
 */
public final class HandoffWireTapIn extends AbstractPhaseInterceptor<Message> {
    private static final Logger LOG = LoggerFactory.getLogger(HandoffWireTapIn.class);
    // Per adapter instance: two adapters on one bus (e.g. the container's and a wiring bundle's own)
    // must each see the message; CXF keeps one interceptor per id and a shared guard would let one run.
    private final String seen;

    private final DefaultSoapHandoff handoff;

    public HandoffWireTapIn(DefaultSoapHandoff handoff) {
        super(HandoffWireTapIn.class.getName() + "@" + Integer.toHexString(System.identityHashCode(handoff)), Phase.RECEIVE);
        this.handoff = handoff;
        this.seen = getId() + ".seen";
    }

    @Override
    public void handleMessage(Message message) {
        // Run once per message even if the feature sits on both the bus and the endpoint.
        if (message.containsKey(seen) || MessageUtils.isRequestor(message)) {
            return;
        }
        message.put(seen, Boolean.TRUE);
        TrackedConnection c = connectionOf(message, handoff);
        if (c == null) {
            return;
        }
        InputStream in = message.getContent(InputStream.class);
        if (in != null) {
            HttpServletRequest req = (HttpServletRequest) message.get(AbstractHTTPDestination.HTTP_REQUEST);
            message.setContent(InputStream.class, new TeeInputStream(in, handoff.settings().maxRequestBody(),
                    req.getContentLengthLong(), c::requestBody));
        }
    }

    static TrackedConnection connectionOf(Message message, DefaultSoapHandoff handoff) {
        Object r = message.get(AbstractHTTPDestination.HTTP_REQUEST);
        if (!(r instanceof HttpServletRequest req)) {
            return null;
        }
        try {
            ConnectionKey key = ConnectionKey.ofLiterals(req.getLocalAddr(), req.getLocalPort(), req.getRemoteAddr(),
                    req.getRemotePort());
            TrackedConnection c = handoff.registry().get(key);
            if (c == null) {
                LOG.debug("{}: not on a Vanycast connector; nothing kept", key);
            }
            return c;
        } catch (UnknownHostException | RuntimeException e) {
            LOG.debug("no connection identity for {}: {}", req.getRequestURI(), e.toString());
            return null;
        }
    }
}
