package org.vanycast.mipv6.api;

import java.net.Inet6Address;
import java.util.Arrays;

/**
 * Wire form of {@link Ipv6Packet}: the IPv6 header and the extension headers Mobile IPv6 uses.
 *
 * <p>Home Address destination option (RFC 6275 §6.3), alignment 8n+6, in a Destination Options
 * header (Next Header 60):
 * <pre>
 *                                 +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *                                 |  Option Type  | Option Length |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                   Home Address (128 bits)                     |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * Option Type 201 (0xC9), Option Length 16.
 *
 * <p>Type 2 routing header (RFC 6275 §6.4), Next Header 43:
 * <pre>
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Next Header  | Hdr Ext Len=2 | Routing Type=2|Segments Left=1|
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                            Reserved                           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         Home Address                          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>Decoding walks Hop-by-Hop (0), Routing (43) and Destination Options (60) headers and stops
 * at the first other Next Header (the upper layer, including Fragment 44). Only
 * {@link MalformedMobilityHeaderException} is thrown, with the offset in the packet.
 */
public final class Ipv6PacketCodec {
    /** Option Type of the Home Address destination option. */
    public static final int HOME_ADDRESS_OPTION = 201;
    /** Routing Type of the type 2 routing header. */
    public static final int ROUTING_TYPE_2 = 2;
    private static final int HOP_BY_HOP = 0;
    private static final int ROUTING = 43;
    private static final int DESTINATION_OPTIONS = 60;

    private Ipv6PacketCodec() {
    }

    /** Decodes a whole IPv6 packet; octets beyond Payload Length (link padding) are ignored. */
    public static Ipv6Packet decode(byte[] p) throws MalformedMobilityHeaderException {
        if (p.length < 40) {
            throw new MalformedMobilityHeaderException("IPv6 header truncated: " + p.length + " octets", p.length);
        }
        if ((p[0] & 0xf0) != 0x60) {
            throw new MalformedMobilityHeaderException("IP version " + ((p[0] & 0xff) >>> 4) + ", expected 6", 0);
        }
        int trafficClass = ((p[0] & 0x0f) << 4) | ((p[1] & 0xff) >>> 4);
        int flowLabel = ((p[1] & 0x0f) << 16) | OptionCodec.u16(p, 2);
        int payloadLength = OptionCodec.u16(p, 4);
        if (40 + payloadLength > p.length) {
            throw new MalformedMobilityHeaderException("Payload Length " + payloadLength + " exceeds the "
                    + (p.length - 40) + " octets present", 4);
        }
        int end = 40 + payloadLength;
        int nextHeader = p[6] & 0xff;
        int hopLimit = p[7] & 0xff;
        Inet6Address source = OptionCodec.address(p, 8);
        Inet6Address destination = OptionCodec.address(p, 24);
        Inet6Address hao = null;
        Inet6Address rh2 = null;
        int pos = 40;
        while (nextHeader == HOP_BY_HOP || nextHeader == ROUTING || nextHeader == DESTINATION_OPTIONS) {
            if (pos + 8 > end) {
                throw new MalformedMobilityHeaderException("extension header " + nextHeader + " truncated", pos);
            }
            int len = ((p[pos + 1] & 0xff) + 1) * 8;
            if (pos + len > end) {
                throw new MalformedMobilityHeaderException("extension header " + nextHeader + " length " + len
                        + " runs past the payload", pos + 1);
            }
            if (nextHeader == DESTINATION_OPTIONS) {
                Inet6Address a = homeAddressOption(p, pos + 2, pos + len);
                if (a != null) {
                    if (hao != null) {
                        throw new MalformedMobilityHeaderException("second Home Address option", pos);
                    }
                    hao = a;
                }
            } else if (nextHeader == ROUTING && (p[pos + 2] & 0xff) == ROUTING_TYPE_2) {
                if (len != 24) {
                    throw new MalformedMobilityHeaderException("type 2 routing header Hdr Ext Len "
                            + (p[pos + 1] & 0xff) + ", expected 2", pos + 1);
                }
                if ((p[pos + 3] & 0xff) > 1) {
                    throw new MalformedMobilityHeaderException("type 2 routing header Segments Left "
                            + (p[pos + 3] & 0xff) + ", expected 1", pos + 3);
                }
                if (rh2 != null) {
                    throw new MalformedMobilityHeaderException("second type 2 routing header", pos);
                }
                rh2 = OptionCodec.address(p, pos + 8);
            }
            nextHeader = p[pos] & 0xff;
            pos += len;
        }
        return new Ipv6Packet(trafficClass, flowLabel, hopLimit, source, destination, hao, rh2, nextHeader,
                Arrays.copyOfRange(p, pos, end));
    }

