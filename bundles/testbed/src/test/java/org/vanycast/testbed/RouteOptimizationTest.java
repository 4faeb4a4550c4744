package org.vanycast.testbed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vanycast.mipv6.api.Ipv6Packet;
import org.vanycast.mipv6.api.Ipv6PacketCodec;
import org.vanycast.mipv6.api.MobilityAction;
import org.vanycast.mipv6.internal.agent.MobileNodeDataPath;

/**
 * Phase 2 on the wire: the contact node runs return routability and a Binding Update
 * towards the client's cn-agent; afterwards the client's traffic to X goes straight to the
 * node while an untouched {@code nc} keeps its TCP connection to X.
 */
@Tag("netns")
class RouteOptimizationTest {
    @TempDir
    Path captures;

    @Test
    void shouldSendClientTrafficStraightToNodeAfterBindingWhileNcKeepsTalkingToX() throws Exception {
        TestbedConfig cfg = TestbedConfig.defaults(TestbedSupport.id("ro")).withAgents(false);
        try (Testbed tb = Testbed.create(cfg)) {
            Inet6Address x = tb.logicalAddress();
            Inet6Address client = tb.address("client");
            Map<String, Capture> links = tb.captureAllLinks(captures);
            Capture atClient = links.get("client");
            Capture atNode = links.get("node1");
            Agents agents = Agents.start(tb);
            MobileNodeDataPath node = agents.contact("node1");
            try (LineEchoServer server = LineEchoServer.start(tb, "node1", x, 8080);
                 Nc nc = Nc.connect(tb, x, 8080)) {
                assertEquals("before binding", nc.roundTrip("before binding"));

                MobilityAction.BindingStateChanged state = node.bind(client, 0, Duration.ofSeconds(5));
                assertEquals(MobilityAction.BindingStateChanged.State.ACKNOWLEDGED, state.state());
                assertEquals(tb.address("node1"), agents.cnAgent().bindings().get(x));
                assertEquals(Set.of(3), TestbedSupport.schedulingPolicies("nfqueue-" + Agents.CN_QUEUE),
                        "the client's cn-agent runs as SCHED_BATCH, never inside a node's send");

                Capture atHomeAgent = Capture.start(tb.ns("router"), Topology.routerIf("ha"), captures.resolve("ha-after-binding.pcap"));
                assertEquals("after binding", nc.roundTrip("after binding"));
                assertEquals(5, TestbedSupport.echo(tb, x, 5).size(), "UDP echo to X answered after the binding");
                List<byte[]> viaHa = atHomeAgent.packets();
                assertEquals(0, viaHa.stream().filter(p -> mentions(p, client)).count(),
                        "no packet of the client crossed the home agent's link after the binding");
                assertEquals(1, server.connections(), "one TCP connection throughout: nc never reconnected");
            }
            checkMobilityHeaders(atClient, Set.of("1", "2", "3", "4", "5", "6"));
            checkMobilityHeaders(atNode, Set.of("3", "4", "6"));
            checkMobilityHeaders(links.get("ha"), Set.of("1", "3"));
        }
    }

    @Test
    void shouldHandClientToAcceptorWhoseHomeTestIsRelayedByTheContactNode() throws Exception {
        TestbedConfig cfg = TestbedConfig.defaults(TestbedSupport.id("ac")).withAgents(false);
        try (Testbed tb = Testbed.create(cfg)) {
            Inet6Address x = tb.logicalAddress();
            Inet6Address client = tb.address("client");
            Agents agents = Agents.start(tb);
            MobileNodeDataPath contact = agents.contact("node1");
            MobileNodeDataPath acceptor = agents.node("node2");
            Agents.relayThroughContact(acceptor, contact);
            int seq = contact.bind(client, 0, Duration.ofSeconds(5)).sequence();

            Capture atAcceptor = Capture.start(tb.ns("router"), Topology.routerIf("node2"), captures.resolve("node2.pcap"));
            MobilityAction.BindingStateChanged moved = acceptor.bind(client, seq, Duration.ofSeconds(5));
            assertEquals(MobilityAction.BindingStateChanged.State.ACKNOWLEDGED, moved.state());
            assertTrue(moved.sequence() != seq, "the acceptor continued the sequence numbers");
            assertEquals(tb.address("node2"), agents.cnAgent().bindings().get(x), "client now bound to the acceptor");
            assertEquals(1, contact.counters().get("home-test-relayed"), "the contact node relayed the Home Test");
            contact.forget(client);

            assertEquals(5, TestbedSupport.echo(tb, x, 5).size(), "UDP echo to X answered by the acceptor");
            List<byte[]> toAcceptor = atAcceptor.packets();
            assertTrue(toAcceptor.stream().anyMatch(p -> mentions(p, client) && p[6] == 17),
                    "the client's UDP to X now travels on the acceptor's link");
            assertTrue(toAcceptor.stream().noneMatch(p -> p[6] == 41), "and not through the home agent tunnel");
        }
    }

