package org.vanycast.mipv6.internal.agent;

import java.io.IOException;
import java.net.Inet6Address;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vanycast.mipv6.internal.kernel.RouteNetlink;

/**
 * Node side of the home tunnel (see {@link HomeAgentService} for why seg6): X on loopback;
 * protocol-41 packets from the home agent to CoA are decapsulated by a {@code seg6local
 * End.DT6} route whose table holds only X as a local address; packets from X are sent into
 * an {@code encap.red} route towards the home agent by a source policy rule placed after the
 * local table (so X's own local traffic is unaffected) — unless the nftables translation of
 * a binding already rewrote their source to CoA. Set-up time only (forks {@code ip}).
 *
 * <p>On a kernel without seg6 lightweight tunnels the same two directions run through a
 * {@link UserSpaceTunnel}: the source rule routes packets from X into its TUN device, and only
 * protocol-41 packets from the home agent whose inner destination is X are let in.
 */
final class MobileNodeTunnel implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MobileNodeTunnel.class);
    static final int DECAP_TABLE = 200;
    static final int HOME_TABLE = 201;
    static final int REVERSE_TABLE = 202;
    static final int DECAP_PREF = 100;
    static final int LOCAL_PREF = 1000;
    static final int REVERSE_PREF = 1500;

    private final String ns;
    private final Inet6Address home;
    private final Inet6Address careOf;
    private final Inet6Address homeAgent;
    private final String x;
    private final String coa;
    private final String ha;
    private final String dev;
    private final DropCounters counters;
    private UserSpaceTunnel userSpace;

    MobileNodeTunnel(String ns, Inet6Address home, Inet6Address careOf, Inet6Address homeAgent, String dev,
            DropCounters counters) {
        this.ns = ns;
        this.home = home;
        this.careOf = careOf;
        this.homeAgent = homeAgent;
        this.x = Setup.a(home);
        this.coa = Setup.a(careOf);
        this.ha = Setup.a(homeAgent);
        this.dev = dev;
        this.counters = counters;
    }

    void setUp() throws IOException {
        Setup.run(ns, "ip", "-6", "addr", "replace", x + "/128", "dev", "lo", "nodad");
        Optional<String> noSeg6 = RouteNetlink.seg6Unavailability();
        if (noSeg6.isEmpty()) {
            Setup.run(ns, "ip", "-6", "route", "replace", "local", x, "dev", "lo", "table", Integer.toString(HOME_TABLE));
            Setup.run(ns, "ip", "-6", "route", "replace", coa + "/128", "encap", "seg6local", "action", "End.DT6",
                    "table", Integer.toString(HOME_TABLE), "dev", dev, "table", Integer.toString(DECAP_TABLE));
            Setup.run(ns, "ip", "-6", "rule", "add", "pref", Integer.toString(DECAP_PREF), "from", ha, "to", coa,
                    "ipproto", "ipv6", "lookup", Integer.toString(DECAP_TABLE));
        }
        Setup.quietly(ns, "ip", "-6", "rule", "del", "pref", "0", "lookup", "local");
        Setup.quietly(ns, "ip", "-6", "rule", "add", "pref", Integer.toString(LOCAL_PREF), "lookup", "local");
        if (noSeg6.isEmpty()) {
            Setup.run(ns, "ip", "-6", "route", "replace", "default", "encap", "seg6", "mode", "encap.red", "segs", ha,
                    "dev", dev, "table", Integer.toString(REVERSE_TABLE));
        } else {
            LOG.info("home tunnel to {} in user space: {}", ha, noSeg6.get());
            try {
                userSpace = UserSpaceTunnel.start(ns, deviceName(home), careOf, new UserSpaceTunnel.Policy() {
                    @Override
                    public Inet6Address outerDestination(Inet6Address innerSource, Inet6Address innerDestination) {
                        return innerSource.equals(home) ? homeAgent : null;
                    }

                    @Override
                    public boolean accept(Inet6Address outerSource, Inet6Address innerSource, Inet6Address innerDestination) {
                        return outerSource.equals(homeAgent) && innerDestination.equals(home);
                    }
                }, counters);
            } catch (IOException | RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IOException("home tunnel in user space: " + e.getMessage(), e);
            }
            Setup.run(ns, "ip", "-6", "route", "replace", "default", "dev", userSpace.device(),
                    "table", Integer.toString(REVERSE_TABLE));
        }
        Setup.run(ns, "ip", "-6", "rule", "add", "pref", Integer.toString(REVERSE_PREF), "from", x,
                "lookup", Integer.toString(REVERSE_TABLE));
    }

    /** A TUN device name unique per home address in the namespace (at most 15 characters). */
    static String deviceName(Inet6Address home) {
        byte[] a = home.getAddress();
        return String.format("vcmn%02x%02x", a[14] & 0xFF, a[15] & 0xFF);
    }

    @Override
    public void close() {
        Setup.quietly(ns, "ip", "-6", "rule", "del", "pref", Integer.toString(REVERSE_PREF));
        Setup.quietly(ns, "ip", "-6", "rule", "del", "pref", Integer.toString(DECAP_PREF));
        Setup.quietly(ns, "ip", "-6", "route", "flush", "table", Integer.toString(REVERSE_TABLE));
        Setup.quietly(ns, "ip", "-6", "route", "flush", "table", Integer.toString(DECAP_TABLE));
        Setup.quietly(ns, "ip", "-6", "route", "flush", "table", Integer.toString(HOME_TABLE));
        if (userSpace != null) {
            userSpace.close();
        }
        Setup.quietly(ns, "ip", "-6", "addr", "del", x + "/128", "dev", "lo");
    }
}
