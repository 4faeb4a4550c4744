package org.vanycast.mipv6.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vanycast.mipv6.api.Hex.bytes;
import static org.vanycast.mipv6.api.Hex.hex;
import static org.vanycast.mipv6.api.Hex.ip;

import java.util.List;
import org.junit.jupiter.api.Test;

class Ipv6PacketCodecTest {
    private static final String CN = "fd00::1";
    private static final String COA = "fd00:2::2";
    private static final String HOA = "fd00:1::10";

    @Test
    void shouldEncodeHomeAddressOptionAtEightNPlusSixWithGoldenBytes() throws Exception {
        Ipv6Packet p = Ipv6Packet.mobility(ip(COA), ip(CN), ip(HOA), null, new BindingRefreshRequest(List.of()));
        byte[] wire = Ipv6PacketCodec.encode(p);
        String dstOpts = "87 02 01 02 0000 c9 10 fd000001000000000000000000000010";
        assertEquals(hex(bytes(dstOpts)), hex(wire).substring(80, 80 + 48));
        assertEquals("3c", hex(wire).substring(12, 14), "IPv6 Next Header = 60");
        Ipv6Packet back = Ipv6PacketCodec.decode(wire);
        assertEquals(p, back);
        assertEquals(ip(HOA), back.pseudoSource());
        assertTrue(back.mobilityChecksumValid(), "checksum uses the home address");
        assertFalse(MobilityChecksum.verify(ip(COA), ip(CN), back.upperLayer()), "not the care-of address");
    }

    @Test
    void shouldEncodeType2RoutingHeaderWithGoldenBytes() throws Exception {
        Ipv6Packet p = Ipv6Packet.mobility(ip(CN), ip(COA), null, ip(HOA), new BindingAcknowledgement(
                BindingAckStatus.ACCEPTED, 0, 1, 1, MobilityOptions.aligned(6, List.of())));
        byte[] wire = Ipv6PacketCodec.encode(p);
        assertEquals(hex(bytes("87 02 02 01 00000000 fd000001000000000000000000000010")), hex(wire).substring(80, 128));
        Ipv6Packet back = Ipv6PacketCodec.decode(wire);
        assertEquals(ip(HOA), back.pseudoDestination());
        assertTrue(back.mobilityChecksumValid(), "checksum uses the final destination");
        assertEquals(64, Ipv6PacketCodec.upperLayerOffset(wire, back));
    }

    @Test
    void shouldDecodePlainPacketWithoutMobileHeaders() throws Exception {
        Ipv6Packet p = new Ipv6Packet(0x12, 0xabcde, 7, ip(CN), ip(COA), null, null, 17, bytes("01020304"));
        byte[] wire = Ipv6PacketCodec.encode(p);
        assertEquals("6" + "12abcde", hex(wire).substring(0, 8));
        Ipv6Packet back = Ipv6PacketCodec.decode(wire);
        assertEquals(p, back);
        assertNull(back.homeAddress());
        assertFalse(back.isMobilityHeader());
    }

    @Test
    void shouldIgnoreLinkPaddingAfterPayloadLength() throws Exception {
        byte[] wire = Ipv6PacketCodec.encode(Ipv6Packet.mobility(ip(COA), ip(CN), null, null, new HomeTestInit(1)));
        byte[] padded = java.util.Arrays.copyOf(wire, wire.length + 6);
        assertEquals(Ipv6PacketCodec.decode(wire), Ipv6PacketCodec.decode(padded));
    }

    @Test
    void shouldRejectPayloadLengthBeyondPacket() {
        byte[] wire = Ipv6PacketCodec.encode(Ipv6Packet.mobility(ip(COA), ip(CN), null, null, new HomeTestInit(1)));
        var e = assertThrows(MalformedMobilityHeaderException.class,
                () -> Ipv6PacketCodec.decode(java.util.Arrays.copyOf(wire, wire.length - 1)));
        assertEquals(4, e.offset());
    }

    @Test
    void shouldRejectHomeAddressOptionWithWrongLength() {
        byte[] wire = Ipv6PacketCodec.encode(Ipv6Packet.mobility(ip(COA), ip(CN), ip(HOA), null, new HomeTestInit(1)));
        wire[47] = 15;
        var e = assertThrows(MalformedMobilityHeaderException.class, () -> Ipv6PacketCodec.decode(wire));
        assertEquals(47, e.offset());
    }

    @Test
    void shouldRejectWrongIpVersion() {
        byte[] wire = Ipv6PacketCodec.encode(Ipv6Packet.mobility(ip(COA), ip(CN), null, null, new HomeTestInit(1)));
        wire[0] = 0x45;
        var e = assertThrows(MalformedMobilityHeaderException.class, () -> Ipv6PacketCodec.decode(wire));
        assertEquals(0, e.offset());
    }
}
