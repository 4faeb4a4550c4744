package org.vanycast.mipv6.api;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * A Mobility Header whose MH Type this implementation does not interpret (RFC 6275 §9.2: the
 * correspondent answers with Binding Error status 2). The Message Data after the 6-octet
 * common header is kept verbatim, so it re-encodes unchanged.
 *
 * @param type the MH Type (not one of 0..7)
 * @param data every octet after the Checksum field up to the end of the header
 */
public record UnknownMobilityMessage(MobilityHeaderType type, byte[] data) implements MobilityMessage {
    public UnknownMobilityMessage {
        if (type.isKnown()) {
            throw new IllegalArgumentException("MH Type " + type + " has its own record");
        }
        if ((data.length + 6) % 8 != 0 || data.length + 6 > 2048) {
            throw new IllegalArgumentException("message data must make the header a multiple of 8 octets, at most 2048");
        }
        data = data.clone();
    }

    public byte[] data() {
        return data.clone();
    }

    /** Unknown messages are not parsed for options. */
    public List<MobilityOption> options() {
        return List.of();
    }

    public int fixedLength() {
        return data.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UnknownMobilityMessage u && u.type.equals(type) && Arrays.equals(u.data, data);
    }

    @Override
    public int hashCode() {
        return type.hashCode() * 31 + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "UnknownMobilityMessage[type=" + type.value() + ", data=" + HexFormat.of().formatHex(data) + "]";
    }
}
