package org.vanycast.soap.api;

import org.osgi.annotation.versioning.ProviderType;
import org.vanycast.core.spi.AppStateCodec;
import org.vanycast.soap.internal.DefaultSoapHandoff;
import org.vanycast.soap.spi.AdoptionTarget;

/**
 * The adapter of one node: keeps the per-connection HTTP state that the CXF
 * {@link HandoffFeature} and the Vanycast Jetty connector record, and is the
 * {@link AppStateCodec} the handoff coordinator calls. In a container the
 * {@code org.vanycast.soap} component creates one and registers the codec as a service.
 */
@ProviderType
public interface SoapHandoff {

    static SoapHandoff create(HandoffSettings settings) {
        return new DefaultSoapHandoff(settings);
    }

    HandoffSettings settings();

    /** Applies new settings to connections from now on. */
    void update(HandoffSettings settings);

    /** The codec to register with the coordinator. */
    AppStateCodec codec();

    /** Declares responses resumable; close the returned handle to withdraw the declaration. */
    AutoCloseable register(ResumableResponse resumable);

    /** Lets connections re-created on this node enter {@code target} (the Jetty connector registers itself). */
    void addAdoptionTarget(AdoptionTarget target);

    void removeAdoptionTarget(AdoptionTarget target);

    /** A CXF feature that records requests of the endpoints, buses or clients it is applied to. */
    HandoffFeature feature();
}
