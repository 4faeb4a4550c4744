package org.vanycast.core.internal.node;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vanycast.core.api.AnycastGroup;
import org.vanycast.core.api.AnycastNode;
import org.vanycast.core.api.HandoffEvent;
import org.vanycast.core.api.LeaveRefusedException;
import org.vanycast.core.api.MemberInfo;
import org.vanycast.core.api.NodeRole;
import org.vanycast.core.api.ReceivedClient;
import org.vanycast.core.internal.channel.ChannelWarmup;
import org.vanycast.core.internal.channel.TimerSlack;
import org.vanycast.core.internal.channel.TlsNodeChannel;
import org.vanycast.core.internal.handoff.CpuLatencyHold;
import org.vanycast.core.internal.handoff.HandoffClock;
import org.vanycast.core.internal.handoff.HandoffCoordinator;
import org.vanycast.core.internal.handoff.HandoffRehearsal;
import org.vanycast.core.internal.membership.GroupMembership;
import org.vanycast.core.internal.membership.MembershipConfig;
import org.vanycast.core.internal.membership.MembershipListener;
import org.vanycast.core.internal.policy.LeastLoadedPolicy;
import org.vanycast.core.internal.tls.NodeCredentials;
import org.vanycast.core.spi.HomeAgentRegistrar;

/**
 * One running node: group channel, handoff coordinator and membership put together. The
 * contact role drives the {@link HomeAgentRegistrar}; load reports feed the acceptor policy.
 */
