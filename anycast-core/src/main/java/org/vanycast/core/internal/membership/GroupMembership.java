package org.vanycast.core.internal.membership;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import org.jgroups.Address;
import org.jgroups.BytesMessage;
import org.jgroups.JChannel;
import org.jgroups.Message;
import org.jgroups.Receiver;
import org.jgroups.View;
import org.jgroups.util.Util;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vanycast.core.api.LeaveRefusedException;
import org.vanycast.core.api.MemberInfo;
import org.vanycast.core.api.NodeRole;
import org.vanycast.core.internal.membership.GroupMessages.Report;
import org.vanycast.core.internal.membership.GroupMessages.SecurityAssociation;
import org.vanycast.core.spi.AcceptorPolicy;

/**
 * Group membership on JGroups. Roles follow the view order, which every member agrees on:
 * the first member (the JGroups coordinator) is the contact node, the next {@code backups}
 * members are backups. A view has exactly one coordinator, so when the contact node leaves
 * or fails exactly one member — the oldest backup — becomes contact; the view id is its
 * epoch. The contact node sends the home-agent association only to its backups, and a
 * member accepts an association only from the coordinator of its current view, so a
 * deposed contact cannot overwrite it.
 */
public final class GroupMembership implements Receiver, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GroupMembership.class);

    private final MembershipConfig config;
    private final SSLContext tls;
    private final MembershipListener listener;
    private final ScheduledExecutorService events;
    private final Map<Address, Report> reports = new ConcurrentHashMap<>();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong saRevision = new AtomicLong();
    private volatile JChannel channel;
    private volatile View view;
    private volatile NodeRole role;
    private volatile long epoch;
    private final AtomicReference<SecurityAssociation> associationRef = new AtomicReference<>();
    private volatile Map<String, Double> metrics = Map.of();
    private volatile boolean stopped;
    private final List<org.jgroups.stack.Protocol> aboveTransport = new ArrayList<>();

    public GroupMembership(MembershipConfig config, SSLContext tls, MembershipListener listener) {
        this.config = config;
        this.tls = tls;
        this.listener = listener;
        this.events = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "vanycast-membership-" + config.node());
            t.setDaemon(true);
            return t;
        });
    }

    /** For tests: a protocol placed right above the transport (e.g. DISCARD to cut the network). */
    void insertAboveTransport(org.jgroups.stack.Protocol p) {
        aboveTransport.add(p);
    }

    /** Joins the group; returns once this node is in a view (alone, or with the others). */
    public void start() throws Exception {
        Thread self = Thread.currentThread();
        ClassLoader previous = self.getContextClassLoader();
        // JGroups loads protocol classes and resources through the context class loader:
        // in OSGi it must be the JGroups bundle's
        self.setContextClassLoader(JChannel.class.getClassLoader());
        try {
            JChannel ch = JGroupsStack.create(config, tls, aboveTransport);
            ch.name(config.node());
            ch.setReceiver(this);
            channel = ch;
            ch.connect(config.group());
        } finally {
            self.setContextClassLoader(previous);
        }
        long interval = config.reportInterval().toMillis();
        events.scheduleWithFixedDelay(this::periodic, interval, interval, TimeUnit.MILLISECONDS);
        events.execute(this::sendReport);
    }

    public NodeRole role() {
        return role == null ? NodeRole.MEMBER : role;
    }

    /** The view in which this node last changed role. */
    public long epoch() {
        return epoch;
    }

    public int size() {
        View v = stopped ? null : view;
        return v == null ? 0 : v.size();
    }

    public long droppedMessages() {
        return dropped.get();
    }

    /** Publishes this node's load report (also re-sent periodically and on view changes). */
    public void report(Map<String, Double> newMetrics) {
        metrics = Map.copyOf(newMetrics);
        if (!events.isShutdown()) {
            events.execute(this::sendReport);
        }
    }

    /** Current members in view order with their roles and last reports, this node included. */
    public List<MemberInfo> members() {
        View v = view;
        List<MemberInfo> out = new ArrayList<>();
        if (v == null) {
            return out;
        }
        List<Address> list = v.getMembers();
        for (int i = 0; i < list.size(); i++) {
            Address a = list.get(i);
            Report r = reports.get(a);
            boolean me = a.equals(channel.getAddress());
            out.add(new MemberInfo(r != null ? r.node() : String.valueOf(a), roleAt(i),
                    me ? metrics : r != null ? r.metrics() : Map.of()));
        }
        return out;
    }

    /** Other members with a load report, for the acceptor policy. */
    public List<AcceptorPolicy.Candidate> candidates() {
        Address me = channel.getAddress();
        return reports.entrySet().stream().filter(e -> !e.getKey().equals(me))
                .map(e -> new AcceptorPolicy.Candidate(e.getValue().node(), e.getValue().metrics())).toList();
    }

    /** Where member {@code node}'s group channel accepts, from its report. */
    public Optional<InetSocketAddress> endpointOf(String node) {
        return reports.values().stream().filter(r -> r.node().equals(node)).map(Report::channel).findFirst();
    }

    /**
     * Contact node: replicates the home-agent association to the backups.
     *
     * @throws IllegalStateException when this node is not the contact node
     */
    public void replicateSecurityAssociation(byte[] bytes) {
        if (role != NodeRole.CONTACT) {
            throw new IllegalStateException("only the contact node replicates the home-agent association (this node is " + role() + ")");
        }
        if (bytes.length > GroupMessages.MAX_SA_BYTES) {
            throw new IllegalArgumentException("association of " + bytes.length + " bytes exceeds " + GroupMessages.MAX_SA_BYTES);
        }
        associationRef.set(new SecurityAssociation(epoch, saRevision.incrementAndGet(), bytes.clone()));
        events.execute(this::sendAssociationToBackups);
    }

    /** The association last replicated to (or by) this node. */
    public Optional<byte[]> replicatedSecurityAssociation() {
        SecurityAssociation sa = associationRef.get();
        return sa == null ? Optional.empty() : Optional.of(sa.bytes().clone());
    }

    /**
     * Graceful leave. The last member refuses while it still serves clients, unless forced.
     * A contact node first gives up its role (its listener relinquishes the address), then leaves.
     * <p>
     * The JGroups leave runs outside this object's lock: it waits for the coordinator's leave
     * response and then for its own delivery threads to end, and a delivery thread that had to
     * wait for the lock (an association arriving meanwhile) held up both — the leave response
     * until the leave timeout, the channel's close another 3 s for its thread pool.
     */
    public void leave(boolean force, int clientsHere) {
        NodeRole was;
        synchronized (this) {
            if (stopped) {
                return;
            }
            View v = view;
            if (!force && clientsHere > 0 && (v == null || v.size() <= 1)) {
                throw new LeaveRefusedException(config.node() + " is the last node of group " + config.group() + " and serves "
                        + clientsHere + " client(s); hand them off first or force the leave");
            }
            was = role;
            role = null;
            stopped = true;
        }
        if (was == NodeRole.CONTACT) {
            listener.roleChanged(was, NodeRole.MEMBER, epoch);
        }
        long t = System.nanoTime();
        JChannel ch = channel;
        if (ch != null) {
            ch.disconnect();
            ch.close();
        }
        events.shutdownNow();
        LOG.debug("{}: left the group's view in {} ms", config.node(), (System.nanoTime() - t) / 1_000_000);
    }

    /** Stops without leaving, as a killed process would; for failure tests. */
    public void crash() throws Exception {
        synchronized (this) {
            if (stopped) {
                return;
            }
            stopped = true;
            role = null;
        }
        events.shutdownNow();
        JChannel ch = channel;
        if (ch != null) {
            Util.shutdown(ch);
        }
    }

    @Override
    public void close() {
        leave(true, 0);
    }

    @Override
    public void viewAccepted(View v) {
        view = v;
        if (stopped) {
            return; // leaving or crashed: no role any more, nobody to tell
        }
        reports.keySet().retainAll(v.getMembers());
        int index = v.getMembers().indexOf(channel.getAddress());
        NodeRole now = index < 0 ? null : roleAt(index);
        NodeRole previous = role;
        long viewId = v.getViewId().getId();
        role = now;
        if (now != previous) {
            epoch = viewId;
        }
        LOG.debug("{}: view {} -> role {}", config.node(), v, now);
        if (events.isShutdown()) {
            return; // leaving or crashed: nobody to tell
        }
        boolean reassert = v instanceof org.jgroups.MergeView && now == NodeRole.CONTACT && previous == NodeRole.CONTACT;
        if (reassert) {
            epoch = viewId;
        }
        events.execute(() -> {
            if (now != previous && now != null) {
                listener.roleChanged(previous, now, viewId);
            }
            if (reassert) {
                listener.contactReasserted(viewId);
            }
            listener.membersChanged(members());
            sendReport();
            if (now == NodeRole.CONTACT) {
                sendAssociationToBackups();
            }
        });
    }

    private NodeRole roleAt(int index) {
        return index == 0 ? NodeRole.CONTACT : index <= config.backups() ? NodeRole.BACKUP : NodeRole.MEMBER;
    }

    @Override
    public void receive(Message msg) {
        Object m;
        try {
            m = GroupMessages.decode(msg.getArray(), msg.getOffset(), msg.getLength());
        } catch (java.io.IOException | RuntimeException e) {
            dropped.incrementAndGet();
            LOG.debug("{}: dropped membership message from {}: {}", config.node(), msg.getSrc(), e.getMessage());
            return;
        }
        if (m instanceof Report r) {
            reports.put(msg.getSrc(), r);
        } else if (m instanceof SecurityAssociation sa) {
            acceptAssociation(msg.getSrc(), sa);
        }
    }

    /** Keeps the newest association from the current coordinator; never waits (JGroups delivery thread). */
    private void acceptAssociation(Address from, SecurityAssociation sa) {
        View v = view;
        if (v == null || !from.equals(v.getCoord())) {
            dropped.incrementAndGet();
            LOG.debug("{}: dropped association from {}, not the contact node of view {}", config.node(), from, v);
            return;
        }
        associationRef.accumulateAndGet(sa, (have, offered) -> have == null || offered.epoch() > have.epoch()
                || (offered.epoch() == have.epoch() && offered.revision() > have.revision()) ? offered : have);
    }

    /**
     * Reports and, from the contact node, the association again: a backup that saw the new
     * contact's first copy before it installed the new view dropped it, and must not keep the
     * previous contact's copy for long.
     */
    private void periodic() {
        sendReport();
        if (role == NodeRole.CONTACT) {
            sendAssociationToBackups();
        }
    }

    private void sendReport() {
        JChannel ch = channel;
        if (ch == null || !ch.isConnected()) {
            return;
        }
        try {
            ch.send(new BytesMessage(null, GroupMessages.encode(new Report(config.node(), config.channelEndpoint(), metrics))));
        } catch (Exception e) {
            LOG.debug("{}: sending load report failed: {}", config.node(), e.toString());
        }
    }

    private void sendAssociationToBackups() {
        SecurityAssociation sa = associationRef.get();
        View v = view;
        JChannel ch = channel;
        if (sa == null || v == null || ch == null || role != NodeRole.CONTACT || !ch.isConnected()) {
            return;
        }
        byte[] payload = GroupMessages.encode(sa);
        List<Address> list = v.getMembers();
        for (int i = 1; i <= config.backups() && i < list.size(); i++) {
            try {
                ch.send(new BytesMessage(list.get(i), payload));
            } catch (Exception e) {
                LOG.warn("{}: replicating the home-agent association to {} failed: {}", config.node(), list.get(i), e.toString());
            }
        }
    }
}
