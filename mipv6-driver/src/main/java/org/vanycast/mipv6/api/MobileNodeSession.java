package org.vanycast.mipv6.api;

import java.net.Inet6Address;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mobile node role towards one correspondent (RFC 6275 §11.6–11.7): return routability, then a
 * Binding Update with A=1 signed with Kbm. Data is never held back for the acknowledgement:
 * {@link MobilityAction.BindingStateChanged.State#SENT} is reported as the update leaves.
 *
 * <ul>
 *   <li>Retransmission (§11.8): INITIAL_BINDACK_TIMEOUT, doubled up to MAX_BINDACK_TIMEOUT, then
 *       {@code FAILED}. Each retransmission uses the next Sequence # (mod 2^16) and a new
 *       authenticator; HoTI/CoTI are retransmitted on the same schedule.</li>
 *   <li>Refresh: a new return routability and Binding Update start {@code refreshMarginNanos}
 *       before the granted lifetime (at most MAX_RR_BINDING_LIFETIME) runs out; tokens older
 *       than MAX_TOKEN_LIFETIME are never used.</li>
 *   <li>Status 135 resynchronizes the sequence number from the acknowledgement; 136–138
 *       re-run the tests; Binding Refresh Request and Binding Error status 1 trigger a new
 *       binding; Binding Error status 2 or other rejections end in {@code FAILED}.</li>
 *   <li>{@link #handoff} is the versatile-anycast entry point: the previous node's sequence
 *       number and a return routability result obtained in advance (Prepare) give an
 *       immediate Binding Update without a round trip.</li>
 * </ul>
 * Not thread-safe; nothing but {@link MobilityAction.Dropped} reports bad input.
 */
public final class MobileNodeSession {
    private static final Logger LOG = LoggerFactory.getLogger(MobileNodeSession.class);

    /**
     * Tunables.
     *
     * @param lifetimeNanos lifetime to request (capped at MAX_RR_BINDING_LIFETIME by correspondents)
     * @param initialTimeoutNanos first retransmission timeout
     * @param maxTimeoutNanos largest retransmission timeout before giving up
     * @param refreshMarginNanos how long before expiry to start refreshing
     */
    public record Config(long lifetimeNanos, long initialTimeoutNanos, long maxTimeoutNanos, long refreshMarginNanos) {
        public static Config defaults() {
            return new Config(MobilityConstants.MAX_RR_BINDING_LIFETIME, MobilityConstants.INITIAL_BINDACK_TIMEOUT,
                    MobilityConstants.MAX_BINDACK_TIMEOUT, 60_000_000_000L);
        }
    }

    /** What the session is trying to achieve. */
    public enum Goal { IDLE, PREPARE, BIND, DEREGISTER }

    private final Inet6Address home;
    private final Inet6Address correspondent;
    private final Config config;
    private final ReturnRoutabilityClient rr;
    private Goal goal = Goal.IDLE;
    private Inet6Address careOf;
    private int sequence;
    private BindingUpdate outstanding;
    private byte[] outstandingKbm;
    private long buTimeout;
    private long buDeadline = Long.MAX_VALUE;
    private long refreshAt = Long.MAX_VALUE;
    private boolean reportedSent;

    /**
     * @param initialSequence the last sequence number used (the first update carries the next one)
     */
    public MobileNodeSession(Inet6Address homeAddress, Inet6Address correspondent, RandomGenerator random,
            int initialSequence, Config config) {
        Fields.check16("sequence", initialSequence);
        this.home = homeAddress;
        this.correspondent = correspondent;
        this.config = config;
        this.sequence = initialSequence;
        this.rr = new ReturnRoutabilityClient(homeAddress, correspondent, random, config.initialTimeoutNanos(),
                config.maxTimeoutNanos());
    }

    /** Runs return routability for {@code careOf} without binding (Prepare). */
    public List<MobilityAction> prepare(Inet6Address careOfAddress, long nowNanos) {
        goal = Goal.PREPARE;
        careOf = careOfAddress;
        cancelUpdate();
        List<MobilityAction> out = new ArrayList<>(rr.start(careOfAddress, nowNanos, false));
        completeIfReady(out, nowNanos);
        return out;
    }

    /** Binds the home address to {@code careOf}: return routability if needed, then the update. */
    public List<MobilityAction> bind(Inet6Address careOfAddress, long nowNanos) {
        goal = careOfAddress.equals(home) ? Goal.DEREGISTER : Goal.BIND;
        careOf = careOfAddress;
        reportedSent = false;
        cancelUpdate();
        List<MobilityAction> out = new ArrayList<>(rr.start(careOfAddress, nowNanos, false));
        completeIfReady(out, nowNanos);
        return out;
    }

    /** Deletes the binding at the correspondent (Binding Update with lifetime 0). */
    public List<MobilityAction> deregister(long nowNanos) {
        if (careOf == null) {
            return new ArrayList<>(0);
        }
        goal = Goal.DEREGISTER;
        cancelUpdate();
        List<MobilityAction> out = new ArrayList<>(rr.start(careOf, nowNanos, false));
        completeIfReady(out, nowNanos);
        return out;
    }

    /**
     * Takes over the binding: sends at once a Binding Update numbered {@code previousSequence + 1}
     * (mod 2^16) for {@code result.careOfAddress()}, signed with the tokens of {@code result}.
     * Falls back to a fresh return routability if the tokens are too old.
     */
    public List<MobilityAction> handoff(int previousSequence, ReturnRoutabilityResult result, long nowNanos) {
        Fields.check16("previous sequence", previousSequence);
        if (!result.homeAddress().equals(home) || !result.correspondent().equals(correspondent)) {
            throw new IllegalArgumentException("return routability result is for another home address or correspondent");
        }
        sequence = previousSequence;
        rr.install(result);
        return bind(result.careOfAddress(), nowNanos);
    }

    /** Handles a packet from the correspondent. */
    public List<MobilityAction> receive(Ipv6Packet packet, long nowNanos) {
        List<MobilityAction> out = new ArrayList<>(2);
        if (!packet.isMobilityHeader() || !packet.source().equals(correspondent)) {
            return dropped(out, DropReason.UNEXPECTED_MESSAGE, "not a Mobility Header from the correspondent");
        }
        if (!packet.mobilityChecksumValid()) {
            return dropped(out, DropReason.BAD_CHECKSUM, "checksum");
        }
        MobilityMessage m;
        try {
            m = packet.mobilityHeader().message();
        } catch (MalformedMobilityHeaderException e) {
            return dropped(out, DropReason.MALFORMED, e.getMessage());
        }
        if (m instanceof HomeTest t) {
            if (!rr.onHomeTest(t, nowNanos)) {
                return dropped(out, DropReason.UNEXPECTED_MESSAGE, "Home Test with unknown cookie");
            }
            completeIfReady(out, nowNanos);
        } else if (m instanceof CareOfTest t) {
            if (!rr.onCareOfTest(t, nowNanos)) {
                return dropped(out, DropReason.UNEXPECTED_MESSAGE, "Care-of Test with unknown cookie");
            }
            completeIfReady(out, nowNanos);
        } else if (m instanceof BindingAcknowledgement a) {
            new BindingAckHandler(this).handle(packet, a, nowNanos, out);
        } else if (m instanceof BindingRefreshRequest) {
            if (goal == Goal.BIND && outstanding == null) {
                out.addAll(bind(careOf, nowNanos));
            }
        } else if (m instanceof BindingError e) {
            if (e.status().equals(BindingErrorStatus.UNRECOGNIZED_MH_TYPE)) {
                out.add(failed(BindingAckStatus.REASON_UNSPECIFIED, nowNanos));
            } else if (goal == Goal.BIND && outstanding == null) {
                out.addAll(bind(careOf, nowNanos));
            }
        } else {
            return dropped(out, DropReason.UNEXPECTED_MESSAGE, m.type().name());
        }
        return out;
    }

    /** Retransmissions, refreshes and give-ups due at {@code nowNanos}. */
    public List<MobilityAction> onTimer(long nowNanos) {
        List<MobilityAction> out = new ArrayList<>(2);
        List<MobilityAction> inits = rr.onTimer(nowNanos);
        if (inits == null) {
            out.add(failed(BindingAckStatus.REASON_UNSPECIFIED, nowNanos));
            return out;
        }
        out.addAll(inits);
        if (outstanding != null && nowNanos >= buDeadline) {
            if (buTimeout * 2 > config.maxTimeoutNanos()) {
                out.add(failed(BindingAckStatus.REASON_UNSPECIFIED, nowNanos));
            } else {
                buTimeout *= 2;
                sendUpdate(out, nowNanos, false);
            }
        }
        if (nowNanos >= refreshAt) {
            refreshAt = Long.MAX_VALUE;
            LOG.debug("refreshing binding of {} at {}", home.getHostAddress(), correspondent.getHostAddress());
            goal = Goal.BIND;
            cancelUpdate();
            out.addAll(rr.start(careOf, nowNanos, false));
            completeIfReady(out, nowNanos);
        }
        return out;
    }

    /** When {@link #onTimer} next has work, or {@link Long#MAX_VALUE}. */
    public long nextDeadline() {
        return Math.min(rr.deadline(), Math.min(outstanding != null ? buDeadline : Long.MAX_VALUE, refreshAt));
    }

    /** The last Sequence # sent (what the versatile-anycast Init message carries). */
    public int sequence() {
        return sequence;
    }

    public Goal goal() {
        return goal;
    }

    /** Whether a Binding Update awaits its acknowledgement. */
    public boolean awaitingAcknowledgement() {
        return outstanding != null;
    }

    /** Tokens usable now for the current care-of address, if both are held. */
    public Optional<ReturnRoutabilityResult> returnRoutability(long nowNanos) {
        return Optional.ofNullable(rr.result(nowNanos));
    }

    // ---- shared with BindingAckHandler ----

    private void completeIfReady(List<MobilityAction> out, long now) {
        ReturnRoutabilityResult r = rr.result(now);
        if (r == null || rr.pending()) {
            return;
        }
        if (goal == Goal.PREPARE) {
            out.add(new MobilityAction.ReturnRoutabilityComplete(r));
            goal = Goal.IDLE;
        } else if (goal == Goal.BIND || goal == Goal.DEREGISTER) {
            outstandingKbm = r.kbm();
            buTimeout = config.initialTimeoutNanos();
            sendUpdate(out, now, true);
        }
    }

    /** Sends the next Binding Update; re-runs return routability if the tokens are stale. */
    void sendUpdate(List<MobilityAction> out, long now, boolean first) {
        ReturnRoutabilityResult r = rr.result(now);
        if (r == null) {
            outstanding = null;
            out.addAll(rr.start(careOf, now, true));
            return;
        }
        outstandingKbm = r.kbm();
        sequence = (sequence + 1) & 0xffff;
        boolean deletion = goal == Goal.DEREGISTER;
        int lifetime = deletion ? 0 : (int) Math.min(0xffff, Math.min(config.lifetimeNanos(),
                MobilityConstants.MAX_RR_BINDING_LIFETIME) / MobilityConstants.LIFETIME_UNIT);
        BindingUpdate bu = new BindingUpdate(sequence, BindingUpdate.FLAG_ACK, lifetime,
                List.of(new MobilityOption.NonceIndices(r.homeNonceIndex(), r.careOfNonceIndex())));
        bu = ReturnRoutabilityKeys.sign(bu, outstandingKbm, careOf, correspondent);
        boolean atHome = careOf.equals(home);
        Ipv6Packet p = Ipv6Packet.mobility(careOf, correspondent, atHome ? null : home, null, bu);
        out.add(new MobilityAction.Send(p, bu));
        outstanding = bu;
        buDeadline = now + (first ? config.initialTimeoutNanos() : buTimeout);
        if (!deletion && !reportedSent) {
            reportedSent = true;
            out.add(new MobilityAction.BindingStateChanged(correspondent, home, careOf, sequence,
                    MobilityAction.BindingStateChanged.State.SENT, null, 0));
        }
    }

    MobilityAction failed(BindingAckStatus status, long now) {
        LOG.debug("binding of {} at {} failed: {}", home.getHostAddress(), correspondent.getHostAddress(), status);
        cancelUpdate();
        goal = Goal.IDLE;
        refreshAt = Long.MAX_VALUE;
        return new MobilityAction.BindingStateChanged(correspondent, home, careOf, sequence,
                MobilityAction.BindingStateChanged.State.FAILED, status, 0);
    }

    List<MobilityAction> dropped(List<MobilityAction> out, DropReason reason, String detail) {
        LOG.debug("mobile node {} dropped packet: {} ({})", home.getHostAddress(), reason, detail);
        out.add(new MobilityAction.Dropped(reason, detail));
        return out;
    }

    private void cancelUpdate() {
        outstanding = null;
        buDeadline = Long.MAX_VALUE;
    }

    BindingUpdate outstanding() {
        return outstanding;
    }

    byte[] outstandingKbm() {
        return outstandingKbm;
    }

    Inet6Address home() {
        return home;
    }

    Inet6Address careOf() {
        return careOf;
    }

    Inet6Address correspondent() {
        return correspondent;
    }

    Config config() {
        return config;
    }

    void acknowledged(long now, long grantedNanos) {
        cancelUpdate();
        if (goal == Goal.DEREGISTER) {
            goal = Goal.IDLE;
            refreshAt = Long.MAX_VALUE;
        } else {
            refreshAt = grantedNanos <= 0 ? Long.MAX_VALUE
                    : now + Math.max(grantedNanos / 2, grantedNanos - config.refreshMarginNanos());
        }
    }

    void resynchronize(int lastAccepted) {
        sequence = lastAccepted;
    }

    List<MobilityAction> restartTests(long now, boolean fresh) {
        cancelUpdate();
        return rr.start(careOf, now, fresh);
    }

    void completeIfReadyFor(List<MobilityAction> out, long now) {
        completeIfReady(out, now);
    }
}
