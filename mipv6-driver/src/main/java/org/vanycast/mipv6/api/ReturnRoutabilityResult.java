package org.vanycast.mipv6.api;

import java.net.Inet6Address;
import java.nio.ByteBuffer;

/**
 * The outcome of one return-routability exchange (RFC 6275 §5.2.5): both keygen tokens with
 * their nonce indices. This is what the versatile-anycast Prepare step obtains in advance and
 * hands to the node that will send the Binding Update ({@link MobileNodeSession#handoff}).
 *
 * @param homeAddress the home address the home keygen token was issued for
 * @param careOfAddress the care-of address the care-of keygen token was issued for
 * @param correspondent the correspondent node that issued them
 * @param homeNonceIndex index carried in the Home Test
 * @param homeKeygenToken the home keygen token
 * @param careOfNonceIndex index carried in the Care-of Test
 * @param careOfKeygenToken the care-of keygen token
 * @param obtainedNanos when the older of the two tokens arrived, on the local clock
 */
public record ReturnRoutabilityResult(Inet6Address homeAddress, Inet6Address careOfAddress,
        Inet6Address correspondent, int homeNonceIndex, long homeKeygenToken, int careOfNonceIndex,
        long careOfKeygenToken, long obtainedNanos) {
    /** Octets of {@link #toBytes(long)}. */
    public static final int ENCODED_LENGTH = 1 + 48 + 2 + 8 + 2 + 8 + 8;
    private static final byte VERSION = 1;

    public ReturnRoutabilityResult {
        Fields.requireAddress("home address", homeAddress);
        Fields.requireAddress("care-of address", careOfAddress);
        Fields.requireAddress("correspondent", correspondent);
        Fields.check16("home nonce index", homeNonceIndex);
        Fields.check16("care-of nonce index", careOfNonceIndex);
    }

    /**
     * Kbm = SHA1(home keygen token | care-of keygen token), or SHA1(home keygen token) when the
     * care-of address is the home address (deregistration at home, §5.2.5).
     */
    public byte[] kbm() {
        return careOfAddress.equals(homeAddress) ? ReturnRoutabilityKeys.kbmDeregistration(homeKeygenToken)
                : ReturnRoutabilityKeys.kbm(homeKeygenToken, careOfKeygenToken);
    }

    /** Whether the tokens may still be used at {@code nowNanos} (MAX_TOKEN_LIFETIME). */
    public boolean usableAt(long nowNanos) {
        return nowNanos - obtainedNanos < MobilityConstants.MAX_TOKEN_LIFETIME;
    }

    /**
     * Wire form for shipping to another node: version, three addresses, indices, tokens and the
     * tokens' age at {@code nowNanos} (clocks of different hosts are unrelated, ages are not).
     */
    public byte[] toBytes(long nowNanos) {
        ByteBuffer b = ByteBuffer.allocate(ENCODED_LENGTH);
        b.put(VERSION).put(homeAddress.getAddress()).put(careOfAddress.getAddress()).put(correspondent.getAddress());
        b.putShort((short) homeNonceIndex).putLong(homeKeygenToken);
        b.putShort((short) careOfNonceIndex).putLong(careOfKeygenToken);
        b.putLong(Math.max(0, nowNanos - obtainedNanos));
        return b.array();
    }

    /** Inverse of {@link #toBytes(long)}, re-anchoring the age on this host's clock. */
    public static ReturnRoutabilityResult fromBytes(byte[] data, long nowNanos) throws MalformedMobilityHeaderException {
        if (data.length != ENCODED_LENGTH) {
            throw new MalformedMobilityHeaderException("return routability result of " + data.length
                    + " octets, expected " + ENCODED_LENGTH, Math.min(data.length, ENCODED_LENGTH));
        }
        if (data[0] != VERSION) {
            throw new MalformedMobilityHeaderException("unknown return routability result version " + data[0], 0);
        }
        long age = OptionCodec.u64(data, ENCODED_LENGTH - 8);
        if (age < 0) {
            throw new MalformedMobilityHeaderException("negative token age", ENCODED_LENGTH - 8);
        }
        return new ReturnRoutabilityResult(OptionCodec.address(data, 1), OptionCodec.address(data, 17),
                OptionCodec.address(data, 33), OptionCodec.u16(data, 49), OptionCodec.u64(data, 51),
                OptionCodec.u16(data, 59), OptionCodec.u64(data, 61), nowNanos - age);
    }
}
