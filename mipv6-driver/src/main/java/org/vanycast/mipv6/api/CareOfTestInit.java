package org.vanycast.mipv6.api;

import java.util.List;

/**
 * Care-of Test Init, MH Type 2 (RFC 6275 §5.2.5, 6.1.4): starts the care-of address test of return
 * routability. Sent by the mobile node; the correspondent answers statelessly with a
 * Care-of Test echoing the cookie.
 *
 * <pre>
 *                                 +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *                                 |           Reserved            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                                                               |
 * +                  Care-of Init Cookie                          |
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * .                        Mobility Options                       .
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * @param careOfInitCookie the 64-bit Care-of Init Cookie, as a Java long (bit pattern, not a number)
 */
public record CareOfTestInit(long careOfInitCookie, List<MobilityOption> options) implements MobilityMessage {
    public CareOfTestInit {
        options = Fields.options(options);
    }

    /** Without options. */
    public CareOfTestInit(long careOfInitCookie) {
        this(careOfInitCookie, List.of());
    }

    public MobilityHeaderType type() {
        return MobilityHeaderType.CARE_OF_TEST_INIT;
    }

    public int fixedLength() {
        return 10;
    }
}
