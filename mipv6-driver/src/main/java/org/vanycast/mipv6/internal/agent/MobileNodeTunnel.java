package org.vanycast.mipv6.internal.agent;

import java.io.IOException;
import java.net.Inet6Address;

/**
 * Node side of the home tunnel (see {@link HomeAgentService} for why seg6): X on loopback;
 * protocol-41 packets from the home agent to CoA are decapsulated by a {@code seg6local
 * End.DT6} route whose table holds only X as a local address; packets from X are sent into
 * an {@code encap.red} route towards the home agent by a source policy rule placed after the
 * local table (so X's own local traffic is unaffected) — unless the nftables translation of
 * a binding already rewrote their source to CoA. Set-up time only (forks {@code ip}).
 */
final class MobileNodeTunnel implements AutoCloseable {
    static final int DECAP_TABLE = 200;
    static final int HOME_TABLE = 201;
    static final int REVERSE_TABLE = 202;
    static final int DECAP_PREF = 100;
    static final int LOCAL_PREF = 1000;
    static final int REVERSE_PREF = 1500;

    private final String ns;
    private final String x;
    private final String coa;
    private final String ha;
    private final String dev;

    MobileNodeTunnel(String ns, Inet6Address home, Inet6Address careOf, Inet6Address homeAgent, String dev) {
        this.ns = ns;
        this.x = Setup.a(home);
        this.coa = Setup.a(careOf);
        this.ha = Setup.a(homeAgent);
        this.dev = dev;
    }

    void setUp() throws IOException {
        Setup.run(ns, "ip", "-6", "addr", "replace", x + "/128", "dev", "lo", "nodad");
        Setup.run(ns, "ip", "-6", "route", "replace", "local", x, "dev", "lo", "table", Integer.toString(HOME_TABLE));
        Setup.run(ns, "ip", "-6", "route", "replace", coa + "/128", "encap", "seg6local", "action", "End.DT6",
                "table", Integer.toString(HOME_TABLE), "dev", dev, "table", Integer.toString(DECAP_TABLE));
        Setup.run(ns, "ip", "-6", "rule", "add", "pref", Integer.toString(DECAP_PREF), "from", ha, "to", coa,
                "ipproto", "ipv6", "lookup", Integer.toString(DECAP_TABLE));
        Setup.quietly(ns, "ip", "-6", "rule", "del", "pref", "0", "lookup", "local");
        Setup.quietly(ns, "ip", "-6", "rule", "add", "pref", Integer.toString(LOCAL_PREF), "lookup", "local");
        Setup.run(ns, "ip", "-6", "route", "replace", "default", "encap", "seg6", "mode", "encap.red", "segs", ha,
                "dev", dev, "table", Integer.toString(REVERSE_TABLE));
        Setup.run(ns, "ip", "-6", "rule", "add", "pref", Integer.toString(REVERSE_PREF), "from", x,
                "lookup", Integer.toString(REVERSE_TABLE));
    }

    @Override
    public void close() {
        Setup.quietly(ns, "ip", "-6", "rule", "del", "pref", Integer.toString(REVERSE_PREF));
        Setup.quietly(ns, "ip", "-6", "rule", "del", "pref", Integer.toString(DECAP_PREF));
        Setup.quietly(ns, "ip", "-6", "route", "flush", "table", Integer.toString(REVERSE_TABLE));
        Setup.quietly(ns, "ip", "-6", "route", "flush", "table", Integer.toString(DECAP_TABLE));
        Setup.quietly(ns, "ip", "-6", "route", "flush", "table", Integer.toString(HOME_TABLE));
        Setup.quietly(ns, "ip", "-6", "addr", "del", x + "/128", "dev", "lo");
    }
}
