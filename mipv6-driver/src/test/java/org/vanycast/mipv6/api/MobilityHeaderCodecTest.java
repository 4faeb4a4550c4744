package org.vanycast.mipv6.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vanycast.mipv6.api.Hex.bytes;
import static org.vanycast.mipv6.api.Hex.hex;
import static org.vanycast.mipv6.api.Hex.ip;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Golden bytes per message type, laid out by hand from the RFC 6275 §6.1 diagrams. */
class MobilityHeaderCodecTest {
    private static final long COOKIE = 0x0102030405060708L;
    private static final long TOKEN = 0x1112131415161718L;

    private static void assertGolden(String golden, MobilityMessage expected) throws Exception {
        byte[] wire = bytes(golden);
        MobilityHeader decoded = MobilityHeaderCodec.decode(wire);
        assertEquals(expected, decoded.message());
        assertEquals(MobilityHeader.IPPROTO_NONE, decoded.payloadProto());
        assertEquals(hex(wire), hex(MobilityHeaderCodec.encode(MobilityHeader.of(expected))));
    }

    @Test
    void shouldCodeBindingRefreshRequest() throws Exception {
        assertGolden("3b 00 00 00 0000 0000", new BindingRefreshRequest(List.of()));
    }

    @Test
    void shouldCodeHomeTestInitAndCareOfTestInit() throws Exception {
        assertGolden("3b 01 01 00 0000 0000 0102030405060708", new HomeTestInit(COOKIE));
        assertGolden("3b 01 02 00 0000 0000 0102030405060708", new CareOfTestInit(COOKIE));
    }

    @Test
    void shouldCodeHomeTestAndCareOfTest() throws Exception {
        assertGolden("3b 02 03 00 0000 1234 0102030405060708 1112131415161718", new HomeTest(0x1234, COOKIE, TOKEN));
        assertGolden("3b 02 04 00 0000 fffe 0102030405060708 1112131415161718",
                new CareOfTest(0xfffe, COOKIE, TOKEN));
    }

    @Test
    void shouldCodeBindingUpdateWithTrailingPadN() throws Exception {
        BindingUpdate bu = new BindingUpdate(0x0102, BindingUpdate.FLAG_ACK | BindingUpdate.FLAG_HOME_REGISTRATION, 0x10,
                MobilityOptions.aligned(6, List.of()));
        assertGolden("3b 01 05 00 0000 0102 c000 0010 | 01 02 0000", bu);
        assertTrue(bu.ack() && bu.homeRegistration() && !bu.linkLocalCompatibility() && !bu.keyManagement());
        assertEquals(64, bu.lifetimeSeconds());
    }

    @Test
    void shouldCodeBindingUpdateWithNonceIndicesAndAuthorizationDataWithoutPadding() throws Exception {
        byte[] auth = bytes("a0a1a2a3a4a5a6a7a8a9aaab");
        BindingUpdate bu = new BindingUpdate(7, BindingUpdate.FLAG_ACK, 105, MobilityOptions.aligned(6, List.of(
                new MobilityOption.NonceIndices(1, 2), new MobilityOption.BindingAuthorizationData(auth))));
        assertEquals(2, bu.options().size(), "12 + 6 = 18 = 8*2+2: no padding needed");
        assertGolden("3b 03 05 00 0000 0007 8000 0069 | 04 04 0001 0002 | 05 0c a0a1a2a3a4a5a6a7a8a9aaab", bu);
    }

    @Test
    void shouldCodeBindingAcknowledgementWithRefreshAdvice() throws Exception {
        BindingAcknowledgement ba = new BindingAcknowledgement(BindingAckStatus.SEQUENCE_NUMBER_OUT_OF_WINDOW,
                BindingAcknowledgement.FLAG_KEY_MANAGEMENT, 0x0102, 0x10,
                MobilityOptions.aligned(6, List.of(new MobilityOption.BindingRefreshAdvice(5))));
        assertGolden("3b 01 06 00 0000 87 80 0102 0010 | 02 02 0005", ba);
        assertTrue(ba.keyManagement());
    }

    @Test
    void shouldCodeBindingError() throws Exception {
        assertGolden("3b 02 07 00 0000 01 00 fd000000000000000000000000000001",
                new BindingError(BindingErrorStatus.UNKNOWN_BINDING_FOR_HOME_ADDRESS_OPTION, ip("fd00::1"), List.of()));
    }

    @Test
    void shouldAlignAlternateCareOfAddressAtEightNPlusSix() throws Exception {
        BindingUpdate bu = new BindingUpdate(1, 0, 1, MobilityOptions.aligned(6,
                List.of(new MobilityOption.AlternateCareOfAddress(ip("fd00::c0a")))));
        assertGolden("3b 03 05 00 0000 0001 0000 0001 | 01 00 | 03 10 fd000000000000000000000000000c0a", bu);
        assertTrue(MobilityOptions.isAligned(bu));
    }

    @Test
    void shouldAlignAuthorizationDataAtEightNPlusTwoAfterRefreshAdvice() {
        // BA fixed part ends at 12; BRA (2n) at 12..16; BAD must start at 8n+2 = 18 -> PadN(0) at 16.
        List<MobilityOption> opts = MobilityOptions.aligned(6, List.of(new MobilityOption.BindingRefreshAdvice(1),
                new MobilityOption.BindingAuthorizationData(new byte[12])));
        assertEquals(List.of(new MobilityOption.BindingRefreshAdvice(1), new MobilityOption.PadN(0),
                new MobilityOption.BindingAuthorizationData(new byte[12])), opts);
        // HoTI fixed part ends at 16: Nonce Indices (2n) needs none; trailing Pad to 24 is PadN(0).
        assertEquals(List.of(new MobilityOption.NonceIndices(1, 1), new MobilityOption.PadN(0)),
                MobilityOptions.aligned(10, List.of(new MobilityOption.NonceIndices(1, 1))));
        // One octet of padding is a Pad1: Unknown option with 9 data octets at 12 ends at 23.
        assertEquals(List.of(new MobilityOption.Unknown(MobilityOptionType.valueOf(0x20), new byte[9]),
                new MobilityOption.Pad1()), MobilityOptions.aligned(6,
                List.of(new MobilityOption.Unknown(MobilityOptionType.valueOf(0x20), new byte[9]))));
    }

