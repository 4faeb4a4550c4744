package org.vanycast.testbed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet6Address;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vanycast.mipv6.api.BindingUpdate;
import org.vanycast.mipv6.api.CareOfTest;
import org.vanycast.mipv6.api.CareOfTestInit;
import org.vanycast.mipv6.api.Ipv6Packet;
import org.vanycast.mipv6.api.Ipv6PacketCodec;
import org.vanycast.mipv6.api.MobilityChecksum;
import org.vanycast.mipv6.api.MobilityHeader;
import org.vanycast.mipv6.api.MobilityHeaderCodec;
import org.vanycast.mipv6.api.MobilityOption;
import org.vanycast.mipv6.api.ReturnRoutabilityKeys;
import org.vanycast.mipv6.api.SecurityAssociation;
import org.vanycast.mipv6.internal.agent.DropCounters;
import org.vanycast.mipv6.internal.agent.MobileNodeDataPath;
import org.vanycast.mipv6.internal.kernel.RawMobilitySocket;

/**
 * Bad input on the wire — garbage Mobility Headers, wrong checksums, forged and unauthenticated
 * Binding Updates, a wrong authenticator, a replayed Binding Update, forged home registrations —
 * is dropped and counted by the agents; they keep running, bindings stay, and the client's
 * connection to X carries on.
 */
@Tag("netns")
class BadInputTest {
    @TempDir
    Path captures;

