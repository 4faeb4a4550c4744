package org.vanycast.tcp.internal.kernel;

import com.sun.jna.Pointer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * Freezing by netfilter: a pre-installed nftables set of connection 4-tuples whose packets
 * are dropped in prerouting (priority -400, before conntrack) and in output. Adding a tuple
 * silences a connection even after its socket is closed, which is what a donor needs until
 * the traffic has moved. Elements are updated in-process through libnftables
 * ({@code nft_run_cmd_from_buffer}); forking {@code nft} costs milliseconds.
 *
 * <p>One migrator per network namespace owns the table: opening re-installs it empty, which
 * also clears elements a crashed process may have left behind.
 *
 * <p>The table is created in the network namespace of the thread that calls {@link #open};
 * all later calls must come from a thread in the same namespace (the library's netlink socket
 * is opened per command).
 */
public final class NftFreezeSet implements AutoCloseable {
    public static final String TABLE = "vanycast_freeze";
    private static final Optional<String> CAUSE = probe();

    private final Pointer ctx;
    private boolean closed;

    private NftFreezeSet(Pointer ctx) {
        this.ctx = ctx;
    }

    public static boolean isAvailable() {
        return CAUSE.isEmpty();
    }

    public static Optional<String> unavailabilityCause() {
        return CAUSE;
    }

    private static Optional<String> probe() {
        try {
            Pointer c = NftLib.nft_ctx_new(NftLib.NFT_CTX_DEFAULT);
            if (c == null) {
                return Optional.of("nft_ctx_new returned NULL");
            }
            NftLib.nft_ctx_free(c);
            return Optional.empty();
        } catch (LinkageError | RuntimeException e) {
            return Optional.of("libnftables not loadable (install nftables / libnftables1): " + e.getMessage());
        }
    }

    /** Installs (or re-installs, emptied) the drop set and its two chains. */
    public static NftFreezeSet open() throws IOException {
        if (CAUSE.isPresent()) {
            throw new IOException(CAUSE.get());
        }
        Pointer c = NftLib.nft_ctx_new(NftLib.NFT_CTX_DEFAULT);
        if (c == null) {
            throw new IOException("nft_ctx_new returned NULL");
        }
        NftLib.nft_ctx_buffer_output(c);
        NftLib.nft_ctx_buffer_error(c);
        NftFreezeSet set = new NftFreezeSet(c);
        try {
            set.run("table inet " + TABLE + " {}\n"
                    + "delete table inet " + TABLE + "\n"
                    + "table inet " + TABLE + " {\n"
                    + "  set conns { type ipv6_addr . inet_service . ipv6_addr . inet_service; }\n"
                    + "  chain pre { type filter hook prerouting priority -400; policy accept;\n"
                    + "    ip6 daddr . tcp dport . ip6 saddr . tcp sport @conns drop\n  }\n"
                    + "  chain out { type filter hook output priority -400; policy accept;\n"
                    + "    ip6 saddr . tcp sport . ip6 daddr . tcp dport @conns drop\n  }\n"
                    + "}\n", "install freeze table");
        } catch (IOException e) {
            set.close();
            throw e;
        }
        return set;
    }

    /** Drops the connection's packets both ways from now on. */
    public void add(InetSocketAddress local, InetSocketAddress remote) throws IOException {
        run("add element inet " + TABLE + " conns { " + element(local, remote) + " }", "add element");
    }

    /** Lets the connection's packets through again; a missing element is not an error. */
    public void remove(InetSocketAddress local, InetSocketAddress remote) throws IOException {
        run("delete element inet " + TABLE + " conns { " + element(local, remote) + " }\n", "delete element",
                true);
    }

    private static String element(InetSocketAddress local, InetSocketAddress remote) {
        return local.getAddress().getHostAddress().replaceAll("%.*$", "") + " . " + local.getPort() + " . "
                + remote.getAddress().getHostAddress().replaceAll("%.*$", "") + " . " + remote.getPort();
    }

    private void run(String cmd, String what) throws IOException {
        run(cmd, what, false);
    }

    private synchronized void run(String cmd, String what, boolean missingOk) throws IOException {
        if (closed) {
            throw new IOException("nftables freeze set is closed");
        }
        int rc = NftLib.nft_run_cmd_from_buffer(ctx, cmd);
        if (rc != 0) {
            String err = NftLib.nft_ctx_get_error_buffer(ctx);
            if (missingOk && err != null && err.contains("No such file or directory")) {
                return;
            }
            throw new IOException("nft_run_cmd_from_buffer(" + what + ") failed: " + (err == null ? "" : err.strip()));
        }
    }

    /** Frees the library context; the table stays installed (its namespace owns it). */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            NftLib.nft_ctx_free(ctx);
        }
    }
}
