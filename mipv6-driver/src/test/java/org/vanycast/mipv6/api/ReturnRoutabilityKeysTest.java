package org.vanycast.mipv6.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vanycast.mipv6.api.Hex.bytes;
import static org.vanycast.mipv6.api.Hex.hex;
import static org.vanycast.mipv6.api.Hex.ip;

import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Known answers computed independently with Python's hmac/hashlib from the §5.2.5 formulas. */
class ReturnRoutabilityKeysTest {
    private static final byte[] KCN = bytes("0102030405060708090a0b0c0d0e0f1011121314");
    private static final byte[] NONCE = bytes("0011223344556677");

    @Test
    void shouldDeriveKeygenTokensAndKbmLikeTheReference() {
        long home = ReturnRoutabilityKeys.homeKeygenToken(KCN, ip("fd00:1::10"), NONCE);
        long careOf = ReturnRoutabilityKeys.careOfKeygenToken(KCN, ip("fd00:2::2"), NONCE);
        assertEquals(0x882819d9fb399b49L, home);
        assertEquals(0x87dfc55f4f811ebeL, careOf);
        assertEquals("ca6c6522625b488b0f638da0a78beee34c33250b", hex(ReturnRoutabilityKeys.kbm(home, careOf)));
        assertEquals("fb07ea35da55d89bf9721378bfe534bfa3fe181d", hex(ReturnRoutabilityKeys.kbmDeregistration(home)));
    }

    @Test
    void shouldSignBindingUpdateWithFirst96BitsOfHmacOverChecksumZeroData() throws Exception {
        byte[] kbm = bytes("ca6c6522625b488b0f638da0a78beee34c33250b");
        BindingUpdate bu = new BindingUpdate(7, BindingUpdate.FLAG_ACK, 105,
                List.of(new MobilityOption.NonceIndices(1, 2)));
        BindingUpdate signed = ReturnRoutabilityKeys.sign(bu, kbm, ip("fd00:2::2"), ip("fd00::1"));
        MobilityOption.BindingAuthorizationData bad = signed.option(MobilityOption.BindingAuthorizationData.class).get();
        assertEquals("2287b7525503dcb3a0993755", hex(bad.authenticator()));
        // The checksum is outside the authenticated data: a real checksum does not break verification.
        byte[] wire = MobilityHeaderCodec.encode(signed, ip("fd00:1::10"), ip("fd00::1"));
        assertTrue(ReturnRoutabilityKeys.verify(kbm, ip("fd00:2::2"), ip("fd00::1"), wire, 0, wire.length));
    }

    @Test
    void shouldRejectForgedOrMisaddressedAuthenticator() {
        byte[] kbm = ReturnRoutabilityKeys.kbm(1, 2);
        BindingUpdate signed = ReturnRoutabilityKeys.sign(new BindingUpdate(9, BindingUpdate.FLAG_ACK, 10,
                List.of(new MobilityOption.NonceIndices(3, 4))), kbm, ip("fd00:2::2"), ip("fd00::1"));
        byte[] wire = MobilityHeaderCodec.encode(MobilityHeader.of(signed));
        assertFalse(ReturnRoutabilityKeys.verify(ReturnRoutabilityKeys.kbm(1, 3), ip("fd00:2::2"), ip("fd00::1"), wire, 0, wire.length));
        assertFalse(ReturnRoutabilityKeys.verify(kbm, ip("fd00:2::3"), ip("fd00::1"), wire, 0, wire.length));
        byte[] tampered = wire.clone();
        tampered[7] ^= 1; // sequence number
        assertFalse(ReturnRoutabilityKeys.verify(kbm, ip("fd00:2::2"), ip("fd00::1"), tampered, 0, tampered.length));
        byte[] forged = wire.clone();
        forged[forged.length - 1] ^= 0x40;
        assertFalse(ReturnRoutabilityKeys.verify(kbm, ip("fd00:2::2"), ip("fd00::1"), forged, 0, forged.length));
    }

    @Test
    void shouldNotVerifyWithoutAuthorizationData() {
        byte[] wire = MobilityHeaderCodec.encode(MobilityHeader.of(new BindingUpdate(1, 0, 1, List.of())));
        assertFalse(ReturnRoutabilityKeys.verify(new byte[20], ip("fd00::2"), ip("fd00::1"), wire, 0, wire.length));
    }

    @Test
    void shouldExpireNoncesAfterMaxNonceLifetimeAndRegenerateOnSchedule() {
        NonceTable t = new NonceTable(new SplittableRandom(1));
        long t0 = TimeUnit.SECONDS.toNanos(1000);
        NonceTable.Nonce first = t.current(t0);
        assertEquals(first.index(), t.current(t0 + TimeUnit.SECONDS.toNanos(29)).index(), "same nonce within 30 s");
        NonceTable.Nonce second = t.current(t0 + TimeUnit.SECONDS.toNanos(30));
        assertEquals((first.index() + 1) & 0xffff, second.index());
        assertNotNull(t.lookup(first.index(), t0 + MobilityConstants.MAX_NONCE_LIFETIME));
        assertNull(t.lookup(first.index(), t0 + MobilityConstants.MAX_NONCE_LIFETIME + 1));
        assertTrue(t.homeKeygenToken(ip("fd00::10"), first.index(), t0 + MobilityConstants.MAX_NONCE_LIFETIME + 1).isEmpty());
        assertEquals(ReturnRoutabilityKeys.homeKeygenToken(t.kcn(), ip("fd00::10"), second.value()),
                t.homeKeygenToken(ip("fd00::10"), second.index(), t0 + TimeUnit.SECONDS.toNanos(31)).getAsLong());
    }

    @Test
    void shouldTreatSequenceNumbersModulo65536() {
        assertTrue(MobilityConstants.sequenceGreater(1, 0xffff));
        assertTrue(MobilityConstants.sequenceGreater(0x7fff, 0));
        assertFalse(MobilityConstants.sequenceGreater(0x8000, 0));
        assertFalse(MobilityConstants.sequenceGreater(5, 5));
        assertFalse(MobilityConstants.sequenceGreater(4, 5));
    }
}
