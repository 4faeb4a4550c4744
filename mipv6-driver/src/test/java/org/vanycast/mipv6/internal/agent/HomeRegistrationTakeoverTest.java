package org.vanycast.mipv6.internal.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.vanycast.mipv6.api.DropReason;
import org.vanycast.mipv6.api.HomeAgent;
import org.vanycast.mipv6.api.Ipv6PacketCodec;
import org.vanycast.mipv6.api.MobilityAction;

/**
 * Every node of a group derives the same home-registration SA from the group's secret; a
 * backup taking X over must not reuse the ESP or Binding Update sequence numbers of the
 * contact node before it (found end to end: kill -9 of the contact node, the new contact's
 * registration was dropped as replayed).
 */
class HomeRegistrationTakeoverTest {
    private static final byte[] SECRET = "the group's home-registration secret".getBytes(StandardCharsets.UTF_8);
    private final Inet6Address x = v6("fd00:1:100::a");
    private final Inet6Address ha = v6("fd00:1:100::1");
    private final Inet6Address node1 = v6("fd00:1:11::2");
    private final Inet6Address node2 = v6("fd00:1:12::2");

    private static Inet6Address v6(String s) {
        try {
            return (Inet6Address) InetAddress.getByName(s);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(s, e);
        }
    }

    private HomeAgent homeAgent() {
        HomeAgent engine = new HomeAgent(ha, HomeAgent.Config.defaults());
        engine.addMobileNode(x, HomeKeys.toHomeAgent(SECRET, x, ha), HomeKeys.fromHomeAgent(SECRET, x, ha));
        return engine;
    }

    private HomeRegistration node(Inet6Address careOf) {
        return new HomeRegistration(x, careOf, ha, SECRET, new DropCounters());
    }

    /** What the home agent makes of the packet as it would arrive off the wire. */
    private static List<MobilityAction> deliver(HomeAgent engine, HomeRegistration.Update u, long now) throws Exception {
        return engine.receive(Ipv6PacketCodec.decode(Ipv6PacketCodec.encode(u.packet())), now);
    }

    private static Inet6Address registered(List<MobilityAction> actions) {
        return actions.stream().filter(MobilityAction.BindingAdded.class::isInstance)
                .map(a -> ((MobilityAction.BindingAdded) a).entry().careOfAddress()).findFirst().orElse(null);
    }

    @Test
    void shouldLetABackupRegisterXAfterTheContactNodeOfAnEarlierEpoch() throws Exception {
        HomeAgent engine = homeAgent();
        HomeRegistration contact = node(node1);
        contact.enterTerm(0);
        assertEquals(node1, registered(deliver(engine, contact.nextUpdate(100), 1)));
        assertEquals(node1, registered(deliver(engine, contact.nextUpdate(100), 2)), "a refresh in the same term");

        HomeRegistration backup = node(node2);
        backup.enterTerm(2);
        assertEquals(node2, registered(deliver(engine, backup.nextUpdate(100), 3)), "the backup holds X now");
    }

    @Test
    void shouldDropABackupsUpdateAsReplayedWhenItReusesTheContactsCounters() throws Exception {
        HomeAgent engine = homeAgent();
        HomeRegistration contact = node(node1);
        assertEquals(node1, registered(deliver(engine, contact.nextUpdate(100), 1)));
        List<MobilityAction> actions = deliver(engine, node(node2).nextUpdate(100), 2);
        assertTrue(actions.stream().anyMatch(a -> a instanceof MobilityAction.Dropped d && d.reason() == DropReason.REPLAYED),
                actions.toString());
    }

    @Test
    void shouldNeverMoveCountersBackWhenATermStartsLowerThanWhereTheyAre() throws Exception {
        HomeAgent engine = homeAgent();
        HomeRegistration contact = node(node1);
        contact.enterTerm(5);
        assertEquals(node1, registered(deliver(engine, contact.nextUpdate(100), 1)));
        contact.enterTerm(1);
        assertEquals(node1, registered(deliver(engine, contact.nextUpdate(100), 2)),
                "a contact reasserted with a lower epoch keeps counting up");
    }
}