    @Test
    void shouldReportMisalignedOptions() {
        BindingUpdate bu = new BindingUpdate(1, 0, 1, List.of(new MobilityOption.BindingAuthorizationData(new byte[12])));
        assertTrue(!MobilityOptions.isAligned(bu), "BAD at offset 12 is not 8n+2");
    }

    @Test
    void shouldKeepUnknownOptionAndUnknownTypeUnchanged() throws Exception {
        String withUnknownOption = "3b 01 05 00 0000 0001 0000 0001 | 20 02 abcd";
        MobilityHeader h = MobilityHeaderCodec.decode(bytes(withUnknownOption));
        MobilityOption o = h.message().options().get(0);
        assertInstanceOf(MobilityOption.Unknown.class, o);
        assertEquals(0x20, o.type().value());
        assertEquals(hex(bytes(withUnknownOption)), hex(MobilityHeaderCodec.encode(h)));

        String unknownType = "3b 01 42 00 1234 dead 0102030405060708";
        MobilityHeader u = MobilityHeaderCodec.decode(bytes(unknownType));
        assertInstanceOf(UnknownMobilityMessage.class, u.message());
        assertEquals(0x42, u.message().type().value());
        assertEquals(0x1234, u.checksum());
        assertEquals(hex(bytes(unknownType)), hex(MobilityHeaderCodec.encode(u)));
    }

    @Test
    void shouldKeepUnknownStatusCodes() throws Exception {
        String wire = "3b 01 06 00 0000 c8 00 0001 0000 | 01 02 0000";
        MobilityHeader h = MobilityHeaderCodec.decode(bytes(wire));
        BindingAcknowledgement ba = (BindingAcknowledgement) h.message();
        assertEquals(200, ba.status().value());
        assertTrue(!ba.status().isKnown() && !ba.status().isAccepted());
        assertEquals(hex(bytes(wire)), hex(MobilityHeaderCodec.encode(h)));
    }

    @Test
    void shouldKeepPayloadProtoOtherThanNone() throws Exception {
        MobilityHeader h = MobilityHeaderCodec.decode(bytes("06 00 00 00 0000 0000"));
        assertEquals(6, h.payloadProto());
        assertArrayEquals(bytes("06 00 00 00 0000 0000"), MobilityHeaderCodec.encode(h));
    }

    @Test
    void shouldComputeChecksumOverPseudoHeaderLikeScapy() throws Exception {
        // Reference value from scapy 2.5: IPv6(src="fd00::2", dst="fd00::1")/MIP6MH_HoTI(cookie=0102..08).
        byte[] mh = MobilityHeaderCodec.encode(new HomeTestInit(COOKIE), ip("fd00::2"), ip("fd00::1"));
        assertEquals("3b010100b94e00000102030405060708", hex(mh));
        assertTrue(MobilityChecksum.verify(ip("fd00::2"), ip("fd00::1"), mh));
        assertTrue(!MobilityChecksum.verify(ip("fd00::3"), ip("fd00::1"), mh));
        mh[10] ^= 1;
        assertTrue(!MobilityChecksum.verify(ip("fd00::2"), ip("fd00::1"), mh));
    }

    @Test
    void shouldRejectTruncatedHeaderAtItsEnd() {
        var e = assertThrows(MalformedMobilityHeaderException.class, () -> MobilityHeaderCodec.decode(bytes("3b 00 00")));
        assertEquals(3, e.offset());
    }

    @Test
    void shouldRejectHeaderLenBeyondDataAtHeaderLenField() {
        var e = assertThrows(MalformedMobilityHeaderException.class,
                () -> MobilityHeaderCodec.decode(bytes("3b 01 00 00 0000 0000")));
        assertEquals(1, e.offset());
    }

    @Test
    void shouldRejectHeaderLenTooSmallForTypeAtHeaderLenField() {
        var e = assertThrows(MalformedMobilityHeaderException.class,
                () -> MobilityHeaderCodec.decode(bytes("3b 00 03 00 0000 0000")));
        assertEquals(1, e.offset());
        assertTrue(e.getMessage().contains("Home Test"), e.getMessage());
    }

    @Test
    void shouldRejectOptionRunningPastTheEndAtItsLengthOctet() {
        var e = assertThrows(MalformedMobilityHeaderException.class,
                () -> MobilityHeaderCodec.decode(bytes("3b 01 05 00 0000 0001 0000 0001 | 04 09 0000")));
        assertEquals(13, e.offset());
    }

    @Test
    void shouldRejectKnownOptionWithWrongLength() {
        var e = assertThrows(MalformedMobilityHeaderException.class,
                () -> MobilityHeaderCodec.decode(bytes("3b 01 05 00 0000 0001 0000 0001 | 04 02 0000")));
        assertEquals(13, e.offset());
        assertTrue(e.getMessage().contains("Nonce Indices"));
    }

    @Test
    void shouldRejectTrailingOctets() {
        var e = assertThrows(MalformedMobilityHeaderException.class,
                () -> MobilityHeaderCodec.decode(bytes("3b 00 00 00 0000 0000 ff")));
        assertEquals(8, e.offset());
    }
}
