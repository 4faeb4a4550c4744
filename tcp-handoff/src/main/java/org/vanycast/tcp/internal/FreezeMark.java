package org.vanycast.tcp.internal;

import java.io.IOException;
import org.vanycast.tcp.internal.kernel.RouteNetlink;

/**
 * The socket mark that keeps a socket off the wire: a policy rule sends everything carrying it
 * to a blackhole. A socket in repair mode still runs its timers (retransmission, tail-loss
 * probe), so a frozen donor or a re-created acceptor waiting for the switch would otherwise
 * transmit. Installed once per network namespace, when a migrator starts.
 */
final class FreezeMark {
    /** "vc" in the upper half: a mark nothing else here uses. */
    static final int MARK = 0x76630000;
    static final int MASK = 0xffff0000;
    static final int RULE_PRIORITY = 77;

    private FreezeMark() {
    }

    /** {@code ip -6 rule add fwmark 0x76630000/0xffff0000 priority 77 blackhole} in the caller's namespace. */
    static void installRule() throws IOException {
        try (RouteNetlink rtnl = new RouteNetlink()) {
            rtnl.ensureBlackholeRule(MARK, MASK, RULE_PRIORITY);
        }
    }
}
