package org.vanycast.mipv6.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vanycast.mipv6.api.Exchange.CN;
import static org.vanycast.mipv6.api.Exchange.COA;
import static org.vanycast.mipv6.api.Exchange.HOME;
import static org.vanycast.mipv6.api.Exchange.T0;
import static org.vanycast.mipv6.api.Exchange.ack;
import static org.vanycast.mipv6.api.Exchange.bindingUpdate;
import static org.vanycast.mipv6.api.Exchange.of;
import static org.vanycast.mipv6.api.Exchange.s;
import static org.vanycast.mipv6.api.Exchange.sent;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Correspondent-side conformance scenarios of RFC 6275 §9 (and the RFC 4225 attacks they stop). */
class CorrespondentNodeConformanceTest {
    private final Exchange x = new Exchange();
    private final CorrespondentNode cn = x.cn;
    private static final int A = BindingUpdate.FLAG_ACK;

    private BindingAcknowledgement bind(ReturnRoutabilityResult rr, int seq, long now) {
        return ack(cn.receive(bindingUpdate(rr, seq, A, 105), now));
    }

    @Test
    void shouldSilentlyDropMobilityHeaderWithBadChecksum() {
        byte[] mh = MobilityHeaderCodec.encode(new HomeTestInit(1), HOME, CN);
        mh[5] ^= 0x01;
        List<MobilityAction> out = cn.receive(new Ipv6Packet(0, 0, 64, HOME, CN, null, null, 135, mh), T0);
        assertEquals(List.of(new MobilityAction.Dropped(DropReason.BAD_CHECKSUM, "checksum")), out);
        assertEquals(1, cn.dropCount(DropReason.BAD_CHECKSUM));
    }

    @Test
    void shouldRejectPayloadProtoOtherThanNoneWithParameterProblemAtOffsetZero() {
        byte[] mh = MobilityHeaderCodec.encode(new MobilityHeader(6, 0, new HomeTestInit(1)));
        MobilityChecksum.fill(HOME, CN, mh, 0, mh.length);
        List<MobilityAction> out = cn.receive(new Ipv6Packet(0, 0, 64, HOME, CN, null, null, 135, mh), T0);
        assertEquals(0, of(MobilityAction.SendParameterProblem.class, out).get(0).mobilityHeaderOffset());
        assertEquals(DropReason.BAD_PAYLOAD_PROTO, of(MobilityAction.Dropped.class, out).get(0).reason());
        assertTrue(sent(out).isEmpty(), "no Home Test for a piggybacked header");
    }

    @Test
    void shouldPointParameterProblemAtHeaderLenWhenTooShortForType() {
        byte[] mh = Hex.bytes("3b 00 05 00 0000 0001");
        MobilityChecksum.fill(HOME, CN, mh, 0, mh.length);
        List<MobilityAction> out = cn.receive(new Ipv6Packet(0, 0, 64, HOME, CN, null, null, 135, mh), T0);
        assertEquals(1, of(MobilityAction.SendParameterProblem.class, out).get(0).mobilityHeaderOffset());
        assertEquals(DropReason.MALFORMED, of(MobilityAction.Dropped.class, out).get(0).reason());
    }

    @Test
    void shouldDropHomeAndCareOfTestInitCarryingHomeAddressOption() {
        List<MobilityAction> hoti = cn.receive(Exchange.wire(Ipv6Packet.mobility(COA, CN, HOME, null, new HomeTestInit(1))), T0);
        List<MobilityAction> coti = cn.receive(Exchange.wire(Ipv6Packet.mobility(COA, CN, HOME, null, new CareOfTestInit(1))), T0);
        assertTrue(sent(hoti).isEmpty() && sent(coti).isEmpty());
        assertEquals(2, cn.dropCount(DropReason.TEST_INIT_WITH_HOME_ADDRESS_OPTION));
    }

