package org.vanycast.mipv6.api;

import java.util.Objects;

/**
 * A whole Mobility Header, IPv6 extension header / protocol 135 (RFC 6275 §6.1.1): the common
 * part plus the {@link MobilityMessage}.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Payload Proto |  Header Len   |   MH Type     |   Reserved    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           Checksum            |                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               |
 * |                                                               |
 * .                                                               .
 * .                       Message Data                            .
 * .                                                               .
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * Header Len (8-octet units, excluding the first 8) is derived when encoding. Payload Proto
 * must be {@link #IPPROTO_NONE} (59); the codec keeps other values so that a receiver can
 * answer with an ICMP Parameter Problem (§9.2).
 *
 * @param payloadProto Payload Proto (8 bits)
 * @param checksum Checksum (16 bits) as carried; see {@link MobilityChecksum}
 * @param message the message data
 */
public record MobilityHeader(int payloadProto, int checksum, MobilityMessage message) {
    /** IPPROTO_NONE, the only valid Payload Proto. */
    public static final int IPPROTO_NONE = 59;
    /** IANA protocol number of the Mobility Header. */
    public static final int IPPROTO_MH = 135;
    /** Offset of the Payload Proto field. */
    public static final int OFFSET_PAYLOAD_PROTO = 0;
    /** Offset of the Header Len field. */
    public static final int OFFSET_HEADER_LEN = 1;
    /** Offset of the MH Type field. */
    public static final int OFFSET_MH_TYPE = 2;
    /** Offset of the Checksum field. */
    public static final int OFFSET_CHECKSUM = 4;

    public MobilityHeader {
        Fields.check8("Payload Proto", payloadProto);
        Fields.check16("Checksum", checksum);
        Objects.requireNonNull(message, "message");
    }

    /** Payload Proto 59 and checksum 0 (to be computed when encoding with addresses). */
    public static MobilityHeader of(MobilityMessage message) {
        return new MobilityHeader(IPPROTO_NONE, 0, message);
    }
}
