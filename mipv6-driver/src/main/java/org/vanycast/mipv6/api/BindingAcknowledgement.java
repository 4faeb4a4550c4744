package org.vanycast.mipv6.api;

import java.util.List;

/**
 * Binding Acknowledgement, MH Type 6 (RFC 6275 §6.1.8).
 *
 * <pre>
 *                                 +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *                                 |    Status     |K|  Reserved   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           Sequence #          |           Lifetime            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * .                        Mobility options                       .
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * @param status Status (open enum; below 128 means accepted)
 * @param flags the 8 bits holding K|Reserved, K in the most significant bit (kept whole)
 * @param sequence Sequence # copied from the Binding Update (or the last accepted one for 135)
 * @param lifetime granted Lifetime in units of 4 seconds
 * @param options mobility options, padding included
 */
public record BindingAcknowledgement(BindingAckStatus status, int flags, int sequence, int lifetime,
        List<MobilityOption> options) implements MobilityMessage {
    /** K: Key Management Mobility Capability. */
    public static final int FLAG_KEY_MANAGEMENT = 0x80;

    public BindingAcknowledgement {
        java.util.Objects.requireNonNull(status, "status");
        Fields.check8("flags", flags);
        Fields.check16("Sequence #", sequence);
        Fields.check16("Lifetime", lifetime);
        options = Fields.options(options);
    }

    public boolean keyManagement() {
        return (flags & FLAG_KEY_MANAGEMENT) != 0;
    }

    /** Lifetime in seconds (the field counts units of 4 s). */
    public long lifetimeSeconds() {
        return lifetime * 4L;
    }

    public MobilityHeaderType type() {
        return MobilityHeaderType.BINDING_ACKNOWLEDGEMENT;
    }

    public int fixedLength() {
        return 6;
    }
}
