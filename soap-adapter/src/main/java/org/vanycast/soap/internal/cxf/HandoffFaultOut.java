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
    private static final String SEEN = HandoffFaultOut.class.getName() + ".seen";

    private final DefaultSoapHandoff handoff;

    public HandoffFaultOut(DefaultSoapHandoff handoff) {
        super(Phase.PREPARE_SEND);
        this.handoff = handoff;
    }

    @Override
    public void handleMessage(Message message) {
        if (message.containsKey(SEEN) || message.getExchange() == null || message.getExchange().getInMessage() == null) {
            return;
        }
        message.put(SEEN, Boolean.TRUE);
        TrackedConnection c = HandoffWireTapIn.connectionOf(message.getExchange().getInMessage(), handoff);
        if (c != null) {
            c.faulted();
        }
    }
}
