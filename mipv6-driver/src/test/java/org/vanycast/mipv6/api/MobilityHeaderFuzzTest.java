package org.vanycast.mipv6.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet6Address;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.Tuple;
import net.jqwik.api.arbitraries.ListArbitrary;

/**
 * Decoder fuzzing: random and mutated inputs never raise anything but
 * {@link MalformedMobilityHeaderException}, decoding is stable under re-encoding, and the
 * correspondent engine never throws. The number of tries per property comes from
 * {@code -Dvanycast.fuzz.tries} (the pom maps it to {@code jqwik.tries.default}; 20 000 by
 * default, 1 000 000 for the full run).
 */
class MobilityHeaderFuzzTest {
    private static final Inet6Address CN = Hex.ip("fd00::1");
    private static final Inet6Address HOME = Hex.ip("fd00:1::10");
    private static final Inet6Address COA = Hex.ip("fd00:2::2");
    private static final List<byte[]> SEEDS = seeds();
    private final CorrespondentNode cn = new CorrespondentNode(new NonceTable(new java.util.SplittableRandom(1)));

    private static List<byte[]> seeds() {
        byte[] auth = new byte[12];
        List<MobilityMessage> msgs = List.of(
                new BindingRefreshRequest(MobilityOptions.aligned(2, List.of())),
                new HomeTestInit(1), new CareOfTestInit(2), new HomeTest(1, 2, 3), new CareOfTest(4, 5, 6),
                new BindingUpdate(7, BindingUpdate.FLAG_ACK, 105, MobilityOptions.aligned(6, List.of(
                        new MobilityOption.NonceIndices(1, 2), new MobilityOption.BindingAuthorizationData(auth)))),
                new BindingUpdate(8, 0, 1, MobilityOptions.aligned(6, List.of(
                        new MobilityOption.AlternateCareOfAddress(COA), new MobilityOption.BindingRefreshAdvice(3),
                        new MobilityOption.Unknown(MobilityOptionType.valueOf(99), new byte[] {1, 2, 3})))),
                new BindingAcknowledgement(BindingAckStatus.ACCEPTED, 0, 9, 10, MobilityOptions.aligned(6, List.of(
                        new MobilityOption.BindingRefreshAdvice(5), new MobilityOption.BindingAuthorizationData(auth)))),
                new BindingError(BindingErrorStatus.UNKNOWN_BINDING_FOR_HOME_ADDRESS_OPTION, HOME, List.of()),
                new UnknownMobilityMessage(MobilityHeaderType.valueOf(200), new byte[10]));
        List<byte[]> out = new ArrayList<>();
        for (MobilityMessage m : msgs) {
            out.add(MobilityHeaderCodec.encode(m, HOME, CN));
        }
        return out;
    }

    @Provide
    Arbitrary<byte[]> mutatedHeaders() {
        Arbitrary<byte[]> seed = Arbitraries.of(SEEDS);
        ListArbitrary<Tuple.Tuple3<Integer, Integer, Integer>> edits = Combinators.combine(
                Arbitraries.integers().between(0, 4), Arbitraries.integers().between(0, 4095),
                Arbitraries.integers().between(0, 255)).as(Tuple::of).list().ofMaxSize(6);
        return Combinators.combine(seed, edits).as(MobilityHeaderFuzzTest::mutate);
    }

    /** Bit flip, byte overwrite, truncation, insertion, or a new Header Len. */
    static byte[] mutate(byte[] seed, List<Tuple.Tuple3<Integer, Integer, Integer>> edits) {
        byte[] b = seed.clone();
        for (Tuple.Tuple3<Integer, Integer, Integer> e : edits) {
            if (b.length == 0) {
                break;
            }
            int at = e.get2() % b.length;
            switch (e.get1()) {
                case 0 -> b[at] ^= (byte) (1 << (e.get3() & 7));
                case 1 -> b[at] = (byte) (int) e.get3();
                case 2 -> b = Arrays.copyOf(b, at);
                case 3 -> {
                    byte[] n = new byte[b.length + 1];
                    System.arraycopy(b, 0, n, 0, at);
                    n[at] = (byte) (int) e.get3();
                    System.arraycopy(b, at, n, at + 1, b.length - at);
                    b = n;
                }
                default -> b[Math.min(1, b.length - 1)] = (byte) (int) e.get3();
            }
        }
        return b;
    }

    private static void assertStableRoundTrip(byte[] input) {
        try {
            MobilityHeader h = MobilityHeaderCodec.decode(input);
            byte[] again = MobilityHeaderCodec.encode(h);
            assertEquals(h, MobilityHeaderCodec.decode(again), "decode(encode(decode(x))) == decode(x)");
            assertEquals(input.length, again.length);
            // Shows the mutations reach every decoder branch, not only the early rejections.
            Statistics.label("outcome").collect(h.message().type().isKnown() ? "decoded " + h.message().type().name()
                    : "decoded unknown MH Type");
        } catch (MalformedMobilityHeaderException expected) {
            assertTrue(expected.offset() >= 0 && expected.offset() <= input.length, "offset inside the input");
            Statistics.label("outcome").collect("malformed");
        }
    }

    @Property
    void randomBytesDecodeOrRaiseOnlyMalformed(@ForAll byte[] input) {
        assertStableRoundTrip(input);
    }

