package org.vanycast.mipv6.internal.cli;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.vanycast.mipv6.api.BindingAckStatus;
import org.vanycast.mipv6.api.BindingAcknowledgement;
import org.vanycast.mipv6.api.BindingError;
import org.vanycast.mipv6.api.BindingErrorStatus;
import org.vanycast.mipv6.api.BindingRefreshRequest;
import org.vanycast.mipv6.api.BindingUpdate;
import org.vanycast.mipv6.api.CareOfTest;
import org.vanycast.mipv6.api.CareOfTestInit;
import org.vanycast.mipv6.api.HomeTest;
import org.vanycast.mipv6.api.HomeTestInit;
import org.vanycast.mipv6.api.MobilityHeader;
import org.vanycast.mipv6.api.MobilityHeaderType;
import org.vanycast.mipv6.api.MobilityMessage;
import org.vanycast.mipv6.api.MobilityOption;
import org.vanycast.mipv6.api.MobilityOptionType;
import org.vanycast.mipv6.api.MobilityOptions;
import org.vanycast.mipv6.api.UnknownMobilityMessage;

/**
 * JSON (as {@link MhJson} writes it) → Mobility Header. Problems raise
 * {@link IllegalArgumentException} naming the field. If "Mobility Options" holds no Pad1/PadN
 * the options are aligned per RFC 6275 §6.2; otherwise they are written exactly as listed.
 */
final class MhJsonReader {
    private final Map<?, ?> m;

    private MhJsonReader(Map<?, ?> m) {
        this.m = m;
    }

    static MobilityHeader read(Map<?, ?> json) {
        return new MhJsonReader(json).header();
    }

    private MobilityHeader header() {
        int type = (int) num("MH Type", 0, 255);
        int payloadProto = m.containsKey("Payload Proto") ? (int) num("Payload Proto", 0, 255) : MobilityHeader.IPPROTO_NONE;
        int checksum = m.containsKey("Checksum") ? (int) num("Checksum", 0, 0xffff) : 0;
        return new MobilityHeader(payloadProto, checksum, message(type));
    }

    boolean hasChecksum() {
        return m.containsKey("Checksum");
    }

    private MobilityMessage message(int type) {
        switch (type) {
            case 0: return new BindingRefreshRequest(options(2));
            case 1: return new HomeTestInit(num64("Home Init Cookie"), options(10));
            case 2: return new CareOfTestInit(num64("Care-of Init Cookie"), options(10));
            case 3: return new HomeTest((int) num("Home Nonce Index", 0, 0xffff), num64("Home Init Cookie"),
                    num64("Home Keygen Token"), options(18));
            case 4: return new CareOfTest((int) num("Care-of Nonce Index", 0, 0xffff), num64("Care-of Init Cookie"),
                    num64("Care-of Keygen Token"), options(18));
            case 5: {
                int flags = m.containsKey("Flags") ? (int) num("Flags", 0, 0xffff) : 0;
                flags = flag(flags, "A", BindingUpdate.FLAG_ACK);
                flags = flag(flags, "H", BindingUpdate.FLAG_HOME_REGISTRATION);
                flags = flag(flags, "L", BindingUpdate.FLAG_LINK_LOCAL_COMPATIBILITY);
                flags = flag(flags, "K", BindingUpdate.FLAG_KEY_MANAGEMENT);
                return new BindingUpdate((int) num("Sequence #", 0, 0xffff), flags, (int) num("Lifetime", 0, 0xffff),
                        options(6));
            }
            case 6: {
                int flags = m.containsKey("Flags") ? (int) num("Flags", 0, 0xff) : 0;
                flags = flag(flags, "K", BindingAcknowledgement.FLAG_KEY_MANAGEMENT);
                return new BindingAcknowledgement(BindingAckStatus.valueOf((int) num("Status", 0, 255)), flags,
                        (int) num("Sequence #", 0, 0xffff), (int) num("Lifetime", 0, 0xffff), options(6));
            }
            case 7: return new BindingError(BindingErrorStatus.valueOf((int) num("Status", 0, 255)),
                    address(m, "Home Address"), options(18));
            default:
                byte[] data = hex(m, "Message Data");
                if ((data.length + 6) % 8 != 0) {
                    throw new IllegalArgumentException("field \"Message Data\": length must make the header a multiple of 8");
                }
                return new UnknownMobilityMessage(MobilityHeaderType.valueOf(type), data);
        }
    }