public final class AnycastNodeImpl implements AnycastNode, MembershipListener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AnycastNodeImpl.class);

    private final NodeSettings settings;
    private final ServiceDrivers drivers;
    /** Handoff work: blocking driver calls and waits, so it grows with the handoffs in flight. */
    private final ExecutorService executor;
    private final ScheduledExecutorService housekeeper;
    /** Its windows' deadlines run on the housekeeper. */
    private volatile CpuLatencyHold latencyHold = CpuLatencyHold.NONE;
    private TlsNodeChannel channel;
    /** Warms the channel's code up at start (its own loopback channels); cancelled on stop. */
    private ChannelWarmup warmup;
    private HandoffRehearsal rehearsal;
    private HandoffCoordinator coordinator;
    private GroupMembership membership;
    private volatile boolean contactPending;
    /** While leaving, this node reports weight 0 so no member chooses it as acceptor. */
    private volatile boolean leaving;

    public AnycastNodeImpl(NodeSettings settings, ServiceDrivers drivers) {
        this.settings = settings;
        this.drivers = drivers;
        this.executor = Executors.newCachedThreadPool(r -> {
            // a donor's drain polls the send queue with 20 µs parks on these threads
            Thread t = new Thread(() -> {
                TimerSlack.tighten();
                r.run();
            }, "vanycast-handoff-" + settings.node());
            t.setDaemon(true);
            return t;
        });
        this.housekeeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "vanycast-housekeeping-" + settings.node());
            t.setDaemon(true);
            return t;
        });
    }

    public synchronized void start() throws Exception {
        org.vanycast.core.internal.tls.JsseLogging.quietUnlessConfigured();
        NodeCredentials credentials = NodeCredentials.load(settings.caDir(), settings.node());
        if (!credentials.nodeName().equals(settings.node())) {
            throw new IOException("certificate of " + settings.node() + " names '" + credentials.nodeName() + "'");
        }
        channel = new TlsNodeChannel(credentials, this::endpointOf, (peer, m) -> coordinator.onMessage(peer, m),
                Duration.ofSeconds(5));
        coordinator = new HandoffCoordinator(settings.node(), settings.group(), channel, drivers, settings.handoff(),
                HandoffClock.SYSTEM, executor);
        channel.hotWait(coordinator.hotWait(settings.hotWait()));
        if (settings.cpuLatencyHold()) {
            latencyHold = CpuLatencyHold.on(CpuLatencyHold.DEVICE, housekeeper);
            coordinator.cpuLatencyHold(latencyHold);
        }
        InetSocketAddress bound = channel.start(settings.channel());
        warmup = new ChannelWarmup(credentials, settings.warmupRounds());
        // the rehearsal follows the channel's warm-up rather than competing with it for the cores
        rehearsal = new HandoffRehearsal(settings.node(), drivers::migrator, settings.rehearsalHandoffs());
        rehearsal.start(warmup.start());
        MembershipConfig mc = new MembershipConfig(settings.node(), settings.group().name(),
                settings.membership().getAddress(), settings.membership().getPort(), settings.initialHosts(),
                settings.backups(), settings.failureTimeout(), settings.reportInterval(), bound);
        membership = new GroupMembership(mc, credentials.sslContext(), this);
        drivers.candidates = membership::candidates;
        membership.report(loadReport());
        membership.start();
        long every = settings.reportInterval().toMillis();
        housekeeper.scheduleWithFixedDelay(this::housekeeping, every, every, TimeUnit.MILLISECONDS);
        LOG.info("node {} joined group {} for {} (channel {}, role {})", settings.node(), settings.group().name(),
                settings.group().logicalAddress().getHostAddress(), bound, membership.role());
    }

    private Optional<InetSocketAddress> endpointOf(String peer) {
        GroupMembership m = membership;
        return m == null ? Optional.empty() : m.endpointOf(peer);
    }

    private Map<String, Double> loadReport() {
        int clients = coordinator == null ? 0 : coordinator.trackedConnections().size();
        return Map.of(LeastLoadedPolicy.LOAD, (double) clients, LeastLoadedPolicy.WEIGHT, leaving ? 0.0 : settings.weight(),
                "clients", (double) clients);
    }

    private void housekeeping() {
        try {
            coordinator.tick();
            membership.report(loadReport());
        } catch (RuntimeException e) {
            LOG.warn("housekeeping failed", e);
        }
    }

    @Override
    public void roleChanged(NodeRole previous, NodeRole now, long epoch) {
        LOG.info("node {}: role {} -> {} (epoch {})", settings.node(), previous == null ? "none" : previous, now, epoch);
        if (now == NodeRole.CONTACT) {
            contactPending = true;
            takeOverIfPossible(epoch);
        } else if (previous == NodeRole.CONTACT) {
            contactPending = false;
            HomeAgentRegistrar r = drivers.registrar;
            if (r != null) {
                try {
                    r.relinquish(settings.group().logicalAddress());
                } catch (IOException e) {
                    LOG.warn("relinquishing {} failed: {}", settings.group().logicalAddress(), e.getMessage());
                }
            }
        }
    }

    @Override
    public void membersChanged(List<MemberInfo> members) {
        HandoffCoordinator c = coordinator;
        if (c != null) {
            c.membersChanged(members.stream().map(MemberInfo::name).collect(java.util.stream.Collectors.toSet()));
        }
    }

    @Override
    public void contactReasserted(long epoch) {
        LOG.info("node {}: still contact after a partition merged (epoch {}); registering again", settings.node(), epoch);
        contactPending = true;
        takeOverIfPossible(epoch);
    }

    /** Called on becoming contact, and again when a registrar appears while still contact. */
    public void takeOverIfPossible(long epoch) {
        HomeAgentRegistrar r = drivers.registrar;
        GroupMembership m = membership;
        if (!contactPending || r == null || m == null || m.role() != NodeRole.CONTACT) {
            return;
        }
        try {
            byte[] sa = r.takeOver(settings.group().logicalAddress(), m.replicatedSecurityAssociation(), epoch);
            m.replicateSecurityAssociation(sa);
            contactPending = false;
            LOG.info("node {} is the contact node for {} (epoch {})", settings.node(),
                    settings.group().logicalAddress().getHostAddress(), epoch);
        } catch (IOException | RuntimeException e) {
            LOG.error("taking over {} failed; retrying when the next view or registrar arrives", settings.group().logicalAddress(), e);
        }
    }

    public long epoch() {
        return membership.epoch();
    }

    /** The home-agent association this node holds as contact or backup. */
    public java.util.Optional<byte[]> replicatedAssociation() {
        return membership.replicatedSecurityAssociation();
    }

    /** What a registrar calls when its association changed: replicate it if this node is contact. */
    public void replicateIfContact(byte[] association) {
        GroupMembership m = membership;
        if (m != null && m.role() == NodeRole.CONTACT) {
            try {
                m.replicateSecurityAssociation(association);
            } catch (IllegalStateException e) {
                LOG.debug("not replicating: {}", e.getMessage()); // lost the role meanwhile
            }
        }
    }

    @Override
    public String nodeName() {
        return settings.node();
    }

    @Override
    public AnycastGroup group() {
        return settings.group();
    }

    @Override
    public NodeRole role() {
        return membership.role();
    }

    @Override
    public List<MemberInfo> members() {
        return membership.members();
    }

    @Override
    public CompletableFuture<HandoffEvent> clientHandoff(SocketChannel connection, String acceptor, byte[] appState) {
        return coordinator.clientHandoff(connection, acceptor, appState);
    }

    @Override
    public Optional<ReceivedClient> clientReceive(Duration timeout) throws InterruptedException {
        return coordinator.clientReceive(timeout);
    }

    @Override
    public void clientClose(SocketChannel connection) throws IOException {
        coordinator.clientClose(connection);
    }

    @Override
    public void track(SocketChannel connection) {
        coordinator.track(connection);
    }

    @Override
    public CompletableFuture<HandoffEvent> handoff(InetSocketAddress client, Optional<String> acceptor) {
        return coordinator.handoff(client, acceptor);
    }

    @Override
    public CompletableFuture<Void> leave(boolean force) {
        return CompletableFuture.runAsync(() -> doLeave(force), executor);
    }

    private void doLeave(boolean force) {
        List<SocketChannel> clients = coordinator.trackedConnections();
        if (!force && !clients.isEmpty() && membership.size() <= 1) {
            throw new LeaveRefusedException(settings.node() + " is the last node and serves " + clients.size()
                    + " client(s); force the leave to drop them");
        }
        leaving = true;
        membership.report(loadReport());
        List<CompletableFuture<HandoffEvent>> handoffs = new ArrayList<>();
        for (InetSocketAddress unit : coordinator.evacuationUnits()) {
            handoffs.add(coordinator.handoff(unit, Optional.empty()));
        }
        for (CompletableFuture<HandoffEvent> f : handoffs) {
            f.exceptionally(x -> null).join();
        }
        int left = coordinator.trackedConnections().size();
        if (left > 0 && !force) {
            leaving = false;
            membership.report(loadReport());
            throw new LeaveRefusedException(settings.node() + " could not hand off " + left
                    + " client(s); not leaving (force the leave to drop them)");
        }
        membership.leave(true, left);
        stopWarmup();
        channel.close();
        LOG.info("node {} left group {} ({} client(s) handed off)", settings.node(), settings.group().name(),
                clients.size() - left);
    }

    /** For failure tests: stop as a killed process would (no leave, no handoffs). */
    public void crash() throws Exception {
        membership.crash();
        stopWarmup();
        channel.close();
        executor.shutdownNow();
        housekeeper.shutdownNow();
        latencyHold.close();
    }

    @Override
    public synchronized void close() {
        try {
            if (membership != null && membership.size() > 0) {
                membership.leave(true, 0);
            }
        } catch (RuntimeException e) {
            LOG.debug("leaving on close: {}", e.toString());
        }
        stopWarmup();
        if (channel != null) {
            channel.close();
        }
        if (coordinator != null) {
            coordinator.abandonPending();
        }
        executor.shutdownNow();
        housekeeper.shutdownNow();
        latencyHold.close();
    }

    /** A stopping node's warm-ups end after their exchange or handoff in progress. */
    private void stopWarmup() {
        ChannelWarmup w = warmup;
        if (w != null) {
            w.cancel();
        }
        HandoffRehearsal r = rehearsal;
        if (r != null) {
            r.cancel();
        }
    }
}
