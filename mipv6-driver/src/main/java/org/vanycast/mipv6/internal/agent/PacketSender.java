package org.vanycast.mipv6.internal.agent;

import java.io.IOException;
import java.net.Inet6Address;
import org.vanycast.mipv6.api.Ipv6Packet;
import org.vanycast.mipv6.api.Ipv6PacketCodec;
import org.vanycast.mipv6.api.MobilityHeader;
import org.vanycast.mipv6.internal.kernel.Checksums;
import org.vanycast.mipv6.internal.kernel.RawMobilitySocket;

/**
 * Puts engine-built packets on the wire. Whole packets go out through the header-included
 * socket; the one exception is a plain Mobility Header from a home address held on this
 * host (HoTI from X), which must leave through a protocol-135 socket bound to that address
 * so the source-address policy rule sends it into the reverse tunnel to the home agent —
 * a header-included send is routed on its destination alone.
 */
final class PacketSender {
    private final RawMobilitySocket raw;
    private final Inet6Address home;
    private final RawMobilitySocket homeSocket;

    PacketSender(RawMobilitySocket raw, Inet6Address home, RawMobilitySocket homeSocket) {
        this.raw = raw;
        this.home = home;
        this.homeSocket = homeSocket;
    }

    void send(Ipv6Packet p) throws IOException {
        if (homeSocket != null && p.source().equals(home) && p.homeAddress() == null
                && p.routingHomeAddress() == null && p.upperLayerProtocol() == MobilityHeader.IPPROTO_MH) {
            byte[] mh = p.upperLayer();
            // The kernel fills the checksum in; it sums the field too, so it must be zero.
            mh[MobilityHeader.OFFSET_CHECKSUM] = 0;
            mh[MobilityHeader.OFFSET_CHECKSUM + 1] = 0;
            homeSocket.send(mh, p.destination());
            return;
        }
        raw.sendPacket(Ipv6PacketCodec.encode(p), null);
    }

    /** See {@link RawMobilitySocket#rehearseSend()}: the send of a Binding Update, on loopback. */
    boolean rehearse() {
        return raw.rehearseSend();
    }

    /**
     * ICMPv6 Parameter Problem, code 0 (erroneous header field), about {@code offending}
     * (RFC 4443 §3.4), from {@code from}; as much of the offending packet as fits in 1280 bytes.
     */
    void sendParameterProblem(Inet6Address from, Ipv6Packet offending, int mobilityHeaderOffset) throws IOException {
        byte[] orig = Ipv6PacketCodec.encode(offending);
        int upper = Ipv6PacketCodec.upperLayerOffset(orig, offending);
        int quoted = Math.min(orig.length, 1280 - 40 - 8);
        byte[] icmp = new byte[8 + quoted];
        icmp[0] = 4;
        int pointer = upper + mobilityHeaderOffset;
        icmp[4] = (byte) (pointer >>> 24);
        icmp[5] = (byte) (pointer >>> 16);
        icmp[6] = (byte) (pointer >>> 8);
        icmp[7] = (byte) pointer;
        System.arraycopy(orig, 0, icmp, 8, quoted);
        byte[] dst = offending.source().getAddress();
        int c = Checksums.checksum(from.getAddress(), dst, 58, icmp);
        icmp[2] = (byte) (c >>> 8);
        icmp[3] = (byte) c;
        byte[] pkt = new byte[40 + icmp.length];
        pkt[0] = 0x60;
        pkt[4] = (byte) (icmp.length >>> 8);
        pkt[5] = (byte) icmp.length;
        pkt[6] = 58;
        pkt[7] = 64;
        System.arraycopy(from.getAddress(), 0, pkt, 8, 16);
        System.arraycopy(dst, 0, pkt, 24, 16);
        System.arraycopy(icmp, 0, pkt, 40, icmp.length);
        raw.sendPacket(pkt, null);
    }
}
