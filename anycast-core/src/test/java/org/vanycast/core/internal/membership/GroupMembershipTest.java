package org.vanycast.core.internal.membership;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vanycast.core.api.LeaveRefusedException;
import org.vanycast.core.api.MemberInfo;
import org.vanycast.core.api.NodeRole;
import org.vanycast.core.internal.testing.ListenPorts;
import org.vanycast.core.internal.tls.GroupCa;
import org.vanycast.core.internal.tls.NodeCredentials;

/** Several real JChannels in one JVM over loopback TCP, with TLS from a test group CA. */
class GroupMembershipTest {
    static final InetAddress LO = InetAddress.getLoopbackAddress();
    static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    static Path dir;

    record RoleChange(String node, NodeRole previous, NodeRole now, long epoch) {
    }

    final List<RoleChange> changes = new CopyOnWriteArrayList<>();
    /** Runs inside every listener's role change (a test can hold a node there). */
    volatile java.util.function.Consumer<RoleChange> onRoleChange = c -> { };
    final List<GroupMembership> started = new ArrayList<>();
    final String group = "test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();

    @BeforeAll
    static void authority() throws Exception {
        GroupCa.init(dir.resolve("ca"), "g", Instant.now(), Duration.ofDays(1));
        for (String n : List.of("a", "b", "c", "d")) {
            GroupCa.issue(dir.resolve("ca"), n, Instant.now(), Duration.ofDays(1));
        }
        GroupCa.init(dir.resolve("rogue"), "r", Instant.now(), Duration.ofDays(1));
        GroupCa.issue(dir.resolve("rogue"), "x", Instant.now(), Duration.ofDays(1));
    }

    @AfterEach
    void stopAll() {
        for (GroupMembership m : started) {
            try {
                m.crash();
            } catch (Exception e) {
                // already stopped
            }
        }
    }

    static int freePort() throws Exception {
        return ListenPorts.free(LO);
    }

    List<GroupMembership> startGroup(String... names) throws Exception {
        List<InetSocketAddress> hosts = new ArrayList<>();
        for (int i = 0; i < names.length; i++) {
            hosts.add(new InetSocketAddress(LO, freePort()));
        }
        List<GroupMembership> nodes = new ArrayList<>();
        for (int i = 0; i < names.length; i++) {
            nodes.add(start(dir.resolve("ca"), names[i], hosts.get(i).getPort(), hosts));
        }
        return nodes;
    }

    GroupMembership start(Path ca, String name, int port, List<InetSocketAddress> hosts) throws Exception {
        return start(ca, name, port, hosts, null);
    }

    GroupMembership start(Path ca, String name, int port, List<InetSocketAddress> hosts,
            org.jgroups.stack.Protocol aboveTransport) throws Exception {
        MembershipConfig cfg = new MembershipConfig(name, group, LO, port, hosts, 1, Duration.ofMillis(1500),
                Duration.ofMillis(200), new InetSocketAddress(LO, 20000 + port % 1000));
        GroupMembership m = new GroupMembership(cfg, NodeCredentials.load(ca, name).sslContext(), new MembershipListener() {
            @Override
            public void roleChanged(NodeRole previous, NodeRole now, long epoch) {
                RoleChange c = new RoleChange(name, previous, now, epoch);
                changes.add(c);
                onRoleChange.accept(c);
            }

            @Override
            public void contactReasserted(long epoch) {
                changes.add(new RoleChange(name, NodeRole.CONTACT, NodeRole.CONTACT, epoch));
            }
        });
        started.add(m);
        if (aboveTransport != null) {
            m.insertAboveTransport(aboveTransport);
        }
        m.start();
        return m;
    }

    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    static List<String> roles(GroupMembership m) {
        return m.members().stream().map(i -> i.name() + ":" + i.role()).toList();
    }

    long contactChangesTo(String node) {
        return changes.stream().filter(c -> c.node().equals(node) && c.now() == NodeRole.CONTACT
                && c.previous() != NodeRole.CONTACT).count();
    }

