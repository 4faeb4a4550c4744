package org.vanycast.mipv6.api;

import java.net.Inet6Address;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * An IPv6 packet as the mobility engine sees it: the IPv6 header (RFC 8200 §3), the Mobile IPv6
 * extension headers — Home Address destination option (RFC 6275 §6.3) and type 2 routing header
 * (§6.4) — and the upper-layer data after them (a Mobility Header when
 * {@link #upperLayerProtocol()} is 135). Wire form: {@link Ipv6PacketCodec}.
 *
 * <p>A raw-socket receiver that gets addresses and options as ancillary data can build this
 * record directly instead of decoding a whole packet.
 *
 * @param trafficClass Traffic Class (8 bits)
 * @param flowLabel Flow Label (20 bits)
 * @param hopLimit Hop Limit
 * @param source Source Address of the IPv6 header (the care-of address of a mobile node)
 * @param destination Destination Address of the IPv6 header
 * @param homeAddress the Home Address option's address, or {@code null} without one
 * @param routingHomeAddress the type 2 routing header's Home Address, or {@code null} without one
 * @param upperLayerProtocol Next Header value of the last extension header walked
 * @param upperLayer the octets after the extension headers (copied)
 */
public record Ipv6Packet(int trafficClass, int flowLabel, int hopLimit, Inet6Address source,
        Inet6Address destination, Inet6Address homeAddress, Inet6Address routingHomeAddress,
        int upperLayerProtocol, byte[] upperLayer) {

    public Ipv6Packet {
        Fields.check8("Traffic Class", trafficClass);
        if (flowLabel < 0 || flowLabel > 0xfffff) {
            throw new IllegalArgumentException("Flow Label out of 20-bit range: " + flowLabel);
        }
        Fields.check8("Hop Limit", hopLimit);
        Fields.requireAddress("Source Address", source);
        Fields.requireAddress("Destination Address", destination);
        Fields.check8("Next Header", upperLayerProtocol);
        upperLayer = upperLayer.clone();
    }

    /**
     * A packet carrying {@code message} in a Mobility Header, its checksum computed over the
     * right pseudo-header. Hop Limit 64.
     *
     * @param homeAddress Home Address option to add, or {@code null}
     * @param routingHomeAddress type 2 routing header address to add, or {@code null}
     */
    public static Ipv6Packet mobility(Inet6Address source, Inet6Address destination, Inet6Address homeAddress,
            Inet6Address routingHomeAddress, MobilityMessage message) {
        Inet6Address ps = homeAddress != null ? homeAddress : source;
        Inet6Address pd = routingHomeAddress != null ? routingHomeAddress : destination;
        byte[] mh = MobilityHeaderCodec.encode(message, ps, pd);
        return new Ipv6Packet(0, 0, 64, source, destination, homeAddress, routingHomeAddress,
                MobilityHeader.IPPROTO_MH, mh);
    }

    /** The upper-layer data (copy). */
    public byte[] upperLayer() {
        return upperLayer.clone();
    }

    /** Length of the upper-layer data. */
    public int upperLayerLength() {
        return upperLayer.length;
    }

    /** Pseudo-header source: the home address when a Home Address option is present. */
    public Inet6Address pseudoSource() {
        return homeAddress != null ? homeAddress : source;
    }

    /** Pseudo-header destination: the final destination (type 2 routing header address). */
    public Inet6Address pseudoDestination() {
        return routingHomeAddress != null ? routingHomeAddress : destination;
    }

    /** Whether this packet's upper layer is a Mobility Header. */
    public boolean isMobilityHeader() {
        return upperLayerProtocol == MobilityHeader.IPPROTO_MH;
    }

    /**
     * Decodes the Mobility Header.
     *
     * @throws MalformedMobilityHeaderException offsets count from the start of the Mobility Header
     * @throws IllegalStateException if the upper layer is not a Mobility Header
     */
    public MobilityHeader mobilityHeader() throws MalformedMobilityHeaderException {
        if (!isMobilityHeader()) {
            throw new IllegalStateException("upper layer is protocol " + upperLayerProtocol + ", not 135");
        }
        return MobilityHeaderCodec.decode(upperLayer);
    }

    /** Whether the Mobility Header's checksum is correct for this packet's pseudo-header. */
    public boolean mobilityChecksumValid() {
        return isMobilityHeader() && MobilityChecksum.verify(pseudoSource(), pseudoDestination(), upperLayer);
    }

    /** The raw Mobility Header octets (no copy; callers must not modify). Package use only. */
    byte[] upperLayerNoCopy() {
        return upperLayer;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Ipv6Packet p && p.trafficClass == trafficClass && p.flowLabel == flowLabel
                && p.hopLimit == hopLimit && p.source.equals(source) && p.destination.equals(destination)
                && Objects.equals(p.homeAddress, homeAddress) && Objects.equals(p.routingHomeAddress, routingHomeAddress)
                && p.upperLayerProtocol == upperLayerProtocol && Arrays.equals(p.upperLayer, upperLayer);
    }

    @Override
    public int hashCode() {
        return Objects.hash(source, destination, homeAddress, routingHomeAddress, upperLayerProtocol)
                * 31 + Arrays.hashCode(upperLayer);
    }

    @Override
    public String toString() {
        return "Ipv6Packet[src=" + source.getHostAddress() + ", dst=" + destination.getHostAddress()
                + (homeAddress != null ? ", hao=" + homeAddress.getHostAddress() : "")
                + (routingHomeAddress != null ? ", rh2=" + routingHomeAddress.getHostAddress() : "")
                + ", nh=" + upperLayerProtocol + ", data=" + HexFormat.of().formatHex(upperLayer) + "]";
    }
}
