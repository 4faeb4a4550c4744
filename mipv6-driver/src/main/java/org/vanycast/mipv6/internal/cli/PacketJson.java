package org.vanycast.mipv6.internal.cli;

import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.vanycast.mipv6.api.Ipv6Packet;
import org.vanycast.mipv6.api.Ipv6PacketCodec;
import org.vanycast.mipv6.api.MalformedMobilityHeaderException;
import org.vanycast.mipv6.api.MobilityChecksum;
import org.vanycast.mipv6.api.MobilityHeader;
import org.vanycast.mipv6.api.MobilityHeaderCodec;

/** IPv6 packet (header, Home Address option, type 2 routing header, upper layer) ⇄ JSON. */
final class PacketJson {
    private PacketJson() {
    }

    static Map<String, Object> toJson(byte[] wire) throws MalformedMobilityHeaderException {
        Ipv6Packet p = Ipv6PacketCodec.decode(wire);
        Map<String, Object> ip = new LinkedHashMap<>();
        ip.put("Version", 6);
        ip.put("Traffic Class", p.trafficClass());
        ip.put("Flow Label", p.flowLabel());
        ip.put("Payload Length", ((wire[4] & 0xff) << 8) | (wire[5] & 0xff));
        ip.put("Next Header", wire[6] & 0xff);
        ip.put("Hop Limit", p.hopLimit());
        ip.put("Source Address", MhJson.addr(p.source()));
        ip.put("Destination Address", MhJson.addr(p.destination()));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("IPv6", ip);
        if (p.homeAddress() != null) {
            m.put("Home Address Option", Map.of("Home Address", MhJson.addr(p.homeAddress())));
        }
        if (p.routingHomeAddress() != null) {
            m.put("Type 2 Routing Header", Map.of("Home Address", MhJson.addr(p.routingHomeAddress())));
        }
        m.put("Upper-Layer Protocol", p.upperLayerProtocol());
        if (p.isMobilityHeader()) {
            int base = Ipv6PacketCodec.upperLayerOffset(wire, p);
            try {
                MobilityHeader mh = p.mobilityHeader();
                m.put("Mobility Header", MhJson.toJson(mh, p.mobilityChecksumValid()));
            } catch (MalformedMobilityHeaderException e) {
                throw new MalformedMobilityHeaderException(e.reason(), base + e.offset());
            }
        } else {
            m.put("Upper-Layer Data", HexFormat.of().formatHex(p.upperLayer()));
        }
        return m;
    }

    static Ipv6Packet fromJson(Map<?, ?> m) {
        if (!(m.get("IPv6") instanceof Map<?, ?> ip)) {
            throw new IllegalArgumentException("field \"IPv6\": expected an object");
        }
        var hao = m.get("Home Address Option") instanceof Map<?, ?> h ? MhJsonReader.address(h, "Home Address") : null;
        var rh2 = m.get("Type 2 Routing Header") instanceof Map<?, ?> r ? MhJsonReader.address(r, "Home Address") : null;
        var src = MhJsonReader.address(ip, "Source Address");
        var dst = MhJsonReader.address(ip, "Destination Address");
        int tc = ip.containsKey("Traffic Class") ? intField(ip, "Traffic Class", 255) : 0;
        int fl = ip.containsKey("Flow Label") ? intField(ip, "Flow Label", 0xfffff) : 0;
        int hl = ip.containsKey("Hop Limit") ? intField(ip, "Hop Limit", 255) : 64;
        if (m.get("Mobility Header") instanceof Map<?, ?> mhJson) {
            MobilityHeader mh = MhJsonReader.read(mhJson);
            byte[] b = MobilityHeaderCodec.encode(mh);
            if (!mhJson.containsKey("Checksum")) {
                MobilityChecksum.fill(hao != null ? hao : src, rh2 != null ? rh2 : dst, b, 0, b.length);
            }
            return new Ipv6Packet(tc, fl, hl, src, dst, hao, rh2, MobilityHeader.IPPROTO_MH, b);
        }
        int proto = intField(m, "Upper-Layer Protocol", 255);
        byte[] data = m.containsKey("Upper-Layer Data") ? MhJsonReader.hex(m, "Upper-Layer Data") : new byte[0];
        return new Ipv6Packet(tc, fl, hl, src, dst, hao, rh2, proto, data);
    }

    private static int intField(Map<?, ?> m, String field, int max) {
        if (!(m.get(field) instanceof Long v) || v < 0 || v > max) {
            throw new IllegalArgumentException("field \"" + field + "\": expected an integer 0.." + max);
        }
        return v.intValue();
    }
}