    private int flag(int flags, String name, int bit) {
        Object v = m.get(name);
        if (v == null) {
            return flags;
        }
        if (!(v instanceof Boolean b)) {
            throw new IllegalArgumentException("field \"" + name + "\": expected true or false");
        }
        return b ? flags | bit : flags & ~bit;
    }

    private List<MobilityOption> options(int fixedLength) {
        Object v = m.get("Mobility Options");
        if (v == null) {
            return MobilityOptions.aligned(fixedLength, List.of());
        }
        if (!(v instanceof List<?> list)) {
            throw new IllegalArgumentException("field \"Mobility Options\": expected an array");
        }
        List<MobilityOption> out = new ArrayList<>();
        boolean padded = false;
        for (Object o : list) {
            if (!(o instanceof Map<?, ?> om)) {
                throw new IllegalArgumentException("field \"Mobility Options\": expected objects");
            }
            MobilityOption opt = option(om);
            padded |= opt instanceof MobilityOption.Pad1 || opt instanceof MobilityOption.PadN;
            out.add(opt);
        }
        return padded ? out : MobilityOptions.aligned(fixedLength, out);
    }

    private static MobilityOption option(Map<?, ?> o) {
        MhJsonReader r = new MhJsonReader(o);
        int type = (int) r.num("Option Type", 0, 255);
        switch (type) {
            case 0: return new MobilityOption.Pad1();
            case 1: return new MobilityOption.PadN((int) r.num("Option Length", 0, 253));
            case 2: return new MobilityOption.BindingRefreshAdvice((int) r.num("Refresh Interval", 0, 0xffff));
            case 3: return new MobilityOption.AlternateCareOfAddress(address(o, "Alternate Care-of Address"));
            case 4: return new MobilityOption.NonceIndices((int) r.num("Home Nonce Index", 0, 0xffff),
                    (int) r.num("Care-of Nonce Index", 0, 0xffff));
            case 5: return new MobilityOption.BindingAuthorizationData(hex(o, "Authenticator"));
            default: return new MobilityOption.Unknown(MobilityOptionType.valueOf(type), hex(o, "Option Data"));
        }
    }

    /** An integer given as a JSON number or a "0x..." string, within [min, max]. */
    long num(String field, long min, long max) {
        long v = num64Raw(m, field);
        if (v < min || v > max) {
            throw new IllegalArgumentException("field \"" + field + "\": " + v + " outside " + min + ".." + max);
        }
        return v;
    }

    private long num64(String field) {
        return num64Raw(m, field);
    }

    private static long num64Raw(Map<?, ?> m, String field) {
        Object v = m.get(field);
        if (v instanceof Long l) {
            return l;
        }
        if (v instanceof String s && (s.startsWith("0x") || s.startsWith("0X")) && s.length() > 2 && s.length() <= 18) {
            try {
                return Long.parseUnsignedLong(s.substring(2), 16);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("field \"" + field + "\": bad hex number " + s);
            }
        }
        throw new IllegalArgumentException("field \"" + field + "\": " + (v == null ? "missing" : "expected a number or \"0x...\""));
    }

    static byte[] hex(Map<?, ?> m, String field) {
        Object v = m.get(field);
        if (!(v instanceof String s)) {
            throw new IllegalArgumentException("field \"" + field + "\": " + (v == null ? "missing" : "expected a hex string"));
        }
        try {
            return HexFormat.of().parseHex(s);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("field \"" + field + "\": bad hex");
        }
    }

    static Inet6Address address(Map<?, ?> m, String field) {
        Object v = m.get(field);
        if (!(v instanceof String s) || !s.contains(":")) {
            throw new IllegalArgumentException("field \"" + field + "\": " + (v == null ? "missing" : "expected an IPv6 address"));
        }
        try {
            byte[] raw = InetAddress.getByName(s).getAddress();
            if (raw.length == 4) {
                // The JDK folds IPv4-mapped IPv6 literals (::ffff:a.b.c.d) into IPv4; unfold.
                byte[] mapped = new byte[16];
                mapped[10] = (byte) 0xff;
                mapped[11] = (byte) 0xff;
                System.arraycopy(raw, 0, mapped, 12, 4);
                raw = mapped;
            }
            return Inet6Address.getByAddress(null, raw, -1);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("field \"" + field + "\": not an IPv6 address");
        }
    }
}
