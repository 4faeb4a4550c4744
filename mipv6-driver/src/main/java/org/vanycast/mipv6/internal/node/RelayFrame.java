package org.vanycast.mipv6.internal.node;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * One datagram of the home-test relay between the nodes of a group: an acceptor's Home Test
 * Init going to the contact node (which sends it from X), or the client's Home Test coming
 * back. Authenticated with HMAC-SHA256 under a key derived from the group's home-registration
 * secret, because a forged relay request would make the contact node reveal a home keygen
 * token to whoever asked.
 *
 * <pre>
 *  0      2      3      4              12             20       24
 * +------+------+------+--------------+--------------+--------+---------------+----------+
 * | "VR" | ver  | type | time (ms)    | nonce        | length | IPv6 packet   | HMAC (32)|
 * +------+------+------+--------------+--------------+--------+---------------+----------+
 * </pre>
 */
record RelayFrame(int type, long timeMillis, long nonce, byte[] packet) {
    static final int HOME_TEST_INIT = 1;
    static final int HOME_TEST = 2;
    static final int VERSION = 1;
    static final int HEADER = 24;
    static final int MAC = 32;
    static final int MAX_PACKET = 1280;

    /** Why a datagram was refused; the relay counts these. */
    static final class Rejected extends Exception {
        private final String counter;

        Rejected(String counter, String message) {
            super(message);
            this.counter = counter;
        }

        String counter() {
            return counter;
        }
    }

    /** The relay key: HMAC-SHA256(secret, label), so the home-registration keys themselves are never used here. */
    static byte[] key(byte[] secret) {
        return hmac(secret, "vanycast home-test relay v1".getBytes(StandardCharsets.US_ASCII), 0, -1);
    }

    byte[] encode(byte[] key) {
        ByteBuffer b = ByteBuffer.allocate(HEADER + packet.length + MAC);
        b.put((byte) 'V').put((byte) 'R').put((byte) VERSION).put((byte) type).putLong(timeMillis).putLong(nonce)
                .putInt(packet.length).put(packet);
        b.put(hmac(key, b.array(), 0, HEADER + packet.length));
        return b.array();
    }

    static RelayFrame decode(byte[] key, byte[] d, int length) throws Rejected {
        if (length < HEADER + MAC) {
            throw new Rejected("truncated", "relay datagram of " + length + " bytes");
        }
        if (d[0] != 'V' || d[1] != 'R') {
            throw new Rejected("bad-magic", "not a relay datagram");
        }
        if (d[2] != VERSION) {
            throw new Rejected("bad-version", "relay version " + d[2]);
        }
        ByteBuffer b = ByteBuffer.wrap(d, 0, length);
        int type = d[3];
        b.position(4);
        long time = b.getLong();
        long nonce = b.getLong();
        int n = b.getInt();
        if (n < 0 || n > MAX_PACKET || HEADER + n + MAC != length) {
            throw new Rejected("bad-length", "relay packet length " + n + " in a datagram of " + length);
        }
        byte[] expected = hmac(key, d, 0, HEADER + n);
        if (!MessageDigest.isEqual(expected, Arrays.copyOfRange(d, HEADER + n, length))) {
            throw new Rejected("bad-mac", "relay datagram not authenticated");
        }
        if (type != HOME_TEST_INIT && type != HOME_TEST) {
            throw new Rejected("bad-type", "relay type " + type);
        }
        return new RelayFrame(type, time, nonce, Arrays.copyOfRange(d, HEADER, HEADER + n));
    }

    private static byte[] hmac(byte[] key, byte[] data, int off, int len) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update(data, off, len < 0 ? data.length : len);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