    @Property
    void mutatedHeadersDecodeOrRaiseOnlyMalformed(@ForAll("mutatedHeaders") byte[] input) {
        assertStableRoundTrip(input);
    }

    @Property
    void mutatedPacketsNeverCrashThePacketDecoderOrTheCorrespondent(@ForAll("mutatedHeaders") byte[] mh,
            @ForAll boolean withHomeAddressOption, @ForAll boolean withRoutingHeader) {
        Ipv6Packet p = new Ipv6Packet(0, 0, 64, COA, CN, withHomeAddressOption ? HOME : null,
                withRoutingHeader ? HOME : null, 135, mh);
        byte[] wire = Ipv6PacketCodec.encode(p);
        if (mh.length >= 6) {
            MobilityChecksum.fill(p.pseudoSource(), p.pseudoDestination(), wire, wire.length - mh.length, mh.length);
        }
        try {
            Ipv6Packet back = Ipv6PacketCodec.decode(wire);
            // With a correct checksum, mutated content reaches the validators behind it.
            List<MobilityAction> out = cn.receive(back, TimeUnit.SECONDS.toNanos(100));
            Statistics.label("correspondent").collect(out.stream()
                    .filter(a -> a instanceof MobilityAction.Dropped).map(a -> ((MobilityAction.Dropped) a).reason().name())
                    .findFirst().orElse(out.isEmpty() ? "no action" : "answered"));
        } catch (MalformedMobilityHeaderException expected) {
            assertTrue(expected.offset() >= 0 && expected.offset() <= wire.length);
        }
    }

    @Property
    void mutatedIpv6PacketsDecodeOrRaiseOnlyMalformed(@ForAll("mutatedHeaders") byte[] mh,
            @ForAll("edits") List<Tuple.Tuple3<Integer, Integer, Integer>> edits) {
        byte[] wire = Ipv6PacketCodec.encode(new Ipv6Packet(0, 0, 64, COA, CN, HOME, HOME, 135, mh));
        byte[] mutated = mutate(wire, edits);
        try {
            Ipv6Packet p = Ipv6PacketCodec.decode(mutated);
            if (p.isMobilityHeader()) {
                p.mobilityHeader();
            }
        } catch (MalformedMobilityHeaderException expected) {
            assertTrue(expected.offset() >= 0);
        }
    }

    @Property
    void mutatedPacketsNeverCrashTheMobileNodeOrTheHomeAgent(@ForAll("mutatedHeaders") byte[] mh,
            @ForAll("edits") List<Tuple.Tuple3<Integer, Integer, Integer>> espEdits) {
        Ipv6Packet p = new Ipv6Packet(0, 0, 64, CN, COA, null, HOME, 135, mh);
        byte[] wire = Ipv6PacketCodec.encode(p);
        if (mh.length >= 6) {
            MobilityChecksum.fill(HOME, COA, wire, wire.length - mh.length, mh.length);
        }
        try {
            mobileNode.receive(Ipv6PacketCodec.decode(wire), TimeUnit.SECONDS.toNanos(101));
        } catch (MalformedMobilityHeaderException expected) {
            assertTrue(expected.offset() >= 0);
        }
        byte[] esp = mutate(mnToHa.protect(135, mh), espEdits);
        homeAgent.receive(new Ipv6Packet(0, 0, 64, COA, HA, HOME, null, SecurityAssociation.IPPROTO_ESP, esp),
                TimeUnit.SECONDS.toNanos(102));
    }

    private static final Inet6Address HA = Hex.ip("fd00:1::1");
    private static final byte[] KEY = new byte[20];
    private final SecurityAssociation mnToHa = new SecurityAssociation(0x1234, SecurityAssociation.Integrity.HMAC_SHA1_96,
            KEY, HOME, HA);
    private final HomeAgent homeAgent = homeAgent();
    private final MobileNodeSession mobileNode = mobileNode();

    private static HomeAgent homeAgent() {
        HomeAgent ha = new HomeAgent(HA, HomeAgent.Config.defaults());
        ha.addMobileNode(HOME, new SecurityAssociation(0x1234, SecurityAssociation.Integrity.HMAC_SHA1_96, KEY, HOME, HA),
                new SecurityAssociation(0x4321, SecurityAssociation.Integrity.HMAC_SHA1_96, KEY, HA, HOME));
        return ha;
    }

    /** A session waiting for tokens and an acknowledgement, so every message type has a handler to reach. */
    private static MobileNodeSession mobileNode() {
        MobileNodeSession s = new MobileNodeSession(HOME, CN, new java.util.SplittableRandom(2), 6,
                MobileNodeSession.Config.defaults());
        s.handoff(6, new ReturnRoutabilityResult(HOME, COA, CN, 1, 2, 3, 4, TimeUnit.SECONDS.toNanos(100)),
                TimeUnit.SECONDS.toNanos(100));
        return s;
    }

    @Provide
    Arbitrary<List<Tuple.Tuple3<Integer, Integer, Integer>>> edits() {
        return Combinators.combine(Arbitraries.integers().between(0, 3), Arbitraries.integers().between(0, 4095),
                Arbitraries.integers().between(0, 255)).as(Tuple::of).list().ofMaxSize(4);
    }
}
