package org.vanycast.mipv6.api;

import java.net.Inet6Address;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mobile node side of home registration (RFC 6275 §11.7.1) with a {@link HomeAgent}: Binding
 * Updates with H=1, A=1 protected by ESP ({@link SecurityAssociation}, RFC 4877), sent from the
 * care-of address with a Home Address option; retransmitted with exponential back-off starting
 * at InitialBindackTimeoutFirstReg (1.5 s) for the first registration and INITIAL_BINDACK_TIMEOUT
 * afterwards, up to MAX_BINDACK_TIMEOUT; refreshed {@code refreshMarginNanos} before the granted
 * lifetime ends; status 135 resynchronizes the sequence number. Care-of = home deregisters.
 * Not thread-safe; bad input only yields {@link MobilityAction.Dropped}.
 */
public final class HomeRegistrationSession {
    private static final Logger LOG = LoggerFactory.getLogger(HomeRegistrationSession.class);

    /**
     * Tunables.
     *
     * @param lifetimeNanos lifetime to request
     * @param refreshMarginNanos how long before expiry to re-register
     */
    public record Config(long lifetimeNanos, long refreshMarginNanos) {
        public static Config defaults() {
            return new Config(TimeUnit.HOURS.toNanos(1), TimeUnit.MINUTES.toNanos(2));
        }
    }

    private final Inet6Address home;
    private final Inet6Address homeAgent;
    private final SecurityAssociation outbound;
    private final SecurityAssociation inbound;
    private final Config config;
    private Inet6Address careOf;
    private int sequence;
    private BindingUpdate outstanding;
    private long timeout;
    private long deadline = Long.MAX_VALUE;
    private long refreshAt = Long.MAX_VALUE;
    private boolean registeredOnce;

    /**
     * @param outbound SA protecting packets to the home agent (source = home address)
     * @param inbound SA protecting packets from the home agent
     * @param initialSequence last sequence number used
     */
    public HomeRegistrationSession(Inet6Address homeAddress, Inet6Address homeAgent, SecurityAssociation outbound,
            SecurityAssociation inbound, int initialSequence, Config config) {
        Fields.check16("sequence", initialSequence);
        this.home = homeAddress;
        this.homeAgent = homeAgent;
        this.outbound = outbound;
        this.inbound = inbound;
        this.sequence = initialSequence;
        this.config = config;
    }

    /** Registers {@code careOfAddress} (deregisters when it is the home address). */
    public List<MobilityAction> bind(Inet6Address careOfAddress, long nowNanos) {
        careOf = careOfAddress;
        refreshAt = Long.MAX_VALUE;
        timeout = registeredOnce ? MobilityConstants.INITIAL_BINDACK_TIMEOUT
                : MobilityConstants.INITIAL_BINDACK_TIMEOUT_FIRST_REG;
        List<MobilityAction> out = new ArrayList<>(2);
        send(out, nowNanos, !careOfAddress.equals(home));
        return out;
    }

    /** Deletes the home registration (lifetime 0) from the current care-of address. */
    public List<MobilityAction> deregister(long nowNanos) {
        if (careOf == null) {
            return new ArrayList<>(0);
        }
        refreshAt = Long.MAX_VALUE;
        timeout = MobilityConstants.INITIAL_BINDACK_TIMEOUT;
        List<MobilityAction> out = new ArrayList<>(1);
        send(out, nowNanos, false);
        return out;
    }

    private void send(List<MobilityAction> out, long now, boolean register) {
        sequence = (sequence + 1) & 0xffff;
        int lifetime = register ? (int) Math.min(0xffff, config.lifetimeNanos() / MobilityConstants.LIFETIME_UNIT) : 0;
        outstanding = new BindingUpdate(sequence, BindingUpdate.FLAG_ACK | BindingUpdate.FLAG_HOME_REGISTRATION,
                lifetime, MobilityOptions.aligned(6, List.of()));
        boolean atHome = careOf.equals(home);
        out.add(new MobilityAction.Send(outbound.protect(careOf, homeAgent, atHome ? null : home, null, outstanding),
                outstanding));
        deadline = now + timeout;
    }

