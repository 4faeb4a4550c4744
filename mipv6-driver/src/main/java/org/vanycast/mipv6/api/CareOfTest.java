package org.vanycast.mipv6.api;

import java.util.List;

/**
 * Care-of Test, MH Type 4 (RFC 6275 §5.2.5, 6.1.6): the correspondent's stateless answer to a Care-of Test
 * Init, carrying the care-of keygen token and the index of the nonce it was made from.
 *
 * <pre>
 *                                 +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *                                 |     Care-of Nonce Index       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                                                               |
 * +                  Care-of Init Cookie                          |
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                                                               |
 * +                  Care-of Keygen Token                         |
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * .                        Mobility options                       .
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * @param careOfNonceIndex 16-bit nonce index
 * @param careOfInitCookie the cookie from the Init message (64-bit pattern)
 * @param careOfKeygenToken the 64-bit keygen token (bit pattern)
 */
public record CareOfTest(int careOfNonceIndex, long careOfInitCookie, long careOfKeygenToken, List<MobilityOption> options)
        implements MobilityMessage {
    public CareOfTest {
        Fields.check16("Care-of Nonce Index", careOfNonceIndex);
        options = Fields.options(options);
    }

    /** Without options. */
    public CareOfTest(int careOfNonceIndex, long careOfInitCookie, long careOfKeygenToken) {
        this(careOfNonceIndex, careOfInitCookie, careOfKeygenToken, List.of());
    }

    public MobilityHeaderType type() {
        return MobilityHeaderType.CARE_OF_TEST;
    }

    public int fixedLength() {
        return 18;
    }
}
