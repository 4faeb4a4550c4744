package org.vanycast.mipv6.internal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
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
import org.vanycast.mipv6.api.Ipv6Packet;
import org.vanycast.mipv6.api.Ipv6PacketCodec;
import org.vanycast.mipv6.api.MobilityHeader;
import org.vanycast.mipv6.api.MobilityMessage;
import org.vanycast.mipv6.api.MobilityOption;
import org.vanycast.mipv6.api.MobilityOptionType;
import org.vanycast.mipv6.api.MobilityOptions;

/**
 * Every Mobility Header type built by scapy ({@code python3-scapy}) decodes with our codec to
 * the same fields and a valid checksum; every type we encode dissects in scapy to the same
 * fields and a checksum scapy agrees with (HAO and type 2 routing header pseudo-headers included).
 */
class ScapyCrossCheckTest {
    private static final String PYTHON = "/usr/bin/python3";
    private static final Inet6Address CN = ip("fd00::1");
    private static final Inet6Address HOME = ip("fd00:1::10");
    private static final Inet6Address COA = ip("fd00:2::2");
    private static Path script;

    @BeforeAll
    static void requireScapy(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of(PYTHON)), "assumption: " + PYTHON + " exists");
        Process probe = new ProcessBuilder(PYTHON, "-c", "import scapy.layers.inet6").redirectErrorStream(true).start();
        Assumptions.assumeTrue(probe.waitFor(60, TimeUnit.SECONDS) && probe.exitValue() == 0,
                "assumption: " + PYTHON + " has scapy (Debian package python3-scapy); cross-check skipped");
        script = dir.resolve("scapy_crosscheck.py");
        try (InputStream in = ScapyCrossCheckTest.class.getResourceAsStream("scapy_crosscheck.py")) {
            Files.copy(in, script);
        }
    }

    private static Inet6Address ip(String s) {
        try {
            return (Inet6Address) InetAddress.getByName(s);
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static List<String> python(String mode, String stdin) throws Exception {
        Process p = new ProcessBuilder(PYTHON, script.toString(), mode).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "scapy helper finished");
        assertEquals(0, p.exitValue(), "scapy helper exit status");
        return out.lines().filter(l -> !l.isBlank()).toList();
    }

    /** Our decoded JSON, normalized through text so numbers compare as Long, padding dropped. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> ours(Map<String, Object> mh) throws Exception {
        Map<String, Object> m = (Map<String, Object>) Json.parse(Json.write(mh));
        Object opts = m.get("Mobility Options");
        if (opts instanceof List<?> l) {
            List<Object> kept = new ArrayList<>();
            for (Object o : l) {
                Map<String, Object> om = (Map<String, Object>) o;
                long t = (Long) om.get("Option Type");
                if (t > 1) {
                    om.remove("Option Name");
                    kept.add(om);
                }
            }
            m.put("Mobility Options", kept);
        }
        return m;
    }

    private static void assertSameFields(String what, Map<?, ?> scapy, Map<String, Object> ours) {
        for (Map.Entry<?, ?> e : scapy.entrySet()) {
            assertEquals(e.getValue(), ours.get(e.getKey()), what + ": field \"" + e.getKey() + "\"");
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void shouldDecodeEveryMessageTypeScapyBuilds() throws Exception {
        List<String> lines = python("build", "");
        assertEquals(9, lines.size());
        for (String line : lines) {
            Map<?, ?> c = (Map<?, ?>) Json.parse(line);
            Map<String, Object> packet = PacketJson.toJson(HexFormat.of().parseHex((String) c.get("hex")));
            Map<String, Object> mh = (Map<String, Object>) packet.get("Mobility Header");
            assertEquals(Boolean.TRUE, mh.get("Checksum Valid"), c.get("case") + ": checksum scapy computed");
            assertSameFields((String) c.get("case"), (Map<?, ?>) c.get("fields"), ours(mh));
        }
    }

    @Test
    void shouldBeDissectedByScapyWithTheSameFields() throws Exception {
        byte[] auth = HexFormat.of().parseHex("a0a1a2a3a4a5a6a7a8a9aaab");
        List<Ipv6Packet> packets = List.of(
                Ipv6Packet.mobility(CN, COA, null, HOME, new BindingRefreshRequest(MobilityOptions.aligned(2, List.of()))),
                Ipv6Packet.mobility(HOME, CN, null, null, new HomeTestInit(0x0102030405060708L)),
                Ipv6Packet.mobility(COA, CN, null, null, new CareOfTestInit(-2L)),
                Ipv6Packet.mobility(CN, HOME, null, null, new HomeTest(0x1234, 1L, -1L)),
                Ipv6Packet.mobility(CN, COA, null, null, new CareOfTest(0xfffe, 2L, 0x7fffffffffffffffL)),
                Ipv6Packet.mobility(COA, CN, HOME, null, new BindingUpdate(0xffff, BindingUpdate.FLAG_ACK, 105,
                        MobilityOptions.aligned(6, List.of(new MobilityOption.NonceIndices(1, 2),
                                new MobilityOption.BindingAuthorizationData(auth))))),
                Ipv6Packet.mobility(COA, CN, HOME, null, new BindingUpdate(3, BindingUpdate.FLAG_ACK
                        | BindingUpdate.FLAG_HOME_REGISTRATION | BindingUpdate.FLAG_KEY_MANAGEMENT, 900,
                        MobilityOptions.aligned(6, List.of(new MobilityOption.AlternateCareOfAddress(ip("fd00:3::3")),
                                new MobilityOption.Unknown(MobilityOptionType.valueOf(0x20), new byte[] {(byte) 0xab}))))),
                Ipv6Packet.mobility(CN, COA, null, HOME, new BindingAcknowledgement(BindingAckStatus.EXPIRED_NONCES,
                        BindingAcknowledgement.FLAG_KEY_MANAGEMENT, 7, 105,
                        MobilityOptions.aligned(6, List.of(new MobilityOption.BindingRefreshAdvice(5))))),
                Ipv6Packet.mobility(CN, COA, null, null, new BindingError(BindingErrorStatus.UNRECOGNIZED_MH_TYPE, HOME,
                        MobilityOptions.aligned(18, List.of()))));
        StringBuilder in = new StringBuilder();
        for (Ipv6Packet p : packets) {
            in.append(HexFormat.of().formatHex(Ipv6PacketCodec.encode(p))).append('\n');
        }
        List<String> lines = python("dissect", in.toString());
        assertEquals(packets.size(), lines.size());
        for (int i = 0; i < packets.size(); i++) {
            Map<?, ?> r = (Map<?, ?>) Json.parse(lines.get(i));
            MobilityMessage m = packets.get(i).mobilityHeader().message();
            assertEquals(Boolean.TRUE, r.get("checksum_ok"), m.type() + ": scapy agrees with our checksum");
            MobilityHeader h = packets.get(i).mobilityHeader();
            assertSameFields(m.type().name(), (Map<?, ?>) r.get("fields"), ours(MhJson.toJson(h, true)));
        }
    }
}