    @Test
    void shouldAgreeOnContactBackupAndMemberRolesAndShareLoadReports() throws Exception {
        List<GroupMembership> g = startGroup("a", "b", "c");
        GroupMembership a = g.get(0);
        GroupMembership b = g.get(1);
        GroupMembership c = g.get(2);
        await(() -> a.size() == 3 && b.size() == 3 && c.size() == 3, "three members in every view");
        assertEquals(NodeRole.CONTACT, a.role());
        assertEquals(NodeRole.BACKUP, b.role());
        assertEquals(NodeRole.MEMBER, c.role());

        b.report(Map.of("load", 5.0, "weight", 2.0));
        await(() -> a.candidates().stream().anyMatch(x -> x.nodeName().equals("b") && x.metric("load", -1) == 5.0),
                "b's load report at a");
        await(() -> roles(c).equals(List.of("a:CONTACT", "b:BACKUP", "c:MEMBER")), "names and roles at c");
        await(() -> a.endpointOf("c").isPresent(), "c's channel endpoint known at a from c's report");
        assertEquals(0, a.droppedMessages());
    }

    @Test
    void shouldReplicateAssociationToBackupsOnly() throws Exception {
        List<GroupMembership> g = startGroup("a", "b", "c");
        await(() -> g.stream().allMatch(m -> m.size() == 3), "three members");
        byte[] sa = "spi=0x1000;key=...".getBytes();
        g.get(0).replicateSecurityAssociation(sa);
        await(() -> g.get(1).replicatedSecurityAssociation().isPresent(), "the backup to hold the association");
        assertArrayEquals(sa, g.get(1).replicatedSecurityAssociation().get());
        assertTrue(g.get(2).replicatedSecurityAssociation().isEmpty(), "a plain member holds no copy");
        assertThrows(IllegalStateException.class, () -> g.get(1).replicateSecurityAssociation(sa));
    }

    @Test
    void shouldMakeExactlyOneBackupContactWhenContactCrashes() throws Exception {
        List<GroupMembership> g = startGroup("a", "b", "c");
        await(() -> g.stream().allMatch(m -> m.size() == 3), "three members");
        g.get(0).replicateSecurityAssociation(new byte[] {1, 2, 3});
        await(() -> g.get(1).replicatedSecurityAssociation().isPresent(), "replica at the backup");
        long before = g.get(1).epoch();

        g.get(0).crash(); // no leave: the others must detect it

        await(() -> g.get(1).size() == 2 && g.get(2).size() == 2, "the crash to be detected");
        await(() -> contactChangesTo("b") == 1, "b to take over");
        assertEquals(NodeRole.CONTACT, g.get(1).role());
        assertEquals(NodeRole.BACKUP, g.get(2).role());
        assertEquals(0, contactChangesTo("c"), "never two contact nodes");
        assertTrue(g.get(1).epoch() > before, "the takeover epoch outranks the old contact's");
        assertArrayEquals(new byte[] {1, 2, 3}, g.get(1).replicatedSecurityAssociation().orElseThrow());

        g.get(1).replicateSecurityAssociation(new byte[] {4, 5}); // b's own home registration
        await(() -> g.get(2).replicatedSecurityAssociation().map(x -> x.length == 2).orElse(false),
                "the new backup c to hold b's association");
    }

    @Test
    void shouldEndWithExactlyOneContactWhenAPartitionHeals() throws Exception {
        List<InetSocketAddress> hosts = List.of(new InetSocketAddress(LO, freePort()), new InetSocketAddress(LO, freePort()));
        org.jgroups.protocols.DISCARD cutA = new org.jgroups.protocols.DISCARD().discardAll(true);
        org.jgroups.protocols.DISCARD cutB = new org.jgroups.protocols.DISCARD().discardAll(true);
        GroupMembership a = start(dir.resolve("ca"), "a", hosts.get(0).getPort(), hosts, cutA);
        GroupMembership b = start(dir.resolve("ca"), "b", hosts.get(1).getPort(), hosts, cutB);
        // partitioned from the start: each side founds its own group and is its contact node
        assertEquals(NodeRole.CONTACT, a.role());
        assertEquals(NodeRole.CONTACT, b.role());

        cutA.discardAll(false);
        cutB.discardAll(false);

        await(() -> a.size() == 2 && b.size() == 2, "the partition to heal into one view");
        List<NodeRole> roles = List.of(a.role(), b.role());
        assertEquals(1, roles.stream().filter(r -> r == NodeRole.CONTACT).count(), roles.toString());
        String loser = a.role() == NodeRole.CONTACT ? "b" : "a";
        await(() -> changes.stream().anyMatch(c -> c.node().equals(loser) && c.previous() == NodeRole.CONTACT
                && c.now() == NodeRole.BACKUP), "the merged-away contact to step down (relinquish X)");
        String winner = loser.equals("a") ? "b" : "a";
        await(() -> changes.stream().anyMatch(c -> c.node().equals(winner) && c.previous() == NodeRole.CONTACT
                && c.now() == NodeRole.CONTACT), "the remaining contact to register X again");
        long mergedEpoch = changes.stream().filter(c -> c.node().equals(winner) && c.now() == NodeRole.CONTACT)
                .mapToLong(RoleChange::epoch).max().orElseThrow();
        assertTrue(changes.stream().filter(c -> c.node().equals(loser)).allMatch(c -> c.epoch() <= mergedEpoch),
                "the re-registration outranks whatever the other side registered");
    }

