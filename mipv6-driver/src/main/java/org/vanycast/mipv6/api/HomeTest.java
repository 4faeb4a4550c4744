package org.vanycast.mipv6.api;

import java.util.List;

/**
 * Home Test, MH Type 3 (RFC 6275 §5.2.5, 6.1.5): the correspondent's stateless answer to a Home Test
 * Init, carrying the home keygen token and the index of the nonce it was made from.
 *
 * <pre>
 *                                 +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *                                 |     Home Nonce Index          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                                                               |
 * +                  Home Init Cookie                             |
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                                                               |
 * +                  Home Keygen Token                            |
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * .                        Mobility options                       .
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * @param homeNonceIndex 16-bit nonce index
 * @param homeInitCookie the cookie from the Init message (64-bit pattern)
 * @param homeKeygenToken the 64-bit keygen token (bit pattern)
 */
public record HomeTest(int homeNonceIndex, long homeInitCookie, long homeKeygenToken, List<MobilityOption> options)
        implements MobilityMessage {
    public HomeTest {
        Fields.check16("Home Nonce Index", homeNonceIndex);
        options = Fields.options(options);
    }

    /** Without options. */
    public HomeTest(int homeNonceIndex, long homeInitCookie, long homeKeygenToken) {
        this(homeNonceIndex, homeInitCookie, homeKeygenToken, List.of());
    }

    public MobilityHeaderType type() {
        return MobilityHeaderType.HOME_TEST;
    }

    public int fixedLength() {
        return 18;
    }
}
