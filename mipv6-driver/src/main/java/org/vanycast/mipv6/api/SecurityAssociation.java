package org.vanycast.mipv6.api;

import java.net.Inet6Address;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.Arrays;
import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.digests.SHA1Digest;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * One direction of the IPsec protection RFC 4877 requires between a mobile node and its home
 * agent for Binding Updates and Acknowledgements: ESP (RFC 4303) in transport mode with NULL
 * encryption (RFC 2410) and an integrity algorithm — HMAC-SHA1-96 (RFC 2404) or
 * HMAC-SHA-256-128 (RFC 4868), computed with Bouncy Castle.
 *
 * <pre>
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |               Security Parameters Index (SPI)                 |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                      Sequence Number                          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |          Payload Data: the Mobility Header (NULL cipher)      |
 * +               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |               |     Padding 1, 2, 3... (0-3 octets)           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                               |  Pad Length   | Next Header   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         Integrity Check Value (ICV, over SPI..Next Header)    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>Mapping to RFC 4877 / the kernel: {@link #spi()} is the SPI of an XFRM state
 * {@code proto esp mode transport} with {@code auth hmac(sha1)} or {@code auth-trunc
 * hmac(sha256) ... 128} and {@code enc cipher_null}; {@link #source()}/{@link #destination()}
 * are its selector addresses (the mobile node's home address and the home agent's address,
 * RFC 4877 §4.1: the SA is bound to the home address, so a Binding Update's Home Address
 * option must match). The sequence counter and the 64-packet anti-replay window are those of
 * RFC 4303 §3.3.3 and §3.4.3 (32-bit sequence numbers, no ESN).
 *
 * <p>Takeover (versatile-anycast paper): {@link #export()} writes keys, counter and window; a
 * backup node calls {@link #importState(byte[], long)} with a sequence advance larger than the
 * number of packets the primary may have sent since the export, so the peer's anti-replay
 * window never sees a reused number. Not thread-safe.
 */
public final class SecurityAssociation {
    /** Integrity transforms: key length and ICV length in octets. */
    public enum Integrity {
        HMAC_SHA1_96(20, 12), HMAC_SHA256_128(32, 16);

        private final int keyLength;
        private final int icvLength;

        Integrity(int keyLength, int icvLength) {
            this.keyLength = keyLength;
            this.icvLength = icvLength;
        }

        public int keyLength() {
            return keyLength;
        }

        public int icvLength() {
            return icvLength;
        }

        Digest digest() {
            return this == HMAC_SHA1_96 ? new SHA1Digest() : new SHA256Digest();
        }
    }

    /** IANA protocol number of ESP. */
    public static final int IPPROTO_ESP = 50;
    private static final int WINDOW = 64;
    private static final byte EXPORT_VERSION = 1;

    private final int spi;
    private final Integrity integrity;
    private final byte[] key;
    private final Inet6Address source;
    private final Inet6Address destination;
    private final HMac hmac;
    private long outboundSequence;
    private long highestInbound;
    private long window;

    /**
     * @param spi Security Parameters Index (0..255 are reserved, RFC 4303 §2.1)
     * @param source selector source address (sender of packets on this SA)
     * @param destination selector destination address
     */
    public SecurityAssociation(int spi, Integrity integrity, byte[] key, Inet6Address source, Inet6Address destination) {
        if (Integer.compareUnsigned(spi, 256) < 0) {
            throw new IllegalArgumentException("SPI " + spi + " is reserved");
        }
        if (key.length != integrity.keyLength()) {
            throw new IllegalArgumentException(integrity + " needs a " + integrity.keyLength() + "-octet key");
        }
        Fields.requireAddress("source", source);
        Fields.requireAddress("destination", destination);
        this.spi = spi;
        this.integrity = integrity;
        this.key = key.clone();
        this.source = source;
        this.destination = destination;
        this.hmac = new HMac(integrity.digest());
        this.hmac.init(new KeyParameter(this.key));
    }

    public int spi() {
        return spi;
    }

    public Integrity integrity() {
        return integrity;
    }

    public Inet6Address source() {
        return source;
    }

    public Inet6Address destination() {
        return destination;
    }

    /** The sequence number the next protected packet will carry minus one. */
    public long outboundSequence() {
        return outboundSequence;
    }

    /** Wraps {@code payload} (upper-layer protocol {@code nextHeader}) in ESP. */
    public byte[] protect(int nextHeader, byte[] payload) {
        if (outboundSequence == 0xffff_ffffL) {
            throw new IllegalStateException("ESP sequence number exhausted on SPI " + spi + ": rekey");
        }
        outboundSequence++;
        int pad = Math.floorMod(-(payload.length + 2), 4);
        int icvAt = 8 + payload.length + pad + 2;
        byte[] b = new byte[icvAt + integrity.icvLength()];
        ByteBuffer.wrap(b).putInt(spi).putInt((int) outboundSequence).put(payload);
        for (int i = 0; i < pad; i++) {
            b[8 + payload.length + i] = (byte) (i + 1);
        }
        b[icvAt - 2] = (byte) pad;
        b[icvAt - 1] = (byte) nextHeader;
        byte[] icv = icv(b, icvAt);
        System.arraycopy(icv, 0, b, icvAt, icv.length);
        return b;
    }

    /** A Mobility Header packet whose payload is {@code message} protected by this SA. */
    public Ipv6Packet protect(Inet6Address packetSource, Inet6Address packetDestination, Inet6Address homeAddress,
            Inet6Address routingHomeAddress, MobilityMessage message) {
        Ipv6Packet clear = Ipv6Packet.mobility(packetSource, packetDestination, homeAddress, routingHomeAddress, message);
        return new Ipv6Packet(0, 0, 64, packetSource, packetDestination, homeAddress, routingHomeAddress, IPPROTO_ESP,
                protect(MobilityHeader.IPPROTO_MH, clear.upperLayerNoCopy()));
    }

    /** Result of {@link #unprotect}: either {@code failure} is set, or the inner protocol and payload. */
    public record Opened(DropReason failure, int nextHeader, byte[] payload) {
        public boolean ok() {
            return failure == null;
        }
    }

    /** SPI of an ESP packet, or -1 if too short to carry one. */
    public static long spiOf(byte[] esp) {
        return esp.length < 8 ? -1 : ByteBuffer.wrap(esp).getInt(0) & 0xffff_ffffL;
    }

    /**
     * Checks replay window and ICV (RFC 4303 §3.4.3–3.4.4, in that order) and returns the
     * payload. The window only advances for packets whose ICV verified.
     */
    public Opened unprotect(byte[] esp) {
        int icvLength = integrity.icvLength();
        if (esp.length < 8 + 2 + icvLength || spiOf(esp) != (spi & 0xffff_ffffL)) {
            return new Opened(DropReason.MALFORMED, -1, null);
        }
        long seq = ByteBuffer.wrap(esp).getInt(4) & 0xffff_ffffL;
        if (seq == 0 || !windowAllows(seq)) {
            return new Opened(DropReason.REPLAYED, -1, null);
        }
        int icvAt = esp.length - icvLength;
        if (!MessageDigest.isEqual(icv(esp, icvAt), Arrays.copyOfRange(esp, icvAt, esp.length))) {
            return new Opened(DropReason.AUTHENTICATION_FAILED, -1, null);
        }
        int pad = esp[icvAt - 2] & 0xff;
        int payloadEnd = icvAt - 2 - pad;
        if (payloadEnd < 8) {
            return new Opened(DropReason.MALFORMED, -1, null);
        }
        markSeen(seq);
        return new Opened(null, esp[icvAt - 1] & 0xff, Arrays.copyOfRange(esp, 8, payloadEnd));
    }

    private byte[] icv(byte[] b, int length) {
        byte[] full = new byte[hmac.getMacSize()];
        hmac.update(b, 0, length);
        hmac.doFinal(full, 0);
        return Arrays.copyOf(full, integrity.icvLength());
    }

    private boolean windowAllows(long seq) {
        if (seq > highestInbound) {
            return true;
        }
        long diff = highestInbound - seq;
        return diff < WINDOW && (window & (1L << diff)) == 0;
    }

    private void markSeen(long seq) {
        if (seq > highestInbound) {
            long shift = seq - highestInbound;
            window = shift >= WINDOW ? 1L : (window << shift) | 1L;
            highestInbound = seq;
        } else {
            window |= 1L << (highestInbound - seq);
        }
    }

    /** Keys and counters for a backup node. Treat the result as secret. */
    public byte[] export() {
        ByteBuffer b = ByteBuffer.allocate(1 + 4 + 1 + 1 + key.length + 32 + 8 + 8 + 8);
        b.put(EXPORT_VERSION).putInt(spi).put((byte) integrity.ordinal()).put((byte) key.length).put(key);
        b.put(source.getAddress()).put(destination.getAddress());
        b.putLong(outboundSequence).putLong(highestInbound).putLong(window);
        return b.array();
    }

    /**
     * Rebuilds an SA from {@link #export()}, advancing the outbound counter by
     * {@code sequenceAdvance} so the new owner never reuses a number the old one sent.
     */
    public static SecurityAssociation importState(byte[] exported, long sequenceAdvance)
            throws MalformedMobilityHeaderException {
        if (exported.length < 7 || exported[0] != EXPORT_VERSION) {
            throw new MalformedMobilityHeaderException("not a security association export", 0);
        }
        ByteBuffer b = ByteBuffer.wrap(exported);
        b.get();
        int spi = b.getInt();
        int alg = b.get() & 0xff;
        int keyLength = b.get() & 0xff;
        if (alg >= Integrity.values().length || keyLength != Integrity.values()[alg].keyLength()) {
            throw new MalformedMobilityHeaderException("unknown integrity algorithm or key length", 5);
        }
        if (exported.length != 7 + keyLength + 32 + 24) {
            throw new MalformedMobilityHeaderException("security association export of wrong length", exported.length);
        }
        byte[] key = new byte[keyLength];
        b.get(key);
        Inet6Address src = OptionCodec.address(exported, b.position());
        Inet6Address dst = OptionCodec.address(exported, b.position() + 16);
        b.position(b.position() + 32);
        SecurityAssociation sa;
        try {
            sa = new SecurityAssociation(spi, Integrity.values()[alg], key, src, dst);
        } catch (IllegalArgumentException e) {
            throw new MalformedMobilityHeaderException(e.getMessage(), 1);
        }
        sa.outboundSequence = Math.min(0xffff_ffffL, b.getLong() + Math.max(0, sequenceAdvance));
        sa.highestInbound = b.getLong();
        sa.window = b.getLong();
        return sa;
    }
}
