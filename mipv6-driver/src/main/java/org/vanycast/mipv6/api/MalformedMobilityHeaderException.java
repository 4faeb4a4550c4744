package org.vanycast.mipv6.api;

/**
 * The only exception the decoders raise: the input is truncated, inconsistent or otherwise not a
 * valid Mobility Header / IPv6 packet. {@link #offset()} is the index (in the array given to the
 * decoder) of the octet where the problem was found, suitable for an ICMPv6 Parameter Problem
 * pointer or a diagnostic.
 */
public class MalformedMobilityHeaderException extends Exception {
    private static final long serialVersionUID = 1L;
    private final int offset;
    private final String reason;

    public MalformedMobilityHeaderException(String reason, int offset) {
        super(reason + " (at byte " + offset + ")");
        this.reason = reason;
        this.offset = offset;
    }

    /** Index of the offending octet in the decoder's input array. */
    public int offset() {
        return offset;
    }

    /** What is wrong, without the offset. */
    public String reason() {
        return reason;
    }
}
