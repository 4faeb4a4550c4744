package org.vanycast.mipv6.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vanycast.mipv6.api.Exchange.CN;
import static org.vanycast.mipv6.api.Exchange.COA;
import static org.vanycast.mipv6.api.Exchange.COA2;
import static org.vanycast.mipv6.api.Exchange.HOME;
import static org.vanycast.mipv6.api.Exchange.T0;
import static org.vanycast.mipv6.api.Exchange.of;
import static org.vanycast.mipv6.api.Exchange.s;
import static org.vanycast.mipv6.api.Exchange.sent;
import static org.vanycast.mipv6.api.Exchange.toMn;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The mobile node state machine against the real correspondent engine, through the wire format. */
class MobileNodeSessionTest {
    private final Exchange x = new Exchange();
    private final MobileNodeSession mn = new MobileNodeSession(HOME, CN, new SplittableRandom(3), 0,
            MobileNodeSession.Config.defaults());

    /** Runs packets back and forth between mn and cn until quiet; returns everything mn emitted. */
    private List<MobilityAction> converse(MobileNodeSession node, List<MobilityAction> first, long now) {
        List<MobilityAction> all = new ArrayList<>(first);
        List<MobilityAction> fromMn = first;
        for (int round = 0; round < 10 && !sent(fromMn).isEmpty(); round++) {
            fromMn = toMn(node, x.toCn(fromMn, now), now);
            all.addAll(fromMn);
        }
        return all;
    }

    private static MobilityAction.BindingStateChanged.State lastState(List<MobilityAction> actions) {
        List<MobilityAction.BindingStateChanged> s = of(MobilityAction.BindingStateChanged.class, actions);
        return s.get(s.size() - 1).state();
    }

    @Test
    void shouldRunReturnRoutabilityThenBindAndReportSentBeforeAcknowledged() {
        List<MobilityAction> first = mn.bind(COA, T0);
        assertEquals(2, sent(first).size(), "HoTI and CoTI");
        assertTrue(Exchange.message(sent(first).get(0)) instanceof HomeTestInit);
        assertEquals(HOME, sent(first).get(0).source(), "HoTI leaves from the home address");
        assertEquals(COA, sent(first).get(1).source(), "CoTI leaves from the care-of address");
        List<MobilityAction> all = converse(mn, first, T0);
        List<MobilityAction.BindingStateChanged> states = of(MobilityAction.BindingStateChanged.class, all);
        assertEquals(MobilityAction.BindingStateChanged.State.SENT, states.get(0).state());
        assertEquals(MobilityAction.BindingStateChanged.State.ACKNOWLEDGED, states.get(1).state());
        assertEquals(s(420), states.get(1).lifetimeNanos());
        assertEquals(COA, x.cn.bindings().get(HOME, T0).careOfAddress());
        assertEquals(1, mn.sequence());
        assertFalse(mn.awaitingAcknowledgement());
    }

    @Test
    void shouldRetransmitWithExponentialBackoffAndNewSequenceThenFail() {
        converse(mn, mn.bind(COA, T0), T0);
        // Move; the correspondent stops answering Binding Updates (HoT/CoT still arrive).
        List<MobilityAction> tests = mn.bind(COA2, T0 + s(10));
        List<MobilityAction> bu = toMn(mn, x.toCn(tests, T0 + s(10)), T0 + s(10));
        assertEquals(1, of(MobilityAction.Send.class, bu).size(), "one Binding Update");
        int seq = mn.sequence();
        long now = T0 + s(10);
        long[] expectedGaps = {s(1), s(2), s(4), s(8), s(16)};
        for (long gap : expectedGaps) {
            assertEquals(now + gap, mn.nextDeadline());
            now += gap;
            List<MobilityAction> re = mn.onTimer(now);
            BindingUpdate retransmitted = (BindingUpdate) Exchange.message(sent(re).get(0));
            assertEquals(++seq & 0xffff, retransmitted.sequence(), "each retransmission is a new sequence number");
        }
        assertEquals(now + s(32), mn.nextDeadline());
        List<MobilityAction> last = mn.onTimer(now + s(32));
        assertEquals(MobilityAction.BindingStateChanged.State.FAILED, lastState(last));
        assertTrue(sent(last).isEmpty());
    }

    @Test
    void shouldRefreshBeforeBindingLifetimeEnds() {
        converse(mn, mn.bind(COA, T0), T0);
        long refresh = mn.nextDeadline();
        assertTrue(refresh > T0 + s(200) && refresh < T0 + s(420), "refresh within the 420 s lifetime");
        List<MobilityAction> tests = mn.onTimer(refresh);
        assertEquals(2, sent(tests).size(), "tokens older than 210 s: both tests again");
        List<MobilityAction> all = converse(mn, tests, refresh);
        assertEquals(MobilityAction.BindingStateChanged.State.ACKNOWLEDGED, lastState(all));
        assertEquals(refresh + s(420), x.cn.bindings().get(HOME, refresh).expiresNanos());
    }