    @Test
    void shouldAnswerTestInitsStatelesslyWithTokensFromCurrentNonce() {
        List<Ipv6Packet> reply = sent(cn.receive(Exchange.wire(Ipv6Packet.mobility(HOME, CN, null, null,
                new HomeTestInit(0x1234))), T0));
        HomeTest ht = (HomeTest) Exchange.message(reply.get(0));
        assertEquals(0x1234, ht.homeInitCookie());
        assertEquals(HOME, reply.get(0).destination());
        byte[] nonce = x.nonces.lookup(ht.homeNonceIndex(), T0).value();
        assertEquals(ReturnRoutabilityKeys.homeKeygenToken(x.nonces.kcn(), HOME, nonce), ht.homeKeygenToken());
        assertEquals(0, cn.bindings().size(), "no state kept for a test init");
    }

    @Test
    void shouldAcceptBindingUpdateAndSendSignedAcknowledgementRoutedToHome() {
        ReturnRoutabilityResult rr = x.returnRoutability(COA, T0, T0);
        List<MobilityAction> out = cn.receive(bindingUpdate(rr, 10, A, 105), T0 + s(1));
        BindingCacheEntry e = of(MobilityAction.BindingAdded.class, out).get(0).entry();
        assertEquals(COA, e.careOfAddress());
        assertEquals(T0 + s(1) + s(420), e.expiresNanos());
        Ipv6Packet baPacket = sent(out).get(0);
        assertEquals(COA, baPacket.destination());
        assertEquals(HOME, baPacket.routingHomeAddress());
        BindingAcknowledgement ba = (BindingAcknowledgement) Exchange.message(baPacket);
        assertEquals(BindingAckStatus.ACCEPTED, ba.status());
        assertEquals(10, ba.sequence());
        byte[] wire = baPacket.upperLayer();
        assertTrue(ReturnRoutabilityKeys.verify(rr.kbm(), COA, CN, wire, 0, wire.length));
    }

    @Test
    void shouldBindWithoutAcknowledgementWhenAckBitClear() {
        ReturnRoutabilityResult rr = x.returnRoutability(COA, T0, T0);
        List<MobilityAction> out = cn.receive(bindingUpdate(rr, 10, 0, 105), T0);
        assertTrue(sent(out).isEmpty());
        assertNotNull(cn.bindings().get(HOME, T0));
    }

    @Test
    void shouldCapLifetimeAtMaxRrBindingLifetime() {
        ReturnRoutabilityResult rr = x.returnRoutability(COA, T0, T0);
        assertEquals(105, ack(cn.receive(bindingUpdate(rr, 1, A, 0xffff), T0)).lifetime());
    }

    @Test
    void shouldRejectBindingUpdateWithEqualOrLesserSequence() {
        ReturnRoutabilityResult rr = x.returnRoutability(COA, T0, T0);
        assertEquals(BindingAckStatus.ACCEPTED, bind(rr, 500, T0).status());
        BindingAcknowledgement equal = bind(rr, 500, T0 + s(1));
        assertEquals(BindingAckStatus.SEQUENCE_NUMBER_OUT_OF_WINDOW, equal.status());
        assertEquals(500, equal.sequence(), "135 carries the last accepted sequence number");
        assertEquals(BindingAckStatus.SEQUENCE_NUMBER_OUT_OF_WINDOW, bind(rr, 499, T0 + s(2)).status());
        assertEquals(BindingAckStatus.ACCEPTED, bind(rr, 501, T0 + s(3)).status());
    }

    @Test
    void shouldRejectSequenceTooFarAheadAndAcceptWrapAround() {
        ReturnRoutabilityResult rr = x.returnRoutability(COA, T0, T0);
        assertEquals(BindingAckStatus.ACCEPTED, bind(rr, 0xfffe, T0).status());
        assertEquals(BindingAckStatus.SEQUENCE_NUMBER_OUT_OF_WINDOW, bind(rr, (0xfffe + 0x8000) & 0xffff, T0).status());
        assertEquals(BindingAckStatus.ACCEPTED, bind(rr, 0xffff, T0).status());
        assertEquals(BindingAckStatus.ACCEPTED, bind(rr, 0, T0).status(), "0 follows 65535");
        assertEquals(0, cn.bindings().get(HOME, T0).sequence());
    }

