package org.vanycast.mipv6.api;

import java.util.List;

/**
 * Binding Update, MH Type 5 (RFC 6275 §6.1.7): the mobile node tells a correspondent or its
 * home agent its current care-of address.
 *
 * <pre>
 *                                 +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *                                 |          Sequence #           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |A|H|L|K|        Reserved       |           Lifetime            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * .                        Mobility options                       .
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * The 16-bit flags word is kept whole (A, H, L, K and the bits later RFCs assign, such as
 * RFC 3963's R or RFC 5213's P) so it survives decode and encode.
 *
 * @param sequence Sequence # (16-bit, compared modulo 2^16)
 * @param flags the 16 bits holding A|H|L|K|Reserved, A in the most significant bit
 * @param lifetime Lifetime in units of 4 seconds; 0 requests deletion of the binding
 * @param options mobility options, padding included
 */
public record BindingUpdate(int sequence, int flags, int lifetime, List<MobilityOption> options)
        implements MobilityMessage {
    /** A: Acknowledge — the receiver must answer with a Binding Acknowledgement. */
    public static final int FLAG_ACK = 0x8000;
    /** H: Home Registration — the receiver should act as home agent. */
    public static final int FLAG_HOME_REGISTRATION = 0x4000;
    /** L: Link-Local Address Compatibility. */
    public static final int FLAG_LINK_LOCAL_COMPATIBILITY = 0x2000;
    /** K: Key Management Mobility Capability (IKE SA survives movement). */
    public static final int FLAG_KEY_MANAGEMENT = 0x1000;

    public BindingUpdate {
        Fields.check16("Sequence #", sequence);
        Fields.check16("flags", flags);
        Fields.check16("Lifetime", lifetime);
        options = Fields.options(options);
    }

    public boolean ack() {
        return (flags & FLAG_ACK) != 0;
    }

    public boolean homeRegistration() {
        return (flags & FLAG_HOME_REGISTRATION) != 0;
    }

    public boolean linkLocalCompatibility() {
        return (flags & FLAG_LINK_LOCAL_COMPATIBILITY) != 0;
    }

    public boolean keyManagement() {
        return (flags & FLAG_KEY_MANAGEMENT) != 0;
    }

    /** Lifetime in seconds (the field counts units of 4 s). */
    public long lifetimeSeconds() {
        return lifetime * 4L;
    }

    public MobilityHeaderType type() {
        return MobilityHeaderType.BINDING_UPDATE;
    }

    public int fixedLength() {
        return 6;
    }
}