    @Test
    void shouldDropAndCountBadSignallingWhileBindingsAndConnectionsStay() throws Exception {
        TestbedConfig cfg = TestbedConfig.defaults(TestbedSupport.id("bad")).withAgents(false);
        try (Testbed tb = Testbed.create(cfg)) {
            Inet6Address x = tb.logicalAddress();
            Inet6Address client = tb.address("client");
            Inet6Address ha = tb.homeAgentAddress();
            Inet6Address attacker = tb.address("node2");
            byte[] secret = "bad-input test home registration secret".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            Agents agents = Agents.start(tb, secret);
            MobileNodeDataPath node = agents.contact("node1");
            Capture atNode = Capture.start(tb.ns("node1"), "eth0", captures.resolve("node1.pcap"));
            atClient = Capture.start(tb.ns("client"), "eth0", captures.resolve("client.pcap"));
            try (RouteOptimizationTest.LineEchoServer server = RouteOptimizationTest.LineEchoServer.start(tb, "node1", x, 8080);
                 RouteOptimizationTest.Nc nc = RouteOptimizationTest.Nc.connect(tb, x, 8080);
                 RawMobilitySocket evil = tb.call("node2", () -> RawMobilitySocket.open(attacker));
                 RawMobilitySocket replayer = tb.call("node1", () -> RawMobilitySocket.open(null))) {
                assertEquals("connected", nc.roundTrip("connected"));
                node.bind(client, 0, Duration.ofSeconds(5));
                assertEquals("bound", nc.roundTrip("bound"));
                byte[] legitimateBu = firstBindingUpdate(atNode.packets());
                DropCounters cn = agents.cnAgent().counters();
                DropCounters haCounters = agents.homeAgent().counters();

                // Garbage with a valid checksum: Header Len claims 200 units of 8 octets.
                byte[] garbage = new byte[] {59, (byte) 200, 2, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
                MobilityChecksum.fill(attacker, client, garbage, 0, garbage.length);
                evil.sendPacket(rawPacket(attacker, client, garbage), null);
                awaitCount(cn, "MALFORMED", 1);

                // A Care-of Test Init with its checksum flipped.
                byte[] coti = MobilityHeaderCodec.encode(new CareOfTestInit(42), attacker, client);
                coti[MobilityHeader.OFFSET_CHECKSUM] ^= 0x5a;
                evil.sendPacket(rawPacket(attacker, client, coti), null);
                awaitCount(cn, "BAD_CHECKSUM", 1);

                // Forged Binding Update for X from the attacker: no nonce indices, no authenticator.
                BindingUpdate forged = new BindingUpdate(1000, BindingUpdate.FLAG_ACK, 100, List.of());
                evil.sendPacket(Ipv6PacketCodec.encode(Ipv6Packet.mobility(attacker, client, x, null, forged)), null);
                awaitCount(cn, "MISSING_OPTION", 1);

                // Wrong authenticator: real care-of nonce index (the attacker's own CoTI), guessed Kbm.
                evil.send(MobilityHeaderCodec.encode(MobilityHeader.of(new CareOfTestInit(7))), client);
                CareOfTest cot = receiveCareOfTest(evil);
                byte[] guessedKbm = new byte[20];
                new SecureRandom().nextBytes(guessedKbm);
                BindingUpdate wrongAuth = ReturnRoutabilityKeys.sign(new BindingUpdate(1001, BindingUpdate.FLAG_ACK, 100,
                        List.of(new MobilityOption.NonceIndices(cot.careOfNonceIndex(), cot.careOfNonceIndex()))),
                        guessedKbm, attacker, client);
                evil.sendPacket(Ipv6PacketCodec.encode(Ipv6Packet.mobility(attacker, client, x, null, wrongAuth)), null);
                awaitCount(cn, "AUTHENTICATION_FAILED", 1);

                // Replay of the node's own, correctly authenticated Binding Update.
                replayer.sendPacket(legitimateBu, null);
                awaitCount(cn, "rejected-135", 1);

                // Forged home registrations at the home agent: unprotected, unknown SPI, wrong key.
                BindingUpdate homeBu = new BindingUpdate(5000, BindingUpdate.FLAG_ACK | BindingUpdate.FLAG_HOME_REGISTRATION,
                        100, List.of());
                evil.sendPacket(Ipv6PacketCodec.encode(Ipv6Packet.mobility(attacker, ha, x, null, homeBu)), null);
                awaitCount(haCounters, "AUTHENTICATION_FAILED", 1);
                SecurityAssociation unknown = new SecurityAssociation(0x777, SecurityAssociation.Integrity.HMAC_SHA256_128,
                        new byte[32], x, ha);
                evil.sendPacket(Ipv6PacketCodec.encode(unknown.protect(attacker, ha, x, null, homeBu)), null);
                awaitCount(haCounters, "NO_SECURITY_ASSOCIATION", 1);
                SecurityAssociation realSpiWrongKey = new SecurityAssociation(
                        org.vanycast.mipv6.internal.agent.HomeKeys.toHomeAgent(secret, x, ha).spi(),
                        SecurityAssociation.Integrity.HMAC_SHA256_128, new byte[32], x, ha);
                evil.sendPacket(Ipv6PacketCodec.encode(realSpiWrongKey.protect(attacker, ha, x, null, homeBu)), null);
                awaitTrue(() -> haCounters.get("AUTHENTICATION_FAILED") + haCounters.get("REPLAYED") >= 2,
                        "ESP with the real SPI but a wrong key dropped: " + haCounters);

                System.out.println("cn-agent counters: " + cn + "\nha-agent counters: " + haCounters);
                assertEquals(tb.address("node1"), agents.cnAgent().bindings().get(x), "client's binding unchanged");
                assertEquals(tb.address("node1"), agents.homeAgent().bindings().get(x), "home registration unchanged");
                assertTrue(agents.cnAgent().isRunning() && agents.homeAgent().isRunning(), "agents keep running");
                assertEquals("still here", nc.roundTrip("still here"), "the client's connection to X carries on");
                assertEquals(1, cn.get("binding-accepted"), "only the node's own update was accepted");
            }
        }
    }

    static byte[] rawPacket(Inet6Address src, Inet6Address dst, byte[] mh) {
        byte[] p = new byte[40 + mh.length];
        p[0] = 0x60;
        p[4] = (byte) (mh.length >> 8);
        p[5] = (byte) mh.length;
        p[6] = (byte) MobilityHeader.IPPROTO_MH;
        p[7] = 64;
        System.arraycopy(src.getAddress(), 0, p, 8, 16);
        System.arraycopy(dst.getAddress(), 0, p, 24, 16);
        System.arraycopy(mh, 0, p, 40, mh.length);
        return p;
    }

    static byte[] firstBindingUpdate(List<byte[]> packets) throws Exception {
        for (byte[] raw : packets) {
            Ipv6Packet p = Ipv6PacketCodec.decode(raw);
            if (p.isMobilityHeader() && p.homeAddress() != null && p.mobilityHeader().message() instanceof BindingUpdate) {
                return raw;
            }
        }
        StringBuilder sb = new StringBuilder();
        for (byte[] raw : packets) {
            sb.append(Ipv6PacketCodec.decode(raw)).append('\n');
        }
        throw new AssertionError("no Binding Update among " + packets.size() + " captured:\n" + sb);
    }

    static CareOfTest receiveCareOfTest(RawMobilitySocket s) throws Exception {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < deadline) {
            RawMobilitySocket.Received r = s.receive(100);
            if (r != null && MobilityHeaderCodec.decode(r.mobilityHeader()).message() instanceof CareOfTest cot) {
                return cot;
            }
        }
        throw new AssertionError("no Care-of Test within 5 s");
    }

    private Capture atClient;

    void awaitCount(DropCounters c, String reason, long atLeast) throws Exception {
        try {
            awaitTrue(() -> c.get(reason) >= atLeast, reason + " >= " + atLeast + " in " + c);
        } catch (AssertionError e) {
            StringBuilder seen = new StringBuilder();
            for (byte[] raw : atClient.packets()) {
                seen.append(Ipv6PacketCodec.decode(raw)).append('\n');
            }
            throw new AssertionError(e.getMessage() + "; the client's link carried:\n" + seen, e);
        }
    }

    static void awaitTrue(BooleanSupplier cond, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 5 s: " + what);
            }
            Thread.sleep(10);
        }
        assertNotNull(what);
    }
}
