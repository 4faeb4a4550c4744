package org.vanycast.core.api;

import java.net.InetAddress;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The contact node's list of pending MIPv6 handoffs (paper §4.2.2): which acceptor awaits
 * which client's Home Test. The mobility driver records an entry when it relays an acceptor's
 * HoTI towards the client and looks it up when the client's HoT comes back through the home
 * agent. Entries expire; the clock is passed in.
 */
@ProviderType
public interface PendingHandoffTable {

    /** Records that {@code acceptorCareOf} awaits the HoT of {@code client} with this cookie. */
    void expect(InetAddress client, long homeInitCookie, InetAddress acceptorCareOf, long nowNanos);

    /** Where to relay the client's HoT, if an unexpired entry exists. */
    Optional<InetAddress> acceptorFor(InetAddress client, long homeInitCookie, long nowNanos);

    /** Removes the entry (the HoT was relayed or the handoff ended). */
    void forget(InetAddress client, long homeInitCookie);

    /** Number of unexpired entries. */
    int size(long nowNanos);
}
