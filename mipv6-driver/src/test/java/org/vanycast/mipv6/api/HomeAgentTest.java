package org.vanycast.mipv6.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vanycast.mipv6.api.Exchange.COA;
import static org.vanycast.mipv6.api.Exchange.COA2;
import static org.vanycast.mipv6.api.Exchange.HOME;
import static org.vanycast.mipv6.api.Exchange.T0;
import static org.vanycast.mipv6.api.Exchange.of;
import static org.vanycast.mipv6.api.Exchange.s;
import static org.vanycast.mipv6.api.Exchange.sent;
import static org.vanycast.mipv6.api.Hex.ip;

import java.net.Inet6Address;
import java.util.Arrays;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class HomeAgentTest {
    private static final Inet6Address HA = ip("fd00:1::1");
    private static final byte[] K_IN = Hex.bytes("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    private static final byte[] K_OUT = Hex.bytes("202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f");
    private static final int H = BindingUpdate.FLAG_ACK | BindingUpdate.FLAG_HOME_REGISTRATION;

    // Mobile node's view: it sends on the HA's inbound SA and receives on the HA's outbound SA.
    private final SecurityAssociation mnOut = sa(0x1001, K_IN, HOME, HA);
    private final SecurityAssociation mnIn = sa(0x2002, K_OUT, HA, HOME);
    private final HomeAgent ha = new HomeAgent(HA, HomeAgent.Config.defaults());

    HomeAgentTest() {
        ha.addMobileNode(HOME, sa(0x1001, K_IN, HOME, HA), sa(0x2002, K_OUT, HA, HOME));
    }

    private static SecurityAssociation sa(int spi, byte[] key, Inet6Address src, Inet6Address dst) {
        return new SecurityAssociation(spi, SecurityAssociation.Integrity.HMAC_SHA256_128, key, src, dst);
    }

    private Ipv6Packet bu(int seq, int flags, int lifetime, Inet6Address careOf) {
        BindingUpdate m = new BindingUpdate(seq, flags, lifetime, MobilityOptions.aligned(6, List.of()));
        return Exchange.wire(mnOut.protect(careOf, HA, careOf.equals(HOME) ? null : HOME, null, m));
    }

    private BindingAcknowledgement openAck(List<MobilityAction> out) throws Exception {
        Ipv6Packet p = sent(out).get(0);
        assertEquals(SecurityAssociation.IPPROTO_ESP, p.upperLayerProtocol());
        SecurityAssociation.Opened o = mnIn.unprotect(p.upperLayer());
        assertTrue(o.ok(), String.valueOf(o.failure()));
        Ipv6Packet inner = new Ipv6Packet(0, 0, 64, p.source(), p.destination(), null, p.routingHomeAddress(), 135, o.payload());
        assertTrue(inner.mobilityChecksumValid());
        return (BindingAcknowledgement) inner.mobilityHeader().message();
    }

    @Test
    void shouldRegisterHomeBindingAndAcknowledgeUnderEsp() throws Exception {
        List<MobilityAction> out = ha.receive(bu(1, H, 900, COA), T0);
        BindingCacheEntry e = of(MobilityAction.BindingAdded.class, out).get(0).entry();
        assertTrue(e.homeRegistration());
        assertEquals(COA, e.careOfAddress());
        assertEquals(HOME, sent(out).get(0).routingHomeAddress());
        BindingAcknowledgement ba = openAck(out);
        assertEquals(BindingAckStatus.ACCEPTED, ba.status());
        assertEquals(900, ba.lifetime());
    }

    @Test
    void shouldComputeIcvAsHmacSha256TruncatedTo128Bits() throws Exception {
        byte[] esp = mnOut.protect(135, Hex.bytes("3b00000000000000"));
        Mac jdk = Mac.getInstance("HmacSHA256");
        jdk.init(new SecretKeySpec(K_IN, "HmacSHA256"));
        jdk.update(esp, 0, esp.length - 16);
        assertArrayEquals(Arrays.copyOf(jdk.doFinal(), 16), Arrays.copyOfRange(esp, esp.length - 16, esp.length));
        assertEquals("00001001" + "00000001" + "3b00000000000000" + "0102" + "02" + "87",
                Hex.hex(Arrays.copyOf(esp, esp.length - 16)), "SPI, seq 1, payload, pad 1 2, pad length, next header");
    }

    @Test
    void shouldDropUnprotectedOrForgedOrReplayedBindingUpdates() {
        BindingUpdate m = new BindingUpdate(1, H, 900, MobilityOptions.aligned(6, List.of()));
        ha.receive(Exchange.wire(Ipv6Packet.mobility(COA, HA, HOME, null, m)), T0);
        assertEquals(1, ha.dropCount(DropReason.AUTHENTICATION_FAILED));

        SecurityAssociation attacker = sa(0x1001, K_OUT, HOME, HA);
        ha.receive(Exchange.wire(attacker.protect(COA, HA, HOME, null, m)), T0);
        assertEquals(2, ha.dropCount(DropReason.AUTHENTICATION_FAILED));

        Ipv6Packet good = bu(1, H, 900, COA);
        assertEquals(1, of(MobilityAction.BindingAdded.class, ha.receive(good, T0)).size());
        ha.receive(good, T0 + 1);
        assertEquals(1, ha.dropCount(DropReason.REPLAYED));
        assertEquals(0, ha.dropCount(DropReason.NO_SECURITY_ASSOCIATION));
        ha.receive(Exchange.wire(sa(0x9999, K_IN, HOME, HA).protect(COA, HA, HOME, null, m)), T0);
        assertEquals(1, ha.dropCount(DropReason.NO_SECURITY_ASSOCIATION));
    }

    @Test
    void shouldRejectHomeAddressOtherThanTheSasWithoutBinding() {
        BindingUpdate m = new BindingUpdate(1, H, 900, MobilityOptions.aligned(6, List.of()));
        ha.receive(Exchange.wire(mnOut.protect(COA, HA, ip("fd00:1::99"), null, m)), T0);
        assertEquals(1, ha.dropCount(DropReason.AUTHENTICATION_FAILED));
        assertEquals(0, ha.bindings().size());
    }

    @Test
    void shouldAnswerStaleSequenceWith135AndDeregisterAtHome() throws Exception {
        ha.receive(bu(10, H, 900, COA), T0);
        BindingAcknowledgement stale = openAck(ha.receive(bu(9, H, 900, COA2), T0 + s(1)));
        assertEquals(BindingAckStatus.SEQUENCE_NUMBER_OUT_OF_WINDOW, stale.status());
        assertEquals(10, stale.sequence());
        List<MobilityAction> home = ha.receive(bu(11, H, 900, HOME), T0 + s(2));
        assertEquals(1, of(MobilityAction.BindingRemoved.class, home).size());
        assertNull(sent(home).get(0).routingHomeAddress());
        assertEquals(BindingAckStatus.ACCEPTED, openAck(home).status());
        assertNull(ha.bindings().get(HOME, T0 + s(2)));
    }

    @Test
    void shouldCapLifetimeAndExpire() throws Exception {
        BindingAcknowledgement ba = openAck(ha.receive(bu(1, H, 0xffff, COA), T0));
        assertEquals(900, ba.lifetime(), "one hour in 4 s units");
        assertEquals(T0 + s(3600), ha.nextDeadline());
        assertEquals(MobilityAction.BindingRemoved.Cause.EXPIRED,
                of(MobilityAction.BindingRemoved.class, ha.onTimer(T0 + s(3600))).get(0).cause());
    }

    @Test
    void shouldDropBindingUpdateWithoutHomeRegistrationBit() {
        ha.receive(bu(1, BindingUpdate.FLAG_ACK, 900, COA), T0);
        assertEquals(1, ha.dropCount(DropReason.UNEXPECTED_MESSAGE));
    }

    @Test
    void shouldLetBackupHomeAgentTakeOverBindingsAndKeys() throws Exception {
        ha.receive(bu(5, H, 900, COA), T0);
        byte[] state = ha.exportState(T0 + s(100));
        HomeAgent backup = new HomeAgent(HA, HomeAgent.Config.defaults());
        List<MobilityAction> restored = backup.importState(state, 1000, T0 + s(100));
        BindingCacheEntry e = of(MobilityAction.BindingAdded.class, restored).get(0).entry();
        assertEquals(COA, e.careOfAddress());
        assertEquals(T0 + s(3600), e.expiresNanos());
        // The mobile node keeps talking to the backup with the same keys; old packets stay replays.
        List<MobilityAction> out = backup.receive(bu(6, H, 900, COA2), T0 + s(101));
        assertEquals(COA2, of(MobilityAction.BindingAdded.class, out).get(0).entry().careOfAddress());
        assertEquals(BindingAckStatus.ACCEPTED, openAck(out).status());
        assertNotNull(backup.bindings().get(HOME, T0 + s(101)));
    }

    @Test
    void shouldRejectTruncatedStateWithMalformedException() {
        byte[] state = ha.exportState(T0);
        for (int cut = 0; cut < state.length; cut += 7) {
            byte[] t = Arrays.copyOf(state, cut);
            assertThrows(MalformedMobilityHeaderException.class,
                    () -> new HomeAgent(HA, HomeAgent.Config.defaults()).importState(t, 0, T0));
        }
    }

    @Test
    void shouldHonourAntiReplayWindowOutOfOrder() {
        SecurityAssociation rx = sa(0x1001, K_IN, HOME, HA);
        byte[][] packets = new byte[70][];
        for (int i = 0; i < packets.length; i++) {
            packets[i] = mnOut.protect(135, new byte[8]);
        }
        assertTrue(rx.unprotect(packets[69]).ok());
        assertTrue(rx.unprotect(packets[10]).ok(), "seq 11 is within 64 of 70");
        assertEquals(DropReason.REPLAYED, rx.unprotect(packets[10]).failure());
        assertEquals(DropReason.REPLAYED, rx.unprotect(packets[3]).failure(), "seq 4 fell out of the window");
    }
}
