package org.vanycast.mipv6.internal.kernel;

import java.net.Inet6Address;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Route optimization by stateless nftables address translation, for kernels without
 * {@code CONFIG_IPV6_MIP6}. The tables and maps are created once; each binding change is
 * then one map-element transaction through in-process libnftables (about 1 ms), never a
 * forked {@code nft}.
 *
 * <pre>
 * correspondent (client):  output  (type route, prio -150)  daddr  home   -> care-of   map cn_out
 *                          prerouting (prio -300)            saddr  care-of -> home    map cn_in
 * mobile node (service):   prerouting (prio -300)  daddr  (client . care-of) -> home   map mn_in
 *                          output (type route, prio -150)  saddr (client . home) -> care-of  map mn_out
 * </pre>
 *
 * The output chains are {@code type route} so the kernel re-routes a packet whose address
 * was rewritten. Mobility Header packets (protocol 135) are never rewritten: return
 * routability needs HoTI/HoT to keep travelling through the home agent. nftables fixes the
 * TCP/UDP checksums when it rewrites an address (measured, see KERNEL-NOTES).
 *
 * <p>Thread-safe: binding changes are serialized.
 */
public final class NftBindingTranslator implements RouteOptimizationBackend {
    private static final Logger LOG = LoggerFactory.getLogger(NftBindingTranslator.class);
    private static final int MH = 135;

    private final Nftables nft;
    private final String table;
    private final Map<Inet6Address, Inet6Address> correspondent = new HashMap<>();
    private final Map<String, Inet6Address> mobile = new HashMap<>();
    private boolean closed;

    private NftBindingTranslator(Nftables nft, String table) {
        this.nft = nft;
        this.table = table;
    }

    public static boolean isAvailable() {
        return Nftables.isAvailable();
    }

    public static String unavailabilityCause() {
        return Nftables.unavailabilityCause();
    }

    /**
     * Creates table {@code table} (ip6 family) with both roles' chains and empty maps in the
     * calling thread's network namespace, replacing a leftover table of that name.
     */
    public static NftBindingTranslator create(String table) throws NativeException {
        if (!table.matches("[A-Za-z][A-Za-z0-9_]{0,30}")) {
            throw new IllegalArgumentException("bad nftables table name: " + table);
        }
        Nftables nft = Nftables.open();
        try {
            // "add" then "delete" makes a leftover table (an earlier crash) go away without an error.
            nft.run("add table ip6 " + table + "\ndelete table ip6 " + table + "\n"
                    + "table ip6 " + table + " {\n"
                    + " map cn_out { type ipv6_addr : ipv6_addr; }\n"
                    + " map cn_in { type ipv6_addr : ipv6_addr; }\n"
                    + " map mn_in { type ipv6_addr . ipv6_addr : ipv6_addr; }\n"
                    + " map mn_out { type ipv6_addr . ipv6_addr : ipv6_addr; }\n"
                    + " chain out { type route hook output priority -150; policy accept;\n"
                    + "  meta l4proto != " + MH + " ip6 daddr set ip6 daddr map @cn_out\n"
                    + "  meta l4proto != " + MH + " ip6 saddr set ip6 daddr . ip6 saddr map @mn_out\n }\n"
                    + " chain pre { type filter hook prerouting priority -300; policy accept;\n"
                    + "  meta l4proto != " + MH + " ip6 saddr set ip6 saddr map @cn_in\n"
                    + "  meta l4proto != " + MH + " ip6 daddr set ip6 saddr . ip6 daddr map @mn_in\n }\n"
                    + "}\n");
        } catch (NativeException e) {
            nft.close();
            throw e;
        }
        return new NftBindingTranslator(nft, table);
    }

    @Override
    public String name() {
        return "nftables";
    }

    public String table() {
        return table;
    }

