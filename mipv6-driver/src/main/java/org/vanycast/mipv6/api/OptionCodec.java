package org.vanycast.mipv6.api;

import java.net.Inet6Address;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Wire form of mobility options (RFC 6275 §6.2); package-private helper of the codec. */
final class OptionCodec {
    private OptionCodec() {
    }

    /** Parses the options in {@code b[start, end)}. Offsets in exceptions are array indices. */
    static List<MobilityOption> decode(byte[] b, int start, int end) throws MalformedMobilityHeaderException {
        List<MobilityOption> out = new ArrayList<>(4);
        int i = start;
        while (i < end) {
            int type = b[i] & 0xff;
            if (type == 0) {
                out.add(new MobilityOption.Pad1());
                i++;
                continue;
            }
            if (i + 2 > end) {
                throw new MalformedMobilityHeaderException("mobility option type " + type + " has no length octet", i);
            }
            int len = b[i + 1] & 0xff;
            int data = i + 2;
            if (data + len > end) {
                throw new MalformedMobilityHeaderException("mobility option type " + type + " length " + len
                        + " runs past the end of the header", i + 1);
            }
            out.add(decodeOne(b, type, len, data, i + 1));
            i = data + len;
        }
        return out;
    }

    private static MobilityOption decodeOne(byte[] b, int type, int len, int data, int lenOffset)
            throws MalformedMobilityHeaderException {
        switch (type) {
            case 1:
                return new MobilityOption.PadN(len);
            case 2:
                expectLength("Binding Refresh Advice", len, 2, lenOffset);
                return new MobilityOption.BindingRefreshAdvice(u16(b, data));
            case 3:
                expectLength("Alternate Care-of Address", len, 16, lenOffset);
                return new MobilityOption.AlternateCareOfAddress(address(b, data));
            case 4:
                expectLength("Nonce Indices", len, 4, lenOffset);
                return new MobilityOption.NonceIndices(u16(b, data), u16(b, data + 2));
            case 5:
                return new MobilityOption.BindingAuthorizationData(Arrays.copyOfRange(b, data, data + len));
            default:
                return new MobilityOption.Unknown(MobilityOptionType.valueOf(type),
                        Arrays.copyOfRange(b, data, data + len));
        }
    }

    private static void expectLength(String what, int len, int expected, int lenOffset)
            throws MalformedMobilityHeaderException {
        if (len != expected) {
            throw new MalformedMobilityHeaderException(what + " option length " + len + ", expected " + expected,
                    lenOffset);
        }
    }

    /** Writes {@code options} at {@code pos}; returns the position after them. */
    static int encode(List<MobilityOption> options, byte[] b, int pos) {
        for (MobilityOption o : options) {
            pos = encodeOne(o, b, pos);
        }
        return pos;
    }

    static int length(List<MobilityOption> options) {
        int n = 0;
        for (MobilityOption o : options) {
            n += o.encodedLength();
        }
        return n;
    }

    private static int encodeOne(MobilityOption o, byte[] b, int pos) {
        b[pos] = (byte) o.type().value();
        if (o instanceof MobilityOption.Pad1) {
            return pos + 1;
        }
        b[pos + 1] = (byte) (o.encodedLength() - 2);
        int d = pos + 2;
        if (o instanceof MobilityOption.PadN p) {
            Arrays.fill(b, d, d + p.dataLength(), (byte) 0);
        } else if (o instanceof MobilityOption.BindingRefreshAdvice r) {
            put16(b, d, r.refreshInterval());
        } else if (o instanceof MobilityOption.AlternateCareOfAddress a) {
            System.arraycopy(a.address().getAddress(), 0, b, d, 16);
        } else if (o instanceof MobilityOption.NonceIndices n) {
            put16(b, d, n.homeNonceIndex());
            put16(b, d + 2, n.careOfNonceIndex());
        } else if (o instanceof MobilityOption.BindingAuthorizationData a) {
            byte[] auth = a.authenticator();
            System.arraycopy(auth, 0, b, d, auth.length);
        } else if (o instanceof MobilityOption.Unknown u) {
            byte[] data = u.data();
            System.arraycopy(data, 0, b, d, data.length);
        }
        return pos + o.encodedLength();
    }

    static int u16(byte[] b, int i) {
        return ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
    }

    static long u64(byte[] b, int i) {
        long v = 0;
        for (int k = 0; k < 8; k++) {
            v = (v << 8) | (b[i + k] & 0xff);
        }
        return v;
    }

    static void put16(byte[] b, int i, int v) {
        b[i] = (byte) (v >>> 8);
        b[i + 1] = (byte) v;
    }

    static void put64(byte[] b, int i, long v) {
        for (int k = 7; k >= 0; k--) {
            b[i + k] = (byte) v;
            v >>>= 8;
        }
    }

    static Inet6Address address(byte[] b, int i) {
        try {
            // getByAddress with 16 octets always yields an Inet6Address (never IPv4-mapped folding).
            return Inet6Address.getByAddress(null, Arrays.copyOfRange(b, i, i + 16), -1);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("16 octets are always a valid IPv6 address", e);
        }
    }
}
