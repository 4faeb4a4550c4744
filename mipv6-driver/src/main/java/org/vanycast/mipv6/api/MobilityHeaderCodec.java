package org.vanycast.mipv6.api;

import static org.vanycast.mipv6.api.OptionCodec.put16;
import static org.vanycast.mipv6.api.OptionCodec.put64;
import static org.vanycast.mipv6.api.OptionCodec.u16;
import static org.vanycast.mipv6.api.OptionCodec.u64;

import java.net.Inet6Address;
import java.util.Arrays;


/**
 * Encoder and decoder of the Mobility Header (RFC 6275 §6.1) and its options (§6.2).
 *
 * <p>Decoding never throws anything but {@link MalformedMobilityHeaderException}, whose offset
 * is the index in the input array of the offending octet (for example 1, the Header Len field,
 * when the header is shorter than its MH Type requires — the octet an ICMP Parameter Problem
 * would point to, §9.2). It does not check the checksum or Payload Proto: those are receiver
 * policy ({@link MobilityChecksum}, {@link CorrespondentNode}). Decoding then encoding yields
 * the same octets, except that reserved fields are written as zero.
 */
public final class MobilityHeaderCodec {
    /** Largest header we accept: Header Len is one octet, so (255+1)*8 octets. */
    public static final int MAX_LENGTH = 2048;

    private MobilityHeaderCodec() {
    }

    /** Decodes a Mobility Header occupying the whole array. */
    public static MobilityHeader decode(byte[] mh) throws MalformedMobilityHeaderException {
        return decode(mh, 0, mh.length);
    }

    /**
     * Decodes the Mobility Header in {@code b[offset, offset+length)}; the header must fill
     * that range exactly (Header Len must agree with {@code length}).
     */
    public static MobilityHeader decode(byte[] b, int offset, int length) throws MalformedMobilityHeaderException {
        if (offset < 0 || length < 0 || offset + length > b.length) {
            throw new IllegalArgumentException("range outside the array");
        }
        if (length < 8) {
            throw new MalformedMobilityHeaderException("Mobility Header truncated: " + length
                    + " octets, at least 8 needed", offset + length);
        }
        int total = ((b[offset + 1] & 0xff) + 1) * 8;
        if (total > length) {
            throw new MalformedMobilityHeaderException("Header Len says " + total + " octets but only " + length
                    + " are present", offset + MobilityHeader.OFFSET_HEADER_LEN);
        }
        if (total < length) {
            throw new MalformedMobilityHeaderException((length - total) + " octets after the end of the"
                    + " Mobility Header (Header Len says " + total + ")", offset + total);
        }
        int payloadProto = b[offset] & 0xff;
        MobilityHeaderType type = MobilityHeaderType.valueOf(b[offset + 2] & 0xff);
        int checksum = u16(b, offset + 4);
        int d = offset + 6;
        int end = offset + total;
        MobilityMessage message;
        switch (type.value()) {
            case 0:
                need(type, 2, total, offset);
                message = new BindingRefreshRequest(OptionCodec.decode(b, d + 2, end));
                break;
            case 1:
                need(type, 10, total, offset);
                message = new HomeTestInit(u64(b, d + 2), OptionCodec.decode(b, d + 10, end));
                break;
            case 2:
                need(type, 10, total, offset);
                message = new CareOfTestInit(u64(b, d + 2), OptionCodec.decode(b, d + 10, end));
                break;
            case 3:
                need(type, 18, total, offset);
                message = new HomeTest(u16(b, d), u64(b, d + 2), u64(b, d + 10), OptionCodec.decode(b, d + 18, end));
                break;
            case 4:
                need(type, 18, total, offset);
                message = new CareOfTest(u16(b, d), u64(b, d + 2), u64(b, d + 10), OptionCodec.decode(b, d + 18, end));
                break;
            case 5:
                need(type, 6, total, offset);
                message = new BindingUpdate(u16(b, d), u16(b, d + 2), u16(b, d + 4), OptionCodec.decode(b, d + 6, end));
                break;
            case 6:
                need(type, 6, total, offset);
                message = new BindingAcknowledgement(BindingAckStatus.valueOf(b[d] & 0xff), b[d + 1] & 0xff,
                        u16(b, d + 2), u16(b, d + 4), OptionCodec.decode(b, d + 6, end));
                break;
            case 7:
                need(type, 18, total, offset);
                message = new BindingError(BindingErrorStatus.valueOf(b[d] & 0xff), OptionCodec.address(b, d + 2),
                        OptionCodec.decode(b, d + 18, end));
                break;
            default:
                message = new UnknownMobilityMessage(type, Arrays.copyOfRange(b, d, end));
        }
        return new MobilityHeader(payloadProto, checksum, message);
    }