    @Test
    void shouldHandContactRoleOverOnGracefulLeave() throws Exception {
        List<GroupMembership> g = startGroup("a", "b", "c");
        await(() -> g.stream().allMatch(m -> m.size() == 3), "three members");
        g.get(0).leave(false, 10); // others remain: leaving with clients is allowed (they were handed off)
        assertTrue(changes.stream().anyMatch(c -> c.node().equals("a") && c.previous() == NodeRole.CONTACT),
                "the leaving contact gave up its role first");
        await(() -> contactChangesTo("b") == 1, "b to take over");
        await(() -> g.get(2).role() == NodeRole.BACKUP, "c to become backup");
        assertEquals(0, contactChangesTo("c"));
    }

    @Test
    void shouldKeepDeliveringMembershipMessagesWhileTheContactNodeGivesUpItsRoleOnLeave() throws Exception {
        List<GroupMembership> g = startGroup("a", "b");
        await(() -> g.stream().allMatch(m -> m.size() == 2), "two members");
        GroupMembership a = g.get(0);
        java.util.concurrent.CountDownLatch relinquishing = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        onRoleChange = c -> {
            if (c.node().equals("a") && c.previous() == NodeRole.CONTACT) {
                relinquishing.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            java.util.concurrent.Future<?> leaving = threads.submit(() -> a.leave(false, 0));
            assertTrue(relinquishing.await(30, java.util.concurrent.TimeUnit.SECONDS), "a gives up the contact role");
            // what a JGroups delivery thread does with an association arriving now: it must not wait
            // for the leave (a leave waits for delivery threads; both stalled for the leave timeout)
            org.jgroups.Message m = new org.jgroups.BytesMessage(null, GroupMessages.encode(
                    new GroupMessages.SecurityAssociation(1, 1, new byte[] {7}))).setSrc(org.jgroups.util.UUID.randomUUID());
            long droppedBefore = a.droppedMessages();
            threads.submit(() -> a.receive(m)).get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertEquals(droppedBefore + 1, a.droppedMessages(), "the association from a non-coordinator was dropped");
            release.countDown();
            leaving.get(30, java.util.concurrent.TimeUnit.SECONDS);
            assertEquals(NodeRole.MEMBER, a.role());
            await(() -> g.get(1).role() == NodeRole.CONTACT, "b to take over");
        } finally {
            release.countDown();
            threads.shutdownNow();
        }
    }

    @Test
    void shouldRefuseGracefulLeaveOfLastNodeWithClientsUnlessForced() throws Exception {
        List<GroupMembership> g = startGroup("d");
        GroupMembership d = g.get(0);
        await(() -> d.size() == 1, "a one-member view");
        LeaveRefusedException x = assertThrows(LeaveRefusedException.class, () -> d.leave(false, 3));
        assertTrue(x.getMessage().contains("3 client(s)"), x.getMessage());
        assertEquals(1, d.size(), "still a member after the refusal");
        d.leave(true, 3);
        assertEquals(NodeRole.MEMBER, d.role());
    }

    @Test
    void shouldKeepNodeWithoutGroupCertificateOutOfTheGroup() throws Exception {
        List<InetSocketAddress> hosts = new ArrayList<>(List.of(new InetSocketAddress(LO, freePort()),
                new InetSocketAddress(LO, freePort())));
        GroupMembership a = start(dir.resolve("ca"), "a", hosts.get(0).getPort(), hosts);
        await(() -> a.size() == 1, "a alone");
        GroupMembership x = start(dir.resolve("rogue"), "x", hosts.get(1).getPort(), hosts);
        // x's connect() returned: its join attempts are over, and it could not reach a
        assertEquals(1, x.size());
        assertEquals(NodeRole.CONTACT, x.role(), "x is alone in its own group");
        assertEquals(1, a.size());
        assertEquals(List.of("a"), a.members().stream().map(MemberInfo::name).toList());
        assertEquals(Optional.empty(), a.endpointOf("x"));
    }
}
