package org.vanycast.mipv6.internal.kernel;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Picks the data-path backend this kernel supports: XFRM route optimization where MIP6 is built in, else nftables. */
public final class RouteOptimizationBackends {
    private static final Logger LOG = LoggerFactory.getLogger(RouteOptimizationBackends.class);

    private RouteOptimizationBackends() {
    }

    /**
     * Creates the backend in the calling thread's namespace; {@code nftTable} names the
     * nftables table when translation is used. {@code preferXfrm} false forces nftables.
     */
    public static RouteOptimizationBackend create(String nftTable, boolean preferXfrm) throws NativeException {
        if (preferXfrm && XfrmRouteOptimization.isAvailable()) {
            return XfrmRouteOptimization.create();
        }
        if (preferXfrm) {
            LOG.debug("XFRM route optimization unavailable ({}); using nftables translation",
                    XfrmRouteOptimization.unavailabilityCause());
        }
        return NftBindingTranslator.create(nftTable);
    }
}
