package org.vanycast.mipv6.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.vanycast.mipv6.api.Exchange.COA;
import static org.vanycast.mipv6.api.Exchange.COA2;
import static org.vanycast.mipv6.api.Exchange.HOME;
import static org.vanycast.mipv6.api.Exchange.T0;
import static org.vanycast.mipv6.api.Exchange.of;
import static org.vanycast.mipv6.api.Exchange.s;
import static org.vanycast.mipv6.api.Exchange.sent;

import java.net.Inet6Address;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Home registration between the mobile-node session and the real home agent engine, over ESP. */
class HomeRegistrationSessionTest {
    private static final Inet6Address HA = Hex.ip("fd00:1::1");
    private static final byte[] K1 = new byte[20];
    private static final byte[] K2 = Hex.bytes("0102030405060708090a0b0c0d0e0f1011121314");
    private final HomeAgent ha = new HomeAgent(HA, HomeAgent.Config.defaults());
    private final HomeRegistrationSession mn = new HomeRegistrationSession(HOME, HA, sa(0x500, K1, HOME, HA),
            sa(0x600, K2, HA, HOME), 0, HomeRegistrationSession.Config.defaults());

    HomeRegistrationSessionTest() {
        ha.addMobileNode(HOME, sa(0x500, K1, HOME, HA), sa(0x600, K2, HA, HOME));
    }

    private static SecurityAssociation sa(int spi, byte[] key, Inet6Address src, Inet6Address dst) {
        return new SecurityAssociation(spi, SecurityAssociation.Integrity.HMAC_SHA1_96, key, src, dst);
    }

    private List<MobilityAction> converse(List<MobilityAction> first, long now) {
        List<MobilityAction> all = new ArrayList<>(first);
        List<MobilityAction> fromMn = first;
        for (int i = 0; i < 5 && !sent(fromMn).isEmpty(); i++) {
            List<MobilityAction> fromHa = new ArrayList<>();
            for (Ipv6Packet p : sent(fromMn)) {
                fromHa.addAll(ha.receive(p, now));
            }
            fromMn = new ArrayList<>();
            for (Ipv6Packet p : sent(fromHa)) {
                fromMn.addAll(mn.receive(p, now));
            }
            all.addAll(fromMn);
        }
        return all;
    }

    private static MobilityAction.BindingStateChanged.State last(List<MobilityAction> a) {
        List<MobilityAction.BindingStateChanged> s = of(MobilityAction.BindingStateChanged.class, a);
        return s.get(s.size() - 1).state();
    }

    @Test
    void shouldRegisterMoveAndDeregister() {
        List<MobilityAction> first = mn.bind(COA, T0);
        assertEquals(SecurityAssociation.IPPROTO_ESP, sent(first).get(0).upperLayerProtocol());
        assertEquals(HOME, sent(first).get(0).homeAddress());
        assertEquals(MobilityAction.BindingStateChanged.State.ACKNOWLEDGED, last(converse(first, T0)));
        assertEquals(COA, ha.bindings().get(HOME, T0).careOfAddress());
        assertEquals(MobilityAction.BindingStateChanged.State.ACKNOWLEDGED, last(converse(mn.bind(COA2, T0 + s(5)), T0 + s(5))));
        assertEquals(COA2, ha.bindings().get(HOME, T0 + s(5)).careOfAddress());
        assertEquals(MobilityAction.BindingStateChanged.State.DEREGISTERED, last(converse(mn.bind(HOME, T0 + s(9)), T0 + s(9))));
        assertNull(ha.bindings().get(HOME, T0 + s(9)));
    }

    @Test
    void shouldUseFirstRegistrationTimeoutThenBackOffAndFail() {
        mn.bind(COA, T0);
        assertEquals(T0 + s(1.5), mn.nextDeadline());
        long now = T0;
        List<MobilityAction> out = List.of();
        int sends = 0;
        while (of(MobilityAction.BindingStateChanged.class, out).isEmpty()) {
            now = mn.nextDeadline();
            out = mn.onTimer(now);
            sends += sent(out).size();
        }
        assertEquals(4, sends, "1.5, 3, 6, 12 s; the 24 s timeout would exceed the next doubling");
        assertEquals(MobilityAction.BindingStateChanged.State.FAILED, last(out));
    }

    @Test
    void shouldRefreshBeforeLifetimeEnds() {
        converse(mn.bind(COA, T0), T0);
        long refresh = mn.nextDeadline();
        assertEquals(T0 + s(3600 - 120), refresh);
        List<MobilityAction> again = mn.onTimer(refresh);
        assertEquals(MobilityAction.BindingStateChanged.State.ACKNOWLEDGED, last(converse(again, refresh)));
        assertEquals(refresh + s(3600), ha.bindings().get(HOME, refresh).expiresNanos());
    }

    @Test
    void shouldResynchronizeAfterHomeAgentTakeover() throws Exception {
        HomeRegistrationSession other = new HomeRegistrationSession(HOME, HA, sa(0x500, K1, HOME, HA),
                sa(0x600, K2, HA, HOME), 0, HomeRegistrationSession.Config.defaults());
        // The HA already accepted sequence 40 (e.g. from the node that held X before).
        HomeAgent primed = new HomeAgent(HA, HomeAgent.Config.defaults());
        primed.addMobileNode(HOME, sa(0x500, K1, HOME, HA), sa(0x600, K2, HA, HOME));
        SecurityAssociation prior = sa(0x500, K1, HOME, HA);
        for (int i = 0; i < 10; i++) {
            prior.protect(135, new byte[8]); // move past sequence numbers the session will use
        }
        BindingUpdate bu40 = new BindingUpdate(40, BindingUpdate.FLAG_ACK | BindingUpdate.FLAG_HOME_REGISTRATION, 900,
                MobilityOptions.aligned(6, List.of()));
        primed.receive(Exchange.wire(prior.protect(COA, HA, HOME, null, bu40)), T0);
        List<MobilityAction> fromHa = primed.receive(sent(other.bind(COA2, T0 + s(1))).get(0), T0 + s(1));
        List<MobilityAction> retry = other.receive(sent(fromHa).get(0), T0 + s(1));
        BindingUpdate resent = (BindingUpdate) of(MobilityAction.Send.class, retry).get(0).message();
        assertEquals(41, resent.sequence(), "last accepted (40) + 1");
        assertEquals(1, of(MobilityAction.BindingAdded.class, primed.receive(sent(retry).get(0), T0 + s(1))).size());
    }
}
