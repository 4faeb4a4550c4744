package org.vanycast.mipv6.api;

import java.util.List;

/**
 * Home Test Init, MH Type 1 (RFC 6275 §5.2.5, 6.1.3): starts the home address test of return
 * routability. Sent by the mobile node; the correspondent answers statelessly with a
 * Home Test echoing the cookie.
 *
 * <pre>
 *                                 +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *                                 |           Reserved            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                                                               |
 * +                  Home Init Cookie                             |
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * .                        Mobility Options                       .
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * @param homeInitCookie the 64-bit Home Init Cookie, as a Java long (bit pattern, not a number)
 */
public record HomeTestInit(long homeInitCookie, List<MobilityOption> options) implements MobilityMessage {
    public HomeTestInit {
        options = Fields.options(options);
    }

    /** Without options. */
    public HomeTestInit(long homeInitCookie) {
        this(homeInitCookie, List.of());
    }

    public MobilityHeaderType type() {
        return MobilityHeaderType.HOME_TEST_INIT;
    }

    public int fixedLength() {
        return 10;
    }
}