    @Test
    void shouldHandOffWithPreviousSequenceAndReturnRoutabilityObtainedInAdvance() throws Exception {
        converse(mn, mn.bind(COA, T0), T0);
        // Prepare on the acceptor: return routability for its own care-of address, no binding.
        MobileNodeSession acceptor = new MobileNodeSession(HOME, CN, new SplittableRandom(9), 0,
                MobileNodeSession.Config.defaults());
        List<MobilityAction> prep = converse(acceptor, acceptor.prepare(COA2, T0 + s(5)), T0 + s(5));
        ReturnRoutabilityResult rr = of(MobilityAction.ReturnRoutabilityComplete.class, prep).get(0).result();
        assertTrue(of(MobilityAction.BindingStateChanged.class, prep).isEmpty(), "Prepare does not bind");
        // Init carries the old node's sequence number; the result travels as bytes.
        ReturnRoutabilityResult shipped = ReturnRoutabilityResult.fromBytes(rr.toBytes(T0 + s(6)), T0 + s(6));
        List<MobilityAction> handoff = acceptor.handoff(mn.sequence(), shipped, T0 + s(6));
        BindingUpdate bu = (BindingUpdate) Exchange.message(sent(handoff).get(0));
        assertEquals(mn.sequence() + 1, bu.sequence());
        List<MobilityAction> all = converse(acceptor, handoff, T0 + s(6));
        assertEquals(MobilityAction.BindingStateChanged.State.ACKNOWLEDGED, lastState(all));
        assertEquals(COA2, x.cn.bindings().get(HOME, T0 + s(6)).careOfAddress());
    }

    @Test
    void shouldResynchronizeSequenceAfterStatus135() {
        MobileNodeSession old = new MobileNodeSession(HOME, CN, new SplittableRandom(5), 99,
                MobileNodeSession.Config.defaults());
        converse(old, old.bind(COA, T0), T0);
        List<MobilityAction> all = converse(mn, mn.bind(COA2, T0 + s(1)), T0 + s(1));
        assertEquals(MobilityAction.BindingStateChanged.State.ACKNOWLEDGED, lastState(all));
        assertEquals(101, mn.sequence(), "resent as last accepted (100) + 1");
        assertEquals(COA2, x.cn.bindings().get(HOME, T0 + s(1)).careOfAddress());
    }

    @Test
    void shouldDeregisterWithLifetimeZero() {
        converse(mn, mn.bind(COA, T0), T0);
        List<MobilityAction> dereg = mn.deregister(T0 + s(10));
        BindingUpdate bu = (BindingUpdate) Exchange.message(sent(dereg).get(0));
        assertEquals(0, bu.lifetime());
        List<MobilityAction> all = converse(mn, dereg, T0 + s(10));
        assertEquals(MobilityAction.BindingStateChanged.State.DEREGISTERED, lastState(all));
        assertEquals(0, x.cn.bindings().size());
        assertEquals(Long.MAX_VALUE, mn.nextDeadline(), "no refresh after deregistration");
    }

    @Test
    void shouldReturnHomeWithHomeTestOnly() {
        converse(mn, mn.bind(COA, T0), T0);
        List<MobilityAction> home = mn.bind(HOME, T0 + s(300));
        assertEquals(1, sent(home).size());
        assertTrue(Exchange.message(sent(home).get(0)) instanceof HomeTestInit);
        List<MobilityAction> all = converse(mn, home, T0 + s(300));
        assertEquals(MobilityAction.BindingStateChanged.State.DEREGISTERED, lastState(all));
        assertEquals(0, x.cn.bindings().size());
    }

    @Test
    void shouldDropAcknowledgementWithForgedAuthenticator() {
        List<MobilityAction> tests = mn.bind(COA, T0);
        List<MobilityAction> bu = toMn(mn, x.toCn(tests, T0), T0);
        int seq = ((BindingUpdate) Exchange.message(sent(bu).get(0))).sequence();
        BindingAcknowledgement forged = ReturnRoutabilityKeys.sign(new BindingAcknowledgement(
                BindingAckStatus.ACCEPTED, 0, seq, 105, List.of()), new byte[20], COA, CN);
        List<MobilityAction> out = mn.receive(Exchange.wire(Ipv6Packet.mobility(CN, COA, null, HOME, forged)), T0);
        assertEquals(DropReason.AUTHENTICATION_FAILED, of(MobilityAction.Dropped.class, out).get(0).reason());
        assertTrue(mn.awaitingAcknowledgement());
    }

    @Test
    void shouldRebindOnBindingRefreshRequest() {
        converse(mn, mn.bind(COA, T0), T0);
        BindingRefreshRequest brr = new BindingRefreshRequest(MobilityOptions.aligned(2, List.of()));
        List<MobilityAction> out = mn.receive(Exchange.wire(Ipv6Packet.mobility(CN, COA, null, HOME, brr)), T0 + s(5));
        assertEquals(1, sent(out).size(), "fresh tokens still usable: straight to a Binding Update");
        assertTrue(Exchange.message(sent(out).get(0)) instanceof BindingUpdate);
    }

    @Test
    void shouldGiveUpReturnRoutabilityAfterBackoff() {
        mn.bind(COA, T0);
        long now = T0;
        int retransmissions = 0;
        List<MobilityAction> out = List.of();
        while (of(MobilityAction.BindingStateChanged.class, out).isEmpty()) {
            now = mn.nextDeadline();
            out = mn.onTimer(now);
            retransmissions += sent(out).size() / 2;
        }
        assertEquals(5, retransmissions, "1+2+4+8+16 s of back-off, then the 32 s timeout");
        assertEquals(MobilityAction.BindingStateChanged.State.FAILED, lastState(out));
    }
}