    /** Handles a packet from the home agent (ESP-protected Binding Acknowledgement). */
    public List<MobilityAction> receive(Ipv6Packet packet, long nowNanos) {
        List<MobilityAction> out = new ArrayList<>(2);
        if (packet.upperLayerProtocol() != SecurityAssociation.IPPROTO_ESP || !packet.source().equals(homeAgent)) {
            return dropped(out, DropReason.UNEXPECTED_MESSAGE, "not ESP from the home agent");
        }
        byte[] esp = packet.upperLayerNoCopy();
        if (SecurityAssociation.spiOf(esp) != (inbound.spi() & 0xffff_ffffL)) {
            return dropped(out, DropReason.NO_SECURITY_ASSOCIATION, "SPI " + SecurityAssociation.spiOf(esp));
        }
        SecurityAssociation.Opened opened = inbound.unprotect(esp);
        if (!opened.ok()) {
            return dropped(out, opened.failure(), "ESP");
        }
        Ipv6Packet inner = new Ipv6Packet(0, 0, packet.hopLimit(), packet.source(), packet.destination(), null,
                packet.routingHomeAddress(), opened.nextHeader(), opened.payload());
        if (!inner.isMobilityHeader() || !inner.mobilityChecksumValid()) {
            return dropped(out, DropReason.BAD_CHECKSUM, "inner Mobility Header");
        }
        MobilityMessage m;
        try {
            m = inner.mobilityHeader().message();
        } catch (MalformedMobilityHeaderException e) {
            return dropped(out, DropReason.MALFORMED, e.getMessage());
        }
        if (!(m instanceof BindingAcknowledgement ba) || outstanding == null) {
            return dropped(out, DropReason.UNEXPECTED_MESSAGE, m.type().name());
        }
        if (ba.status().equals(BindingAckStatus.SEQUENCE_NUMBER_OUT_OF_WINDOW)) {
            sequence = ba.sequence();
            send(out, nowNanos, outstanding.lifetime() != 0);
            return out;
        }
        if (ba.sequence() != outstanding.sequence()) {
            return dropped(out, DropReason.UNEXPECTED_MESSAGE, "acknowledgement for sequence " + ba.sequence());
        }
        BindingUpdate bu = outstanding;
        outstanding = null;
        deadline = Long.MAX_VALUE;
        if (!ba.status().isAccepted()) {
            out.add(state(bu, MobilityAction.BindingStateChanged.State.FAILED, ba.status(), 0));
            return out;
        }
        long granted = Math.min(bu.lifetime(), ba.lifetime()) * MobilityConstants.LIFETIME_UNIT;
        if (bu.lifetime() == 0) {
            out.add(state(bu, MobilityAction.BindingStateChanged.State.DEREGISTERED, ba.status(), 0));
        } else {
            registeredOnce = true;
            refreshAt = granted <= 0 ? Long.MAX_VALUE
                    : nowNanos + Math.max(granted / 2, granted - config.refreshMarginNanos());
            out.add(state(bu, MobilityAction.BindingStateChanged.State.ACKNOWLEDGED, ba.status(), granted));
        }
        return out;
    }

    /** Retransmissions, give-ups and refreshes due at {@code nowNanos}. */
    public List<MobilityAction> onTimer(long nowNanos) {
        List<MobilityAction> out = new ArrayList<>(1);
        if (outstanding != null && nowNanos >= deadline) {
            if (timeout * 2 > MobilityConstants.MAX_BINDACK_TIMEOUT) {
                BindingUpdate bu = outstanding;
                outstanding = null;
                deadline = Long.MAX_VALUE;
                LOG.debug("home registration of {} at {} timed out", home.getHostAddress(), homeAgent.getHostAddress());
                out.add(state(bu, MobilityAction.BindingStateChanged.State.FAILED, BindingAckStatus.REASON_UNSPECIFIED, 0));
            } else {
                timeout *= 2;
                send(out, nowNanos, outstanding.lifetime() != 0);
            }
        } else if (outstanding == null && nowNanos >= refreshAt) {
            out.addAll(bind(careOf, nowNanos));
        }
        return out;
    }

    /** When {@link #onTimer} next has work, or {@link Long#MAX_VALUE}. */
    public long nextDeadline() {
        return outstanding != null ? deadline : refreshAt;
    }

    /** The last Sequence # sent. */
    public int sequence() {
        return sequence;
    }

    private MobilityAction state(BindingUpdate bu, MobilityAction.BindingStateChanged.State s, BindingAckStatus status,
            long lifetime) {
        return new MobilityAction.BindingStateChanged(homeAgent, home, careOf, bu.sequence(), s, status, lifetime);
    }

    private List<MobilityAction> dropped(List<MobilityAction> out, DropReason reason, String detail) {
        LOG.debug("home registration of {} dropped packet: {} ({})", home.getHostAddress(), reason, detail);
        out.add(new MobilityAction.Dropped(reason, detail));
        return out;
    }
}