    /** Every MH on the capture dissects cleanly in tshark and carries a correct checksum. */
    static void checkMobilityHeaders(Capture c, Set<String> typesExpected) throws Exception {
        assertEquals(List.of(), c.tsharkProblems(), "tshark finds no malformed or erroneous frame in " + c.file());
        Set<String> seen = new TreeSet<>(c.tsharkMobilityTypes());
        assertTrue(seen.containsAll(typesExpected), "MH types seen by tshark " + seen + " include " + typesExpected);
        int checked = 0;
        for (byte[] raw : c.packets()) {
            Ipv6Packet p = Ipv6PacketCodec.decode(raw);
            if (p.upperLayerProtocol() == 41) {
                p = Ipv6PacketCodec.decode(p.upperLayer());
            }
            if (p.isMobilityHeader()) {
                assertTrue(p.mobilityChecksumValid(), "MH checksum correct: " + p);
                checked++;
            }
        }
        assertTrue(checked >= typesExpected.size(), "checked " + checked + " Mobility Headers in " + c.file());
    }

    static boolean mentions(byte[] packet, Inet6Address a) {
        byte[] needle = a.getAddress();
        outer:
        for (int i = 0; i + 16 <= packet.length; i++) {
            for (int j = 0; j < 16; j++) {
                if (packet[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    /** A TCP line-echo service on a node, bound to X; counts accepted connections. */
    static final class LineEchoServer implements AutoCloseable {
        private final ServerSocketChannel server;
        private final List<SocketChannel> accepted = new ArrayList<>();
        private final Thread thread;

        private LineEchoServer(ServerSocketChannel server) {
            this.server = server;
            this.thread = new Thread(this::serve, "line-echo");
            thread.setDaemon(true);
            thread.start();
        }

        static LineEchoServer start(Testbed tb, String node, Inet6Address x, int port) throws Exception {
            return new LineEchoServer(tb.call(node, () -> ServerSocketChannel.open().bind(new InetSocketAddress(x, port))));
        }

        private void serve() {
            try {
                while (true) {
                    SocketChannel ch = server.accept();
                    synchronized (accepted) {
                        accepted.add(ch);
                    }
                    Thread t = new Thread(() -> {
                        ByteBuffer b = ByteBuffer.allocate(4096);
                        try {
                            while (ch.read(b) >= 0) {
                                b.flip();
                                while (b.hasRemaining()) {
                                    ch.write(b);
                                }
                                b.clear();
                            }
                        } catch (java.io.IOException e) {
                            // connection closed by the test
                        }
                    });
                    t.setDaemon(true);
                    t.start();
                }
            } catch (java.io.IOException e) {
                // server closed
            }
        }

        int connections() {
            synchronized (accepted) {
                return accepted.size();
            }
        }

        @Override
        public void close() throws Exception {
            server.close();
            synchronized (accepted) {
                for (SocketChannel ch : accepted) {
                    ch.close();
                }
            }
        }
    }

    /** The untouched client program: OpenBSD nc in the client namespace, one TCP connection. */
    static final class Nc implements AutoCloseable {
        private final Process p;
        private final OutputStream in;
        private final BufferedReader out;

        private Nc(Process p) {
            this.p = p;
            this.in = p.getOutputStream();
            this.out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        }

        static Nc connect(Testbed tb, Inet6Address x, int port) throws Exception {
            return new Nc(new ProcessBuilder("ip", "netns", "exec", tb.ns("client"), "nc", "-6", "-N",
                    Topology.str(x), Integer.toString(port)).redirectError(ProcessBuilder.Redirect.DISCARD).start());
        }

        String roundTrip(String line) throws Exception {
            in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
            return CompletableFuture.supplyAsync(() -> {
                try {
                    return out.readLine();
                } catch (java.io.IOException e) {
                    return "read failed: " + e;
                }
            }).get(10, TimeUnit.SECONDS);
        }

        @Override
        public void close() throws Exception {
            in.close();
            if (!p.waitFor(3, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }
}
