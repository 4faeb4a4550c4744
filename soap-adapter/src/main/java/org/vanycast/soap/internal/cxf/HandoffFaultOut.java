package org.vanycast.soap.internal.cxf;

import org.apache.cxf.message.Message;
import org.apache.cxf.phase.AbstractPhaseInterceptor;
import org.apache.cxf.phase.Phase;
import org.vanycast.soap.internal.DefaultSoapHandoff;
import org.vanycast.soap.internal.TrackedConnection;

/**
 * Fault path: a response that turned into a SOAP fault is never regenerated on another node
 * (the replay could succeed and send a different body), so the handoff waits for it instead.
 */
public final class HandoffFaultOut extends AbstractPhaseInterceptor<Message> {
    // Per adapter instance: two adapters on one bus (e.g. the container's and a wiring bundle's own)
    // must each see the message; CXF keeps one interceptor per id and a shared guard would let one run.
    private final String seen;

    private final DefaultSoapHandoff handoff;

    public HandoffFaultOut(DefaultSoapHandoff handoff) {
        super(HandoffFaultOut.class.getName() + "@" + Integer.toHexString(System.identityHashCode(handoff)), Phase.PREPARE_SEND);
        this.handoff = handoff;
        this.seen = getId() + ".seen";
    }

    @Override
    public void handleMessage(Message message) {
        if (message.containsKey(seen) || message.getExchange() == null || message.getExchange().getInMessage() == null) {
            return;
        }
        message.put(seen, Boolean.TRUE);
        TrackedConnection c = HandoffWireTapIn.connectionOf(message.getExchange().getInMessage(), handoff);
        if (c != null) {
            c.faulted();
        }
    }
}
