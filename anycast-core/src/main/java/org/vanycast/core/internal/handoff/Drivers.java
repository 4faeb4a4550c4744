package org.vanycast.core.internal.handoff;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import org.vanycast.core.api.HandoffListener;
import org.vanycast.core.spi.AcceptorPolicy;
import org.vanycast.core.spi.AppStateCodec;
import org.vanycast.core.spi.ConnectionMigrator;
import org.vanycast.core.spi.NetworkRedirector;

/**
 * The driver services the coordinator uses, looked up at each handoff so a driver bundle can
 * come, go or be updated between handoffs.
 */
public interface Drivers {
    Optional<ConnectionMigrator> migrator();

    Optional<NetworkRedirector> redirector();

    Optional<AppStateCodec> codecFor(int localPort);

    Optional<AcceptorPolicy> policy();

    /** Other members that could accept a client, with their last load reports. */
    List<AcceptorPolicy.Candidate> candidates(InetSocketAddress client);

    List<HandoffListener> listeners();
}