    @Test
    void shouldDeleteBindingOnLifetimeZero() {
        ReturnRoutabilityResult rr = x.returnRoutability(COA, T0, T0);
        bind(rr, 1, T0);
        List<MobilityAction> out = cn.receive(bindingUpdate(rr, 2, A, 0), T0 + s(1));
        assertEquals(MobilityAction.BindingRemoved.Cause.DEREGISTERED,
                of(MobilityAction.BindingRemoved.class, out).get(0).cause());
        assertEquals(BindingAckStatus.ACCEPTED, ack(out).status());
        assertNull(cn.bindings().get(HOME, T0 + s(1)));
    }

    @Test
    void shouldDeleteBindingWhenCareOfEqualsHomeUsingHomeTokenOnly() {
        bind(x.returnRoutability(COA, T0, T0), 1, T0);
        ReturnRoutabilityResult atHome = x.returnRoutability(HOME, T0 + s(5), T0 + s(5));
        Ipv6Packet bu = bindingUpdate(atHome, 2, A, 105);
        assertNull(bu.homeAddress(), "sent from the home address itself");
        List<MobilityAction> out = cn.receive(bu, T0 + s(5));
        assertEquals(1, of(MobilityAction.BindingRemoved.class, out).size());
        assertEquals(BindingAckStatus.ACCEPTED, ack(out).status());
        assertNull(sent(out).get(0).routingHomeAddress());
        assertNull(cn.bindings().get(HOME, T0 + s(5)));
    }

    @Test
    void shouldRejectExpiredHomeNonceIndexWith136() {
        ReturnRoutabilityResult rr = x.returnRoutability(COA, T0, T0 + s(60));
        assertEquals(BindingAckStatus.EXPIRED_HOME_NONCE_INDEX, bind(rr, 1, T0 + s(241)).status());
    }

    @Test
    void shouldRejectExpiredCareOfNonceIndexWith137() {
        ReturnRoutabilityResult rr = x.returnRoutability(COA, T0 + s(60), T0);
        assertEquals(BindingAckStatus.EXPIRED_CARE_OF_NONCE_INDEX, bind(rr, 1, T0 + s(241)).status());
    }

    @Test
    void shouldRejectBothNonceIndicesExpiredWith138AndKeepNoBinding() {
        ReturnRoutabilityResult rr = x.returnRoutability(COA, T0, T0);
        assertEquals(BindingAckStatus.EXPIRED_NONCES, bind(rr, 1, T0 + s(241)).status());
        assertEquals(0, cn.bindings().size());
    }

    @Test
    void shouldSilentlyDropForgedAuthenticator() {
        ReturnRoutabilityResult rr = x.returnRoutability(COA, T0, T0);
        ReturnRoutabilityResult forged = new ReturnRoutabilityResult(HOME, COA, CN, rr.homeNonceIndex(),
                rr.homeKeygenToken() ^ 1, rr.careOfNonceIndex(), rr.careOfKeygenToken(), T0);
        List<MobilityAction> out = cn.receive(bindingUpdate(forged, 1, A, 105), T0);
        assertTrue(sent(out).isEmpty(), "no acknowledgement to an off-path forger");
        assertEquals(DropReason.AUTHENTICATION_FAILED, of(MobilityAction.Dropped.class, out).get(0).reason());
        assertEquals(0, cn.bindings().size());
    }

    @Test
    void shouldDropBindingUpdateWithoutBindingAuthorizationData() {
        BindingUpdate bu = new BindingUpdate(1, A, 105, List.of(new MobilityOption.NonceIndices(1, 1)));
        List<MobilityAction> out = cn.receive(Exchange.wire(Ipv6Packet.mobility(COA, CN, HOME, null, bu)), T0);
        assertEquals(DropReason.MISSING_OPTION, of(MobilityAction.Dropped.class, out).get(0).reason());
    }

