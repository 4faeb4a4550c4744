package org.vanycast.mipv6.internal.cli;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.vanycast.mipv6.api.BindingAcknowledgement;
import org.vanycast.mipv6.api.BindingError;
import org.vanycast.mipv6.api.BindingUpdate;
import org.vanycast.mipv6.api.CareOfTest;
import org.vanycast.mipv6.api.CareOfTestInit;
import org.vanycast.mipv6.api.HomeTest;
import org.vanycast.mipv6.api.HomeTestInit;
import org.vanycast.mipv6.api.MobilityHeader;
import org.vanycast.mipv6.api.MobilityHeaderCodec;
import org.vanycast.mipv6.api.MobilityMessage;
import org.vanycast.mipv6.api.MobilityOption;
import org.vanycast.mipv6.api.UnknownMobilityMessage;

/**
 * Mobility Header ⇄ JSON with the field names of RFC 6275 §6.1–6.2 ("Sequence #", "Home Init
 * Cookie", "Mobility Options", ...). 64-bit cookies/tokens, checksums and flag words are hex
 * strings ({@code "0x..."}); byte strings (authenticator, unknown data) are plain hex.
 */
final class MhJson {
    private MhJson() {
    }

    static Map<String, Object> toJson(MobilityHeader h, Boolean checksumValid) {
        Map<String, Object> m = new LinkedHashMap<>();
        MobilityMessage msg = h.message();
        m.put("Payload Proto", h.payloadProto());
        m.put("Header Len", MobilityHeaderCodec.encodedLength(msg) / 8 - 1);
        m.put("MH Type", msg.type().value());
        m.put("MH Type Name", msg.type().name());
        m.put("Checksum", String.format("0x%04x", h.checksum()));
        m.put("Checksum Valid", checksumValid);
        if (msg instanceof HomeTestInit t) {
            m.put("Home Init Cookie", hex64(t.homeInitCookie()));
        } else if (msg instanceof CareOfTestInit t) {
            m.put("Care-of Init Cookie", hex64(t.careOfInitCookie()));
        } else if (msg instanceof HomeTest t) {
            m.put("Home Nonce Index", t.homeNonceIndex());
            m.put("Home Init Cookie", hex64(t.homeInitCookie()));
            m.put("Home Keygen Token", hex64(t.homeKeygenToken()));
        } else if (msg instanceof CareOfTest t) {
            m.put("Care-of Nonce Index", t.careOfNonceIndex());
            m.put("Care-of Init Cookie", hex64(t.careOfInitCookie()));
            m.put("Care-of Keygen Token", hex64(t.careOfKeygenToken()));
        } else if (msg instanceof BindingUpdate u) {
            m.put("Sequence #", u.sequence());
            m.put("A", u.ack());
            m.put("H", u.homeRegistration());
            m.put("L", u.linkLocalCompatibility());
            m.put("K", u.keyManagement());
            m.put("Flags", String.format("0x%04x", u.flags()));
            m.put("Lifetime", u.lifetime());
        } else if (msg instanceof BindingAcknowledgement a) {
            m.put("Status", a.status().value());
            m.put("Status Name", a.status().name());
            m.put("K", a.keyManagement());
            m.put("Flags", String.format("0x%02x", a.flags()));
            m.put("Sequence #", a.sequence());
            m.put("Lifetime", a.lifetime());
        } else if (msg instanceof BindingError e) {
            m.put("Status", e.status().value());
            m.put("Status Name", e.status().name());
            m.put("Home Address", addr(e.homeAddress()));
        } else if (msg instanceof UnknownMobilityMessage u) {
            m.put("Message Data", HexFormat.of().formatHex(u.data()));
        }
        if (!(msg instanceof UnknownMobilityMessage)) {
            List<Object> opts = new ArrayList<>();
            for (MobilityOption o : msg.options()) {
                opts.add(option(o));
            }
            m.put("Mobility Options", opts);
        }
        return m;
    }

    private static Map<String, Object> option(MobilityOption o) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("Option Type", o.type().value());
        m.put("Option Name", o.type().name());
        if (o instanceof MobilityOption.PadN p) {
            m.put("Option Length", p.dataLength());
        } else if (o instanceof MobilityOption.BindingRefreshAdvice r) {
            m.put("Refresh Interval", r.refreshInterval());
        } else if (o instanceof MobilityOption.AlternateCareOfAddress a) {
            m.put("Alternate Care-of Address", addr(a.address()));
        } else if (o instanceof MobilityOption.NonceIndices n) {
            m.put("Home Nonce Index", n.homeNonceIndex());
            m.put("Care-of Nonce Index", n.careOfNonceIndex());
        } else if (o instanceof MobilityOption.BindingAuthorizationData b) {
            m.put("Authenticator", HexFormat.of().formatHex(b.authenticator()));
        } else if (o instanceof MobilityOption.Unknown u) {
            m.put("Option Data", HexFormat.of().formatHex(u.data()));
        }
        return m;
    }

    /** RFC 5952 text form: lower case, longest run of two or more zero groups as "::". */
    static String addr(java.net.Inet6Address a) {
        return org.vanycast.mipv6.internal.kernel.Addresses.text(a);
    }

    static String hex64(long v) {
        return String.format("0x%016x", v);
    }
}