    @Override
    public synchronized void bindCorrespondent(Inet6Address home, Inet6Address careOf) throws NativeException {
        Objects.requireNonNull(home);
        Objects.requireNonNull(careOf);
        ensureOpen();
        StringBuilder cmd = new StringBuilder();
        Inet6Address old = correspondent.get(home);
        if (old != null) {
            cmd.append("delete element ip6 ").append(table).append(" cn_out { ").append(a(home)).append(" }\n");
            cmd.append("delete element ip6 ").append(table).append(" cn_in { ").append(a(old)).append(" }\n");
        }
        cmd.append("add element ip6 ").append(table).append(" cn_out { ").append(a(home)).append(" : ").append(a(careOf)).append(" }\n");
        cmd.append("add element ip6 ").append(table).append(" cn_in { ").append(a(careOf)).append(" : ").append(a(home)).append(" }\n");
        nft.run(cmd.toString());
        correspondent.put(home, careOf);
        LOG.debug("binding {} -> {} active (table {})", a(home), a(careOf), table);
    }

    @Override
    public synchronized void unbindCorrespondent(Inet6Address home) throws NativeException {
        ensureOpen();
        Inet6Address old = correspondent.get(home);
        if (old == null) {
            return;
        }
        nft.run("delete element ip6 " + table + " cn_out { " + a(home) + " }\n"
                + "delete element ip6 " + table + " cn_in { " + a(old) + " }\n");
        correspondent.remove(home);
    }

    @Override
    public synchronized void bindMobile(Inet6Address client, Inet6Address home, Inet6Address careOf) throws NativeException {
        Objects.requireNonNull(client);
        Objects.requireNonNull(home);
        Objects.requireNonNull(careOf);
        ensureOpen();
        String key = a(client) + " . " + a(home);
        if (careOf.equals(mobile.get(key))) {
            return;
        }
        StringBuilder cmd = new StringBuilder();
        deleteMobile(cmd, client, key);
        cmd.append("add element ip6 ").append(table).append(" mn_out { ").append(key).append(" : ").append(a(careOf)).append(" }\n");
        cmd.append("add element ip6 ").append(table).append(" mn_in { ").append(a(client)).append(" . ").append(a(careOf))
                .append(" : ").append(a(home)).append(" }\n");
        nft.run(cmd.toString());
        mobile.put(key, careOf);
    }

    @Override
    public synchronized void unbindMobile(Inet6Address client, Inet6Address home) throws NativeException {
        ensureOpen();
        String key = a(client) + " . " + a(home);
        if (mobile.get(key) == null) {
            return;
        }
        StringBuilder cmd = new StringBuilder();
        deleteMobile(cmd, client, key);
        nft.run(cmd.toString());
        mobile.remove(key);
    }

    /** Appends the deletion of both elements of {@code client}'s mobile-side binding, if it has one. */
    private void deleteMobile(StringBuilder cmd, Inet6Address client, String key) {
        Inet6Address old = mobile.get(key);
        if (old != null) {
            cmd.append("delete element ip6 ").append(table).append(" mn_out { ").append(key).append(" }\n");
            cmd.append("delete element ip6 ").append(table).append(" mn_in { ").append(a(client)).append(" . ").append(a(old))
                    .append(" }\n");
        }
    }

    /** Current correspondent-side bindings (home → care-of), as this instance installed them. */
    public synchronized Map<Inet6Address, Inet6Address> correspondentBindings() {
        return Map.copyOf(correspondent);
    }

    /** Lists the table as nft prints it (for diagnostics and tests). */
    public synchronized String listTable() throws NativeException {
        ensureOpen();
        return nft.run("list table ip6 " + table);
    }

    private void ensureOpen() throws NativeException {
        if (closed) {
            throw new NativeException("nftables binding update", "translator closed");
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            nft.run("delete table ip6 " + table);
        } catch (NativeException e) {
            LOG.debug("removing table {}: {}", table, e.getMessage());
        } finally {
            nft.close();
        }
    }

    private static String a(Inet6Address address) {
        return Addresses.text(address);
    }
}