    @Test
    void shouldRejectReplayedBindingUpdateEvenAfterDeletion() {
        ReturnRoutabilityResult rr = x.returnRoutability(COA, T0, T0);
        Ipv6Packet captured = bindingUpdate(rr, 7, A, 105);
        assertEquals(BindingAckStatus.ACCEPTED, ack(cn.receive(captured, T0)).status());
        List<MobilityAction> replay = cn.receive(captured, T0 + s(1));
        assertEquals(BindingAckStatus.SEQUENCE_NUMBER_OUT_OF_WINDOW, ack(replay).status());
        assertTrue(of(MobilityAction.BindingAdded.class, replay).isEmpty());
        cn.receive(bindingUpdate(rr, 8, A, 0), T0 + s(2));
        List<MobilityAction> afterDelete = cn.receive(captured, T0 + s(3));
        assertEquals(BindingAckStatus.SEQUENCE_NUMBER_OUT_OF_WINDOW, ack(afterDelete).status());
        assertNull(cn.bindings().get(HOME, T0 + s(3)), "a replay does not resurrect the binding");
    }

    @Test
    void shouldRefuseHomeRegistrationWith131() {
        ReturnRoutabilityResult rr = x.returnRoutability(COA, T0, T0);
        assertEquals(BindingAckStatus.HOME_REGISTRATION_NOT_SUPPORTED,
                ack(cn.receive(bindingUpdate(rr, 1, A | BindingUpdate.FLAG_HOME_REGISTRATION, 105), T0)).status());
        assertEquals(0, cn.bindings().size());
    }

    @Test
    void shouldSendBindingErrorForHomeAddressOptionWithoutBinding() {
        Ipv6Packet tcp = new Ipv6Packet(0, 0, 64, COA, CN, HOME, null, 6, new byte[20]);
        List<MobilityAction> out = cn.receive(Exchange.wire(tcp), T0);
        Ipv6Packet bePacket = sent(out).get(0);
        BindingError be = (BindingError) Exchange.message(bePacket);
        assertEquals(BindingErrorStatus.UNKNOWN_BINDING_FOR_HOME_ADDRESS_OPTION, be.status());
        assertEquals(HOME, be.homeAddress());
        assertEquals(COA, bePacket.destination());
        assertEquals(DropReason.NO_BINDING, of(MobilityAction.Dropped.class, out).get(0).reason());

        bind(x.returnRoutability(COA, T0, T0), 1, T0);
        assertTrue(cn.receive(Exchange.wire(tcp), T0).isEmpty(), "accepted once the binding exists");
        Ipv6Packet fromElsewhere = new Ipv6Packet(0, 0, 64, Exchange.COA2, CN, HOME, null, 6, new byte[20]);
        assertEquals(1, sent(cn.receive(Exchange.wire(fromElsewhere), T0)).size(), "binding is for another care-of");
    }

    @Test
    void shouldRateLimitBindingErrors() {
        Ipv6Packet tcp = Exchange.wire(new Ipv6Packet(0, 0, 64, COA, CN, HOME, null, 6, new byte[20]));
        int errors = 0;
        for (int i = 0; i < 50; i++) {
            errors += sent(cn.receive(tcp, T0 + i)).size();
        }
        assertEquals(10, errors);
        assertEquals(1, sent(cn.receive(tcp, T0 + s(1.5))).size());
    }

    @Test
    void shouldAnswerUnknownMhTypeWithBindingErrorStatus2() {
        byte[] mh = Hex.bytes("3b 00 42 00 0000 0000");
        MobilityChecksum.fill(COA, CN, mh, 0, mh.length);
        List<MobilityAction> out = cn.receive(new Ipv6Packet(0, 0, 64, COA, CN, null, null, 135, mh), T0);
        BindingError be = (BindingError) Exchange.message(sent(out).get(0));
        assertEquals(BindingErrorStatus.UNRECOGNIZED_MH_TYPE, be.status());
        assertEquals(CorrespondentNode.unspecified(), be.homeAddress());
    }

    @Test
    void shouldExpireBindingWhenLifetimeRunsOut() {
        bind(x.returnRoutability(COA, T0, T0), 1, T0);
        assertEquals(T0 + s(420), cn.nextDeadline());
        assertTrue(cn.onTimer(T0 + s(419)).isEmpty());
        List<MobilityAction> out = cn.onTimer(T0 + s(420));
        assertEquals(MobilityAction.BindingRemoved.Cause.EXPIRED, of(MobilityAction.BindingRemoved.class, out).get(0).cause());
        assertFalse(cn.bindings().entries().stream().anyMatch(e -> e.homeAddress().equals(HOME)));
    }
}
