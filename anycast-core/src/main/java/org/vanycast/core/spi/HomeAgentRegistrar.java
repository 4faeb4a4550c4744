package org.vanycast.core.spi;

import java.io.IOException;
import java.net.InetAddress;
import java.util.Optional;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * The contact-node side of the home registration of the logical address (paper §4.2.1),
 * implemented by the mobility driver. The core calls it when this node becomes the contact
 * node (at start, or by a fenced takeover when the previous contact left or failed) and when
 * it stops being one. The security association with the home agent is opaque here: the core
 * only replicates its bytes to the backup nodes.
 */
@ConsumerType
public interface HomeAgentRegistrar {

    /**
     * Registers {@code logicalAddress} at its home agent with this node's care-of address.
     *
     * @param replicated the association the previous contact node replicated, if any
     * @param epoch      strictly increasing across contact changes of the group; a new home
     *                   registration should use it to outrank the previous contact's
     * @return the association to replicate to the backups from now on
     */
    byte[] takeOver(InetAddress logicalAddress, Optional<byte[]> replicated, long epoch) throws IOException;

    /** This node is no longer the contact node: stop answering for the logical address at the HA. */
    void relinquish(InetAddress logicalAddress) throws IOException;

    /**
     * Called once when the core binds this registrar: {@code replicator} sends a changed
     * association (e.g. after a home re-registration advanced its sequence number or keys) to
     * the backups. It ignores the call while this node is not the contact node.
     */
    default void replicateWith(java.util.function.Consumer<byte[]> replicator) {
        // a registrar whose association never changes after takeOver needs nothing more
    }
}
