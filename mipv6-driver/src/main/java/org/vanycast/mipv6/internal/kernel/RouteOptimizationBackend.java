package org.vanycast.mipv6.internal.kernel;

import java.io.IOException;
import java.net.Inet6Address;

/**
 * Makes a Mobile IPv6 binding take effect in the kernel's data path, on either end.
 *
 * <p>Correspondent (client) side: packets the host sends to the home address go to the
 * care-of address instead, and packets from the care-of address are delivered as if they
 * came from the home address, so applications only ever see the home address.
 * Mobile-node (service node) side: the mirror image, per correspondent.
 *
 * <p>Implementations: {@link NftBindingTranslator} (stateless nftables address translation,
 * works on any kernel with nf_tables) and {@link XfrmRouteOptimization} (the kernel's own
 * MIPv6 route optimization, needs {@code CONFIG_IPV6_MIP6}).
 */
public interface RouteOptimizationBackend extends AutoCloseable {

    String name();

    /** Correspondent side: traffic to {@code home} now goes to {@code careOf}. Replaces any previous binding. */
    void bindCorrespondent(Inet6Address home, Inet6Address careOf) throws IOException;

    /** Correspondent side: traffic to {@code home} goes to {@code home} again. No-op if unbound. */
    void unbindCorrespondent(Inet6Address home) throws IOException;

    /** Mobile-node side: this node, holding {@code home}, talks to {@code correspondent} from {@code careOf}. */
    void bindMobile(Inet6Address correspondent, Inet6Address home, Inet6Address careOf) throws IOException;

    /** Mobile-node side: removes the binding for {@code correspondent} and {@code home}. No-op if unbound. */
    void unbindMobile(Inet6Address correspondent, Inet6Address home) throws IOException;

    /** Removes everything this backend installed. */
    @Override
    void close();
}
