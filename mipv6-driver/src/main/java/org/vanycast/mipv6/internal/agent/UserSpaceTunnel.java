package org.vanycast.mipv6.internal.agent;

import java.net.Inet6Address;
import java.net.UnknownHostException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vanycast.mipv6.internal.kernel.NativeException;
import org.vanycast.mipv6.internal.kernel.NetNs;
import org.vanycast.mipv6.internal.kernel.TunDevice;
import org.vanycast.mipv6.internal.kernel.TunnelSocket;

/**
 * One end of an IPv6-in-IPv6 tunnel (RFC 2473; RFC 6275 §10.4.1) forwarded in user space, for
 * kernels without seg6 lightweight tunnels (and without ip6_tunnel). Packets the kernel routes
 * into the TUN device are wrapped and sent to the outer destination the {@link Policy} names;
 * protocol-41 packets addressed to the local outer address are unwrapped and handed to the
 * kernel through the TUN device, when the policy accepts the pair of outer source and inner
 * packet. On the wire it is the same encapsulation as the in-kernel seg6 {@code encap.red}
 * route; it costs two copies and two context switches per packet, which the testbed's rates
 * afford. What the policy refuses or cannot parse is dropped and counted.
 */
final class UserSpaceTunnel implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(UserSpaceTunnel.class);
    /** 1500-byte links less the outer header: larger inner packets draw Packet Too Big at the tunnel entry. */
    static final int MTU = 1460;
    private static final int POLL_MILLIS = 200;

    /** Where tunnelled packets go and which are let in. */
    interface Policy {
        /** The outer destination for {@code packet} (read from the TUN device), or null to drop it. */
        Inet6Address outerDestination(Inet6Address innerSource, Inet6Address innerDestination);

        /** Whether the inner packet from {@code innerSource} to {@code innerDestination}, tunnelled by {@code outerSource}, may enter. */
        boolean accept(Inet6Address outerSource, Inet6Address innerSource, Inet6Address innerDestination);
    }

    private final String ns;
    private final String device;
    private final Policy policy;
    private final DropCounters counters;
    private final String prefix;
    private TunDevice tun;
    private TunnelSocket socket;
    private Thread encapsulator;
    private Thread decapsulator;
    private volatile boolean running;

    private UserSpaceTunnel(String ns, String device, Policy policy, DropCounters counters) {
        this.ns = ns;
        this.device = device;
        this.policy = policy;
        this.counters = counters;
        this.prefix = "tunnel-" + device + "-";
    }

    /**
     * Creates TUN device {@code device} in namespace {@code ns} (null: the caller's), brings it
     * up with the tunnel MTU and starts forwarding; {@code local} is this end's outer address.
     */
    static UserSpaceTunnel start(String ns, String device, Inet6Address local, Policy policy, DropCounters counters)
            throws Exception {
        UserSpaceTunnel t = new UserSpaceTunnel(ns, device, policy, counters);
        try {
            t.tun = NetNs.call(ns, () -> TunDevice.create(device));
            t.socket = NetNs.call(ns, () -> TunnelSocket.open(local));
            Setup.run(ns, "ip", "link", "set", "dev", device, "mtu", Integer.toString(MTU), "up");
            t.running = true;
            t.encapsulator = daemon(t::encapsulate, "vanycast-" + device + "-encap");
            t.decapsulator = daemon(t::decapsulate, "vanycast-" + device + "-decap");
        } catch (Exception e) {
            t.close();
            throw e;
        }
        LOG.debug("user-space IPv6-in-IPv6 tunnel {} up at {}", device, Setup.a(local));
        return t;
    }

    String device() {
        return device;
    }

    private static Thread daemon(Runnable body, String name) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private void encapsulate() {
        byte[] buf = new byte[65536];
        while (running) {
            try {
                int n = tun.read(buf, POLL_MILLIS);
                if (n == 0) {
                    continue;
                }
                if (n < 40 || (buf[0] & 0xF0) != 0x60) {
                    counters.count(prefix + "not-ipv6");
                    continue;
                }
                Inet6Address to = policy.outerDestination(address(buf, 8), address(buf, 24));
                if (to == null) {
                    counters.count(prefix + "no-binding");
                    continue;
                }
                socket.send(buf, 0, n, to);
                counters.count(prefix + "encapsulated");
            } catch (NativeException e) {
                if (running) {
                    // e.g. no route to the far end for a moment: this packet is lost, TCP resends it
                    counters.count(prefix + "send-failed");
                    LOG.debug("{}: {}", device, e.getMessage());
                }
            } catch (RuntimeException e) {
                counters.count(prefix + "failed");
                LOG.warn("{}: encapsulation failed", device, e);
            }
        }
    }

    private void decapsulate() {
        byte[] buf = new byte[65536];
        byte[] outer = new byte[16];
        while (running) {
            try {
                int n = socket.receive(buf, outer, POLL_MILLIS);
                if (n == 0) {
                    continue;
                }
                if (n < 40 || (buf[0] & 0xF0) != 0x60 || 40 + (((buf[4] & 0xFF) << 8) | (buf[5] & 0xFF)) > n) {
                    counters.count(prefix + "malformed");
                    continue;
                }
                if (!policy.accept(address(outer, 0), address(buf, 8), address(buf, 24))) {
                    counters.count(prefix + "refused");
                    continue;
                }
                tun.write(buf, 0, n);
                counters.count(prefix + "decapsulated");
            } catch (NativeException e) {
                if (running) {
                    counters.count(prefix + "receive-failed");
                    LOG.debug("{}: {}", device, e.getMessage());
                }
            } catch (RuntimeException e) {
                counters.count(prefix + "failed");
                LOG.warn("{}: decapsulation failed", device, e);
            }
        }
    }

    private static Inet6Address address(byte[] b, int offset) {
        byte[] a = new byte[16];
        System.arraycopy(b, offset, a, 0, 16);
        try {
            // never an Inet4Address, even for a v4-mapped address (which no policy accepts)
            return Inet6Address.getByAddress(null, a, -1);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        running = false;
        // the threads poll with a short time-out: the descriptors are closed only once they are out
        for (Thread t : new Thread[] {encapsulator, decapsulator}) {
            if (t != null) {
                try {
                    t.join(5 * POLL_MILLIS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        if (socket != null) {
            socket.close();
        }
        if (tun != null) {
            tun.close();
        }
    }
}
