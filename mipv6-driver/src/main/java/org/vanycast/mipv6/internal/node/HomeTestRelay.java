package org.vanycast.mipv6.internal.node;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vanycast.mipv6.api.Ipv6Packet;
import org.vanycast.mipv6.api.Ipv6PacketCodec;
import org.vanycast.mipv6.api.MalformedMobilityHeaderException;

/**
 * The node-to-node leg of return routability during a handoff (paper §4.2.2): an acceptor
 * does not hold X's home registration, so its Home Test Init is sent from X by the contact
 * node, and the Home Test, which the home agent tunnels to the contact node, comes back the
 * same way. Authenticated UDP datagrams ({@link RelayFrame}) between the nodes' own
 * addresses; bad, forged or replayed datagrams are counted and dropped.
 */
final class HomeTestRelay implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HomeTestRelay.class);
    static final long WINDOW_MILLIS = 30_000;

    /** What the node does with relayed packets. */
    interface Handler {
        /** Contact side: send {@code hoti} from X; answer the Home Test to {@code from}. */
        void onHomeTestInit(Ipv6Packet hoti, InetSocketAddress from) throws IOException;

        /** Acceptor side: a Home Test the contact node passed back. */
        void onHomeTest(Ipv6Packet hot) throws IOException;
    }

    private final DatagramChannel channel;
    private final byte[] key;
    private final List<InetSocketAddress> peers;
    private final Handler handler;
    private final LongSupplier clockMillis;
    private final SecureRandom random = new SecureRandom();
    private final ReplayWindow replay = new ReplayWindow(WINDOW_MILLIS, 4096);
    private final Map<String, AtomicLong> counters = new ConcurrentHashMap<>();
    private final Thread receiver;
    private volatile boolean running = true;

    private HomeTestRelay(DatagramChannel channel, byte[] secret, List<InetSocketAddress> peers, Handler handler,
                          LongSupplier clockMillis) {
        this.channel = channel;
        this.key = RelayFrame.key(secret);
        this.peers = List.copyOf(peers);
        this.handler = handler;
        this.clockMillis = clockMillis;
        this.receiver = new Thread(this::receiveLoop, "home-test-relay-" + channel.socket().getLocalPort());
        receiver.setDaemon(true);
    }

    static HomeTestRelay start(InetSocketAddress listen, byte[] secret, List<InetSocketAddress> peers, Handler handler,
                               LongSupplier clockMillis) throws IOException {
        DatagramChannel ch = DatagramChannel.open();
        try {
            ch.bind(listen);
        } catch (IOException e) {
            ch.close();
            throw new IOException("home-test relay cannot listen on " + listen + ": " + e.getMessage(), e);
        }
        HomeTestRelay r = new HomeTestRelay(ch, secret, peers, handler, clockMillis);
        r.receiver.start();
        return r;
    }

    InetSocketAddress localAddress() throws IOException {
        return (InetSocketAddress) channel.getLocalAddress();
    }

    /** Acceptor: offers {@code hoti} to every peer; only the contact node acts on it. */
    void sendHomeTestInit(Ipv6Packet hoti) throws IOException {
        for (InetSocketAddress p : peers) {
            send(RelayFrame.HOME_TEST_INIT, hoti, p);
        }
    }

    /** Contact: passes {@code hot} back to the acceptor that asked. */
    void sendHomeTest(Ipv6Packet hot, InetSocketAddress to) throws IOException {
        send(RelayFrame.HOME_TEST, hot, to);
    }

    private void send(int type, Ipv6Packet packet, InetSocketAddress to) throws IOException {
        byte[] frame = new RelayFrame(type, clockMillis.getAsLong(), random.nextLong(), Ipv6PacketCodec.encode(packet))
                .encode(key);
        channel.send(ByteBuffer.wrap(frame), to);
    }

    private void receiveLoop() {
        ByteBuffer buf = ByteBuffer.allocate(RelayFrame.HEADER + RelayFrame.MAX_PACKET + RelayFrame.MAC + 1);
        while (running) {
            SocketAddress from;
            try {
                buf.clear();
                from = channel.receive(buf);
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                count("receive-error");
                continue;
            }
            if (from instanceof InetSocketAddress peer) {
                accept(buf.array(), buf.position(), peer);
            }
        }
    }

    /** Handles one datagram; never throws (a bad one is counted). Package-private for tests. */
    void accept(byte[] datagram, int length, InetSocketAddress from) {
        try {
            RelayFrame f = RelayFrame.decode(key, datagram, length);
            String refused = replay.check(f.timeMillis(), f.nonce(), clockMillis.getAsLong());
            if (refused != null) {
                throw new RelayFrame.Rejected(refused, "relay datagram " + refused);
            }
            Ipv6Packet p = Ipv6PacketCodec.decode(f.packet());
            count(f.type() == RelayFrame.HOME_TEST_INIT ? "home-test-init" : "home-test");
            if (f.type() == RelayFrame.HOME_TEST_INIT) {
                handler.onHomeTestInit(p, from);
            } else {
                handler.onHomeTest(p);
            }
        } catch (RelayFrame.Rejected e) {
            count(e.counter());
            LOG.debug("relay datagram from {} dropped: {}", from, e.getMessage());
        } catch (MalformedMobilityHeaderException e) {
            count("malformed-packet");
            LOG.debug("relay datagram from {} dropped: {}", from, e.getMessage());
        } catch (IOException | RuntimeException e) {
            count("refused");
            LOG.debug("relay datagram from {} refused: {}", from, e.toString());
        }
    }

    private void count(String what) {
        counters.computeIfAbsent(what, k -> new AtomicLong()).incrementAndGet();
    }

    /** Counters by name (received kinds and drop reasons). */
    Map<String, Long> counters() {
        Map<String, Long> out = new TreeMap<>();
        counters.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    @Override
    public void close() {
        running = false;
        try {
            channel.close();
        } catch (IOException e) {
            LOG.debug("closing relay: {}", e.toString());
        }
        try {
            receiver.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
