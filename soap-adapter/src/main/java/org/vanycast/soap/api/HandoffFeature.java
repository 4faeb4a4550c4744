package org.vanycast.soap.api;

import org.apache.cxf.Bus;
import org.apache.cxf.feature.AbstractPortableFeature;
import org.apache.cxf.interceptor.InterceptorProvider;
import org.vanycast.soap.internal.DefaultSoapHandoff;
import org.vanycast.soap.internal.cxf.HandoffFaultOut;
import org.vanycast.soap.internal.cxf.HandoffWireTapIn;

/**
 * Makes the CXF endpoints (or a whole bus) it is applied to record, per client connection,
 * what a handoff needs: the request body, tee'd off without draining the stream, and whether
 * the response became a fault. Apply it to a bus with {@code feature.initialize(bus)}, to an
 * endpoint through its factory's features, or let the {@code org.vanycast.soap} component
 * apply it to every bus in the container.
 */
public final class HandoffFeature implements AbstractPortableFeature {
    private final DefaultSoapHandoff handoff;

    public HandoffFeature(SoapHandoff handoff) {
        this.handoff = (DefaultSoapHandoff) handoff;
    }

    @Override
    public void doInitializeProvider(InterceptorProvider provider, Bus bus) {
        provider.getInInterceptors().add(new HandoffWireTapIn(handoff));
        provider.getOutFaultInterceptors().add(new HandoffFaultOut(handoff));
    }

    /** Takes the interceptors off again (bus-wide use in a dynamic container). */
    public void remove(InterceptorProvider provider) {
        // Only this adapter's: another adapter on the same bus keeps its own interceptors.
        String in = new HandoffWireTapIn(handoff).getId();
        String fault = new HandoffFaultOut(handoff).getId();
        provider.getInInterceptors().removeIf(i -> i instanceof HandoffWireTapIn t && t.getId().equals(in));
        provider.getOutFaultInterceptors().removeIf(i -> i instanceof HandoffFaultOut f && f.getId().equals(fault));
    }
}
