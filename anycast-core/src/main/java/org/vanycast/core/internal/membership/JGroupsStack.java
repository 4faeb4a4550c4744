package org.vanycast.core.internal.membership;

import java.net.InetSocketAddress;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.jgroups.JChannel;
import org.jgroups.protocols.FD_ALL3;
import org.jgroups.protocols.FD_SOCK2;
import org.jgroups.protocols.FRAG4;
import org.jgroups.protocols.MERGE3;
import org.jgroups.protocols.MFC;
import org.jgroups.protocols.TCP;
import org.jgroups.protocols.TCPPING;
import org.jgroups.protocols.UFC;
import org.jgroups.protocols.UNICAST3;
import org.jgroups.protocols.VERIFY_SUSPECT2;
import org.jgroups.protocols.pbcast.GMS;
import org.jgroups.protocols.pbcast.NAKACK2;
import org.jgroups.protocols.pbcast.STABLE;
import org.jgroups.util.DefaultSocketFactory;

/**
 * Builds the JGroups protocol stack in code (no XML to find on a bundle class path): TCP
 * with discovery from configured hosts, failure detection by closed socket (fast, for a
 * killed process) and by heartbeat (for a hung or cut-off one), and every socket wrapped in
 * mutually authenticated TLS 1.3 with the group CA, so only group members can join and the
 * replicated home-agent association never crosses the network in clear.
 */
final class JGroupsStack {
    private JGroupsStack() {
    }

    /** @param aboveTransport protocols placed right above TCP (tests insert a partition there) */
    static JChannel create(MembershipConfig c, SSLContext tls, java.util.List<org.jgroups.stack.Protocol> aboveTransport)
            throws Exception {
        DefaultSocketFactory sockets = new DefaultSocketFactory(tls);
        sockets.setServerSocketConfigurator(s -> {
            SSLServerSocket ss = (SSLServerSocket) s;
            ss.setNeedClientAuth(true);
            ss.setEnabledProtocols(new String[] {"TLSv1.3"});
        });
        sockets.setSocketConfigurator(s -> {
            if (s instanceof SSLSocket ssl) {
                ssl.setEnabledProtocols(new String[] {"TLSv1.3"});
            }
        });
        TCP tcp = new TCP();
        tcp.setBindAddress(c.bind());
        tcp.setBindPort(c.port());
        tcp.setPortRange(0);
        tcp.setSocketFactory(sockets);

        TCPPING ping = new TCPPING();
        ping.setInitialHosts(c.initialHosts().stream().map(h -> new InetSocketAddress(h.getAddress(), h.getPort())).toList());
        ping.setPortRange(0);

        long failure = c.failureTimeout().toMillis();
        // nodes started at the same moment can each found a group; merging fast keeps the time
        // with two contact nodes short (the home agent keeps only the newest registration meanwhile)
        MERGE3 merge = new MERGE3().setMinInterval(Math.max(200, failure / 3)).setMaxInterval(Math.max(500, failure));
        // FD_SOCK2 would listen on every interface unless told otherwise
        FD_SOCK2 fdSock = new FD_SOCK2().setBindAddress(c.bind()).setPortRange(50);
        FD_ALL3 fdAll = new FD_ALL3();
        fdAll.setTimeout(failure);
        fdAll.setInterval(Math.max(50, failure / 4));
        // A suspicion comes from FD_SOCK2 (the member's socket closed: the process is gone) or
        // FD_ALL3 (silent for the whole failure timeout); either way the verification only waits
        // for an "are you dead" answer that a live member sends at once. Its wait is all of the
        // delay between a kill -9 and the view without the member (then the contact-node
        // takeover), so it is kept short: 250 ms gave a backup X within 1 s on the loaded
        // 2-core testbed, 500 ms did not always.
        VERIFY_SUSPECT2 verify = new VERIFY_SUSPECT2().setTimeout(Math.max(100, Math.min(250, failure / 20)));
        // The leave timeout only bounds how long a leaver waits for the coordinator's answer: the
        // answer travels without retransmission, and the coordinator closes its connection to the
        // leaver right after sending it, which now and then loses it (3 of 24 leaves over loopback
        // TLS waited out the whole timeout). The leave itself does not depend on it: the coordinator
        // already installs the view without the leaver, and if even the request was lost the closed
        // connection gets the leaver suspected and removed.
        GMS gms = new GMS().setJoinTimeout(Math.max(500, failure)).setLeaveTimeout(Math.max(200, Math.min(1000, failure / 5)));
        gms.printLocalAddress(false);
        java.util.List<org.jgroups.stack.Protocol> stack = new java.util.ArrayList<>();
        stack.add(tcp);
        stack.addAll(aboveTransport);
        stack.addAll(java.util.List.of(ping, merge, fdSock, fdAll, verify, new NAKACK2(), new UNICAST3(), new STABLE(), gms,
                new MFC(), new UFC(), new FRAG4()));
        return new JChannel(stack);
    }
}