    /** Offset in {@code packet} where the upper-layer data of its decoded form starts. */
    public static int upperLayerOffset(byte[] packet, Ipv6Packet decoded) {
        return 40 + OptionCodec.u16(packet, 4) - decoded.upperLayerLength();
    }

    private static Inet6Address homeAddressOption(byte[] p, int i, int end) throws MalformedMobilityHeaderException {
        Inet6Address found = null;
        while (i < end) {
            int type = p[i] & 0xff;
            if (type == 0) {
                i++;
                continue;
            }
            if (i + 2 > end) {
                throw new MalformedMobilityHeaderException("destination option " + type + " has no length", i);
            }
            int len = p[i + 1] & 0xff;
            if (i + 2 + len > end) {
                throw new MalformedMobilityHeaderException("destination option " + type + " length " + len
                        + " runs past the header", i + 1);
            }
            if (type == HOME_ADDRESS_OPTION) {
                if (len != 16) {
                    throw new MalformedMobilityHeaderException("Home Address option length " + len
                            + ", expected 16", i + 1);
                }
                if (found != null) {
                    throw new MalformedMobilityHeaderException("second Home Address option", i);
                }
                found = OptionCodec.address(p, i + 2);
            }
            i += 2 + len;
        }
        return found;
    }

    /**
     * Encodes {@code packet}: IPv6 header, then a type 2 routing header if
     * {@link Ipv6Packet#routingHomeAddress()} is set, then a Destination Options header with the
     * Home Address option if {@link Ipv6Packet#homeAddress()} is set (RFC 8200 §4.1 order), then
     * the upper-layer data verbatim (its checksum is not touched).
     */
    public static byte[] encode(Ipv6Packet packet) {
        int ext = (packet.routingHomeAddress() != null ? 24 : 0) + (packet.homeAddress() != null ? 24 : 0);
        int payload = ext + packet.upperLayerLength();
        if (payload > 0xffff) {
            throw new IllegalArgumentException("payload of " + payload + " octets needs a jumbogram");
        }
        byte[] b = new byte[40 + payload];
        b[0] = (byte) (0x60 | (packet.trafficClass() >>> 4));
        b[1] = (byte) (((packet.trafficClass() & 0x0f) << 4) | (packet.flowLabel() >>> 16));
        OptionCodec.put16(b, 2, packet.flowLabel() & 0xffff);
        OptionCodec.put16(b, 4, payload);
        b[7] = (byte) packet.hopLimit();
        System.arraycopy(packet.source().getAddress(), 0, b, 8, 16);
        System.arraycopy(packet.destination().getAddress(), 0, b, 24, 16);
        int nhField = 6;
        int pos = 40;
        if (packet.routingHomeAddress() != null) {
            b[nhField] = (byte) ROUTING;
            nhField = pos;
            b[pos + 1] = 2;
            b[pos + 2] = ROUTING_TYPE_2;
            b[pos + 3] = 1;
            System.arraycopy(packet.routingHomeAddress().getAddress(), 0, b, pos + 8, 16);
            pos += 24;
        }
        if (packet.homeAddress() != null) {
            b[nhField] = (byte) DESTINATION_OPTIONS;
            nhField = pos;
            b[pos + 1] = 2;
            // PadN of 4 octets puts the option at 8n+6 as §6.3 requires.
            b[pos + 2] = 1;
            b[pos + 3] = 2;
            b[pos + 6] = (byte) HOME_ADDRESS_OPTION;
            b[pos + 7] = 16;
            System.arraycopy(packet.homeAddress().getAddress(), 0, b, pos + 8, 16);
            pos += 24;
        }
        b[nhField] = (byte) packet.upperLayerProtocol();
        System.arraycopy(packet.upperLayerNoCopy(), 0, b, pos, packet.upperLayerLength());
        return b;
    }
}
