package org.vanycast.mipv6.api;

import java.net.Inet6Address;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * A mobility option (RFC 6275 §6.2): type-length-value in the options area of a Mobility Header.
 *
 * <pre>
 *  0                   1
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+- - - - - - - - -
 * |  Option Type  | Option Length |   Option Data...
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+- - - - - - - - -
 * </pre>
 *
 * Option Length excludes the type and length octets. Unknown options are kept as
 * {@link Unknown} and re-encoded byte for byte (§6.2.1: receivers skip unknown options).
 * Alignment requirements (xn+y, counted from the start of the Mobility Header) are given by
 * {@link #alignment()} and applied by {@link MobilityOptions#aligned}.
 */
public sealed interface MobilityOption {

    /** The option type code. */
    MobilityOptionType type();

    /** Octets this option occupies on the wire, type and length included. */
    int encodedLength();

    /** Alignment requirement as {@code {x, y}}: the option must start at offset xn+y. */
    default int[] alignment() {
        return new int[] {1, 0};
    }

    /**
     * Pad1 (RFC 6275 §6.2.2): a single zero octet, no length field.
     *
     * <pre>
     *  0 1 2 3 4 5 6 7
     * +-+-+-+-+-+-+-+-+
     * |   Type = 0    |
     * +-+-+-+-+-+-+-+-+
     * </pre>
     */
    record Pad1() implements MobilityOption {
        public MobilityOptionType type() { return MobilityOptionType.PAD1; }
        public int encodedLength() { return 1; }
    }

    /**
     * PadN (RFC 6275 §6.2.3): {@code dataLength} zero octets of padding (content ignored on receipt).
     *
     * <pre>
     *  0                   1
     *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+- - - - - - - - -
     * |   Type = 1    | Option Length | Option Data
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+- - - - - - - - -
     * </pre>
     */
    record PadN(int dataLength) implements MobilityOption {
        public PadN {
            if (dataLength < 0 || dataLength > 255) {
                throw new IllegalArgumentException("PadN length " + dataLength);
            }
        }
        public MobilityOptionType type() { return MobilityOptionType.PADN; }
        public int encodedLength() { return 2 + dataLength; }
    }

    /**
     * Binding Refresh Advice (RFC 6275 §6.2.4), alignment 2n. Refresh Interval in units of 4 s.
     *
     * <pre>
     *                                 +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     *                                 |   Type = 2    |   Length = 2  |
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * |       Refresh Interval        |
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * </pre>
     */
    record BindingRefreshAdvice(int refreshInterval) implements MobilityOption {
        public BindingRefreshAdvice {
            Fields.check16("Refresh Interval", refreshInterval);
        }
        public MobilityOptionType type() { return MobilityOptionType.BINDING_REFRESH_ADVICE; }
        public int encodedLength() { return 4; }
        public int[] alignment() { return new int[] {2, 0}; }
    }

    /**
     * Alternate Care-of Address (RFC 6275 §6.2.5), alignment 8n+6.
     *
     * <pre>
     *                                 +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     *                                 |   Type = 3    |  Length = 16  |
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * |                   Alternate Care-of Address (128 bits)        |
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * </pre>
     */
    record AlternateCareOfAddress(Inet6Address address) implements MobilityOption {
        public AlternateCareOfAddress {
            Fields.requireAddress("Alternate Care-of Address", address);
        }
        public MobilityOptionType type() { return MobilityOptionType.ALTERNATE_CARE_OF_ADDRESS; }
        public int encodedLength() { return 18; }
        public int[] alignment() { return new int[] {8, 6}; }
    }

    /**
     * Nonce Indices (RFC 6275 §6.2.6), alignment 2n.
     *
     * <pre>
     *                                 +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     *                                 |   Type = 4    |   Length = 4  |
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * |         Home Nonce Index      |     Care-of Nonce Index       |
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * </pre>
     */
    record NonceIndices(int homeNonceIndex, int careOfNonceIndex) implements MobilityOption {
        public NonceIndices {
            Fields.check16("Home Nonce Index", homeNonceIndex);
            Fields.check16("Care-of Nonce Index", careOfNonceIndex);
        }
        public MobilityOptionType type() { return MobilityOptionType.NONCE_INDICES; }
        public int encodedLength() { return 6; }
        public int[] alignment() { return new int[] {2, 0}; }
    }

    /**
     * Binding Authorization Data (RFC 6275 §6.2.7), alignment 8n+2; must be the last option.
     * For return routability the authenticator is 96 bits (see {@link ReturnRoutabilityKeys}).
     *
     * <pre>
     *                                 +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     *                                 |   Type = 5    | Option Length |
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * |                         Authenticator                         |
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * </pre>
     */
    record BindingAuthorizationData(byte[] authenticator) implements MobilityOption {
        public BindingAuthorizationData {
            if (authenticator.length > 255) {
                throw new IllegalArgumentException("authenticator longer than 255 octets");
            }
            authenticator = authenticator.clone();
        }
        public byte[] authenticator() { return authenticator.clone(); }
        public MobilityOptionType type() { return MobilityOptionType.BINDING_AUTHORIZATION_DATA; }
        public int encodedLength() { return 2 + authenticator.length; }
        public int[] alignment() { return new int[] {8, 2}; }
        @Override public boolean equals(Object o) {
            return o instanceof BindingAuthorizationData b && Arrays.equals(authenticator, b.authenticator);
        }
        @Override public int hashCode() { return Arrays.hashCode(authenticator); }
        @Override public String toString() {
            return "BindingAuthorizationData[" + HexFormat.of().formatHex(authenticator) + "]";
        }
    }

    /** An option this implementation does not interpret; kept verbatim (RFC 6275 §6.2.1). */
    record Unknown(MobilityOptionType type, byte[] data) implements MobilityOption {
        public Unknown {
            if (type.value() <= 5 && type.isKnown()) {
                throw new IllegalArgumentException("option type " + type + " has its own record");
            }
            if (data.length > 255) {
                throw new IllegalArgumentException("option data longer than 255 octets");
            }
            data = data.clone();
        }
        public byte[] data() { return data.clone(); }
        public int encodedLength() { return 2 + data.length; }
        @Override public boolean equals(Object o) {
            return o instanceof Unknown u && u.type.equals(type) && Arrays.equals(data, u.data);
        }
        @Override public int hashCode() { return type.hashCode() * 31 + Arrays.hashCode(data); }
        @Override public String toString() {
            return "Unknown[type=" + type.value() + ", data=" + HexFormat.of().formatHex(data) + "]";
        }
    }
}
