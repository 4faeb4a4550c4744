package org.vanycast.mipv6.api;

import static org.vanycast.mipv6.api.Hex.ip;

import java.net.Inet6Address;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/** Test fixture: addresses, a correspondent, and helpers that push packets through the wire format. */
final class Exchange {
    static final Inet6Address CN = ip("fd00::1");
    static final Inet6Address HOME = ip("fd00:1::10");
    static final Inet6Address COA = ip("fd00:2::2");
    static final Inet6Address COA2 = ip("fd00:3::3");
    static final long T0 = TimeUnit.SECONDS.toNanos(10_000);

    final NonceTable nonces = new NonceTable(new SplittableRandom(42));
    final CorrespondentNode cn = new CorrespondentNode(nonces);

    static long s(double seconds) {
        return (long) (seconds * 1e9);
    }

    /** Encodes and decodes, as the wire would. */
    static Ipv6Packet wire(Ipv6Packet p) {
        try {
            return Ipv6PacketCodec.decode(Ipv6PacketCodec.encode(p));
        } catch (MalformedMobilityHeaderException e) {
            throw new AssertionError(e);
        }
    }

    static List<Ipv6Packet> sent(List<MobilityAction> actions) {
        List<Ipv6Packet> out = new ArrayList<>();
        for (MobilityAction a : actions) {
            if (a instanceof MobilityAction.Send s) {
                out.add(wire(s.packet()));
            }
        }
        return out;
    }

    static <T extends MobilityAction> List<T> of(Class<T> kind, List<MobilityAction> actions) {
        List<T> out = new ArrayList<>();
        for (MobilityAction a : actions) {
            if (kind.isInstance(a)) {
                out.add(kind.cast(a));
            }
        }
        return out;
    }

    static MobilityMessage message(Ipv6Packet p) {
        try {
            return p.mobilityHeader().message();
        } catch (MalformedMobilityHeaderException e) {
            throw new AssertionError(e);
        }
    }

    /** Delivers every packet in {@code actions} to the correspondent; returns its actions. */
    List<MobilityAction> toCn(List<MobilityAction> actions, long now) {
        List<MobilityAction> out = new ArrayList<>();
        for (Ipv6Packet p : sent(actions)) {
            out.addAll(cn.receive(p, now));
        }
        return out;
    }

    /** Delivers every packet in {@code actions} to the mobile node session; returns its actions. */
    static List<MobilityAction> toMn(MobileNodeSession mn, List<MobilityAction> actions, long now) {
        List<MobilityAction> out = new ArrayList<>();
        for (Ipv6Packet p : sent(actions)) {
            out.addAll(mn.receive(p, now));
        }
        return out;
    }

    /** Runs HoTI/CoTI against the correspondent at the given times; returns the tokens. */
    ReturnRoutabilityResult returnRoutability(Inet6Address careOf, long homeAt, long careOfAt) {
        CareOfTest ct = null;
        if (!careOf.equals(HOME) && careOfAt < homeAt) {
            ct = careOfTest(careOf, careOfAt);
        }
        HomeTest ht = (HomeTest) message(sent(cn.receive(wire(Ipv6Packet.mobility(HOME, CN, null, null,
                new HomeTestInit(7))), homeAt)).get(0));
        if (careOf.equals(HOME)) {
            return new ReturnRoutabilityResult(HOME, HOME, CN, ht.homeNonceIndex(), ht.homeKeygenToken(), 0, 0, homeAt);
        }
        if (ct == null) {
            ct = careOfTest(careOf, careOfAt);
        }
        return new ReturnRoutabilityResult(HOME, careOf, CN, ht.homeNonceIndex(), ht.homeKeygenToken(),
                ct.careOfNonceIndex(), ct.careOfKeygenToken(), Math.min(homeAt, careOfAt));
    }

    private CareOfTest careOfTest(Inet6Address careOf, long at) {
        return (CareOfTest) message(sent(cn.receive(wire(Ipv6Packet.mobility(careOf, CN, null, null,
                new CareOfTestInit(8))), at)).get(0));
    }

    /** A Binding Update packet signed with {@code rr}'s Kbm, as a mobile node would send it. */
    static Ipv6Packet bindingUpdate(ReturnRoutabilityResult rr, int seq, int flags, int lifetime) {
        BindingUpdate bu = ReturnRoutabilityKeys.sign(new BindingUpdate(seq, flags, lifetime,
                List.of(new MobilityOption.NonceIndices(rr.homeNonceIndex(), rr.careOfNonceIndex()))),
                rr.kbm(), rr.careOfAddress(), CN);
        boolean atHome = rr.careOfAddress().equals(HOME);
        return wire(Ipv6Packet.mobility(rr.careOfAddress(), CN, atHome ? null : HOME, null, bu));
    }

    /** The single Binding Acknowledgement among {@code actions}. */
    static BindingAcknowledgement ack(List<MobilityAction> actions) {
        List<Ipv6Packet> p = sent(actions);
        if (p.size() != 1) {
            throw new AssertionError("expected one packet, got " + actions);
        }
        return (BindingAcknowledgement) message(p.get(0));
    }
}