    private static void need(MobilityHeaderType type, int fixed, int total, int offset)
            throws MalformedMobilityHeaderException {
        if (6 + fixed > total) {
            throw new MalformedMobilityHeaderException("Header Len too small for " + type.name() + ": "
                    + total + " octets, message data needs " + (6 + fixed), offset + MobilityHeader.OFFSET_HEADER_LEN);
        }
    }

    /** Octets {@link #encode(MobilityHeader)} produces for {@code message}. */
    public static int encodedLength(MobilityMessage message) {
        int n = 6 + message.fixedLength() + OptionCodec.length(message.options());
        return (n + 7) & ~7;
    }

    /**
     * Encodes with the header's Payload Proto and Checksum as given. Options are written in
     * list order; if they do not end on an 8-octet boundary, Pad1/PadN is appended.
     *
     * @throws IllegalArgumentException if the result would exceed {@link #MAX_LENGTH}
     */
    public static byte[] encode(MobilityHeader header) {
        MobilityMessage m = header.message();
        int len = encodedLength(m);
        if (len > MAX_LENGTH) {
            throw new IllegalArgumentException("Mobility Header of " + len + " octets exceeds " + MAX_LENGTH);
        }
        byte[] b = new byte[len];
        b[0] = (byte) header.payloadProto();
        b[1] = (byte) (len / 8 - 1);
        b[2] = (byte) m.type().value();
        put16(b, 4, header.checksum());
        int d = 6;
        if (m instanceof UnknownMobilityMessage u) {
            byte[] data = u.data();
            System.arraycopy(data, 0, b, d, data.length);
            return b;
        }
        writeFixed(m, b, d);
        int pos = OptionCodec.encode(m.options(), b, d + m.fixedLength());
        OptionCodec.encode(MobilityOptions.trailingPadding(pos), b, pos);
        return b;
    }

    /**
     * Encodes {@code message} with Payload Proto 59 and the checksum computed over the
     * pseudo-header of {@code source} and {@code destination} (pass the home address and the
     * final destination, see {@link MobilityChecksum}).
     */
    public static byte[] encode(MobilityMessage message, Inet6Address source, Inet6Address destination) {
        byte[] b = encode(MobilityHeader.of(message));
        MobilityChecksum.fill(source, destination, b, 0, b.length);
        return b;
    }

    private static void writeFixed(MobilityMessage m, byte[] b, int d) {
        if (m instanceof HomeTestInit h) {
            put64(b, d + 2, h.homeInitCookie());
        } else if (m instanceof CareOfTestInit c) {
            put64(b, d + 2, c.careOfInitCookie());
        } else if (m instanceof HomeTest h) {
            put16(b, d, h.homeNonceIndex());
            put64(b, d + 2, h.homeInitCookie());
            put64(b, d + 10, h.homeKeygenToken());
        } else if (m instanceof CareOfTest c) {
            put16(b, d, c.careOfNonceIndex());
            put64(b, d + 2, c.careOfInitCookie());
            put64(b, d + 10, c.careOfKeygenToken());
        } else if (m instanceof BindingUpdate u) {
            put16(b, d, u.sequence());
            put16(b, d + 2, u.flags());
            put16(b, d + 4, u.lifetime());
        } else if (m instanceof BindingAcknowledgement a) {
            b[d] = (byte) a.status().value();
            b[d + 1] = (byte) a.flags();
            put16(b, d + 2, a.sequence());
            put16(b, d + 4, a.lifetime());
        } else if (m instanceof BindingError e) {
            b[d] = (byte) e.status().value();
            System.arraycopy(e.homeAddress().getAddress(), 0, b, d + 2, 16);
        }
        // BindingRefreshRequest: only a Reserved field, already zero.
    }

}
