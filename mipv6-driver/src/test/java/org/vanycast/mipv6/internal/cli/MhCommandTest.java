package org.vanycast.mipv6.internal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MhCommandTest {
    /** scapy 2.5: IPv6(src="fd00::2", dst="fd00::1")/MIP6MH_BU(seq=0x102, flags="MK"... mhtime=0x10). */
    private static final String BU_PACKET = "6000000000108740fd000000000000000000000000000002"
            + "fd000000000000000000000000000001" + "3b010500ab4e01021800001001020000";
    private static final String SIGNED_BU = "3b0305000000000780000069040400010002050ca0a1a2a3a4a5a6a7a8a9aaab";

    private record Result(int status, String out, String err) {
    }

    private static Result run(String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = MhCommand.run(args, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(rc, out.toString(StandardCharsets.UTF_8).trim(), err.toString(StandardCharsets.UTF_8).trim());
    }

    @Test
    void shouldDecodePacketToOneJsonObjectWithRfcFieldNamesAndChecksumValidity() throws Exception {
        Result r = run("", "decode", BU_PACKET);
        assertEquals(0, r.status(), r.err());
        Map<?, ?> json = (Map<?, ?>) Json.parse(r.out());
        Map<?, ?> ip = (Map<?, ?>) json.get("IPv6");
        assertEquals("fd00::2", ip.get("Source Address"));
        Map<?, ?> mh = (Map<?, ?>) json.get("Mobility Header");
        assertEquals(258L, mh.get("Sequence #"));
        assertEquals(Boolean.TRUE, mh.get("Checksum Valid"));
        assertEquals(Boolean.TRUE, mh.get("K"));
        assertEquals("Binding Update", mh.get("MH Type Name"));
    }

    @Test
    void shouldRoundTripPacketAndBareHeaderThroughJson() {
        assertEquals(BU_PACKET, run(run("", "decode", BU_PACKET).out(), "encode").out());
        assertEquals(SIGNED_BU, run(run("", "decode", SIGNED_BU).out(), "encode").out());
    }

    @Test
    void shouldReportChecksumOfBareHeaderWhenAddressesGiven() throws Exception {
        String hoti = "3b010100b94e00000102030405060708";
        Map<?, ?> ok = (Map<?, ?>) Json.parse(run("", "decode", "--src", "fd00::2", "--dst", "fd00::1", hoti).out());
        assertEquals(Boolean.TRUE, ok.get("Checksum Valid"));
        Map<?, ?> bad = (Map<?, ?>) Json.parse(run("", "decode", "--src", "fd00::3", "--dst", "fd00::1", hoti).out());
        assertEquals(Boolean.FALSE, bad.get("Checksum Valid"));
        Map<?, ?> unknown = (Map<?, ?>) Json.parse(run("", "decode", hoti).out());
        assertTrue(unknown.containsKey("Checksum Valid") && unknown.get("Checksum Valid") == null);
    }

    @Test
    void shouldEncodeHandWrittenJsonAligningOptionsAndComputingChecksum() {
        String json = "{\"IPv6\":{\"Source Address\":\"fd00:2::2\",\"Destination Address\":\"fd00::1\"},"
                + "\"Home Address Option\":{\"Home Address\":\"fd00:1::10\"},"
                + "\"Mobility Header\":{\"MH Type\":5,\"Sequence #\":7,\"A\":true,\"Lifetime\":105,\"Mobility Options\":["
                + "{\"Option Type\":4,\"Home Nonce Index\":1,\"Care-of Nonce Index\":2},"
                + "{\"Option Type\":5,\"Authenticator\":\"a0a1a2a3a4a5a6a7a8a9aaab\"}]}}";
        Result r = run(json, "encode");
        assertEquals(0, r.status(), r.err());
        Result back = run("", "decode", r.out());
        assertTrue(back.out().contains("\"Checksum Valid\":true"), back.out());
        assertTrue(back.out().contains("\"Home Address Option\":{\"Home Address\":\"fd00:1::10\"}"), back.out());
    }

    @Test
    void shouldExitTwoWithOneLineNamingTheByteForMalformedInput() {
        Result truncated = run("", "decode", "3b01050000000001");
        assertEquals(2, truncated.status());
        assertEquals("vanycast mh: malformed: Header Len says 16 octets but only 8 are present at byte 1", truncated.err());
        Result packet = run("", "decode", BU_PACKET.substring(0, BU_PACKET.length() - 2) + "0000".substring(0, 2)
                .replace("00", "") + "");
        assertEquals(2, packet.status());
        assertTrue(packet.err().endsWith("at byte 4"), packet.err());
        Result inner = run("", "decode", BU_PACKET.replace("3b010500", "3b000500").substring(0, 80 + 16)
                .replace("60000000001087", "60000000000887"));
        assertEquals(2, inner.status());
        assertTrue(inner.err().endsWith("at byte 41"), inner.err());
        assertEquals(1, inner.err().lines().count());
    }

    @Test
    void shouldExitTwoForBadHexJsonAndUsage() {
        assertEquals(2, run("", "decode", "3bzz").status());
        Result json = run("{\"MH Type\":5,", "encode");
        assertEquals(2, json.status());
        assertTrue(json.err().startsWith("vanycast mh: bad JSON"), json.err());
        Result missing = run("{\"MH Type\":3}", "encode");
        assertEquals("vanycast mh: field \"Home Nonce Index\": missing", missing.err());
        Result usage = run("", "frobnicate");
        assertEquals(2, usage.status());
        assertTrue(usage.err().contains("usage:"));
    }
}
