package org.vanycast.mipv6.api;

import java.net.Inet6Address;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Home agent role for home registrations (RFC 6275 §10.3): Binding Updates with H=1 protected
 * by ESP per RFC 4877 ({@link SecurityAssociation}), the home binding cache, and Binding
 * Acknowledgements protected the same way.
 *
 * <p>Checks (§10.3.1): ESP SPI known, not replayed, ICV valid; inner Mobility Header checksum
 * and Payload Proto; a Binding Update with H set (else dropped); its home address (Home Address
 * option, or the source when at home) must be the one the SA is bound to (RFC 4877 §4.1); the
 * sequence number must be greater than the last accepted (else 135); lifetime 0 or care-of =
 * home deregisters; otherwise the binding is cached for at most {@code maxLifetimeNanos}.
 * Unprotected Binding Updates are dropped. {@link #exportState}/{@link #importState} move
 * bindings and SAs to a backup home agent (the paper's takeover). Not thread-safe.
 */
public final class HomeAgent {
    private static final Logger LOG = LoggerFactory.getLogger(HomeAgent.class);

    /**
     * Tunables.
     *
     * @param maxLifetimeNanos longest home registration granted
     * @param capacity most mobile nodes served
     */
    public record Config(long maxLifetimeNanos, int capacity) {
        public static Config defaults() {
            return new Config(TimeUnit.HOURS.toNanos(1), 10_000);
        }
    }

    /** A mobile node this home agent serves, with its SA pair. */
    private record Client(Inet6Address home, SecurityAssociation inbound, SecurityAssociation outbound) {
    }

    private final Inet6Address address;
    private final Config config;
    private final Map<Long, Client> bySpi = new HashMap<>();
    private final Map<Inet6Address, Client> byHome = new HashMap<>();
    private final BindingCache cache;
    private final Map<DropReason, Long> drops = new EnumMap<>(DropReason.class);

    public HomeAgent(Inet6Address address, Config config) {
        this.address = address;
        this.config = config;
        this.cache = new BindingCache(config.capacity(), config.maxLifetimeNanos());
    }

    /**
     * Serves {@code home}: {@code inbound} protects packets from the mobile node (source = home
     * address), {@code outbound} packets to it.
     */
    public void addMobileNode(Inet6Address home, SecurityAssociation inbound, SecurityAssociation outbound) {
        if (!inbound.source().equals(home) || !outbound.destination().equals(home)) {
            throw new IllegalArgumentException("security associations are not bound to " + home.getHostAddress());
        }
        Client c = new Client(home, inbound, outbound);
        bySpi.put(inbound.spi() & 0xffff_ffffL, c);
        byHome.put(home, c);
    }

    /** Handles one packet addressed to the home agent. */
    public List<MobilityAction> receive(Ipv6Packet packet, long nowNanos) {
        if (packet.upperLayerProtocol() != SecurityAssociation.IPPROTO_ESP) {
            return drop(packet.isMobilityHeader() ? DropReason.AUTHENTICATION_FAILED : DropReason.UNEXPECTED_MESSAGE,
                    packet, "home agent accepts only ESP-protected Mobility Headers");
        }
        byte[] esp = packet.upperLayerNoCopy();
        Client c = bySpi.get(SecurityAssociation.spiOf(esp));
        if (c == null) {
            return drop(DropReason.NO_SECURITY_ASSOCIATION, packet, "SPI " + SecurityAssociation.spiOf(esp));
        }
        SecurityAssociation.Opened opened = c.inbound().unprotect(esp);
        if (!opened.ok()) {
            return drop(opened.failure(), packet, "ESP");
        }
        if (opened.nextHeader() != MobilityHeader.IPPROTO_MH) {
            return drop(DropReason.UNEXPECTED_MESSAGE, packet, "ESP payload protocol " + opened.nextHeader());
        }
        Ipv6Packet inner = new Ipv6Packet(packet.trafficClass(), packet.flowLabel(), packet.hopLimit(),
                packet.source(), packet.destination(), packet.homeAddress(), packet.routingHomeAddress(),
                MobilityHeader.IPPROTO_MH, opened.payload());
        if (!inner.mobilityChecksumValid()) {
            return drop(DropReason.BAD_CHECKSUM, packet, "checksum");
        }
        MobilityHeader mh;
        try {
            mh = inner.mobilityHeader();
        } catch (MalformedMobilityHeaderException e) {
            return drop(DropReason.MALFORMED, packet, e.getMessage());
        }
        if (mh.payloadProto() != MobilityHeader.IPPROTO_NONE) {
            return drop(DropReason.BAD_PAYLOAD_PROTO, packet, "Payload Proto " + mh.payloadProto());
        }
        if (!(mh.message() instanceof BindingUpdate bu) || !bu.homeRegistration()) {
            return drop(DropReason.UNEXPECTED_MESSAGE, packet, mh.message().type().name() + " without H bit");
        }
        Inet6Address home = packet.homeAddress() != null ? packet.homeAddress() : packet.source();
        if (!home.equals(c.home())) {
            return drop(DropReason.AUTHENTICATION_FAILED, packet, "home address does not match the SA");
        }
        return register(c, packet, bu, nowNanos);
    }

    private List<MobilityAction> register(Client c, Ipv6Packet packet, BindingUpdate bu, long now) {
        Inet6Address careOf = bu.option(MobilityOption.AlternateCareOfAddress.class)
                .map(MobilityOption.AlternateCareOfAddress::address).orElse(packet.source());
        List<MobilityAction> out = new ArrayList<>(2);
        OptionalInt last = cache.lastSequence(c.home(), now);
        if (last.isPresent() && !MobilityConstants.sequenceGreater(bu.sequence(), last.getAsInt())) {
            ack(out, c, careOf, BindingAckStatus.SEQUENCE_NUMBER_OUT_OF_WINDOW, last.getAsInt(), 0);
            return out;
        }
        if (bu.lifetime() == 0 || careOf.equals(c.home())) {
            BindingCacheEntry removed = cache.remove(c.home(), bu.sequence(), now);
            if (removed != null) {
                out.add(new MobilityAction.BindingRemoved(removed, MobilityAction.BindingRemoved.Cause.DEREGISTERED));
            }
            ack(out, c, careOf, BindingAckStatus.ACCEPTED, bu.sequence(), 0);
            return out;
        }
        int maxUnits = (int) Math.min(0xffff, config.maxLifetimeNanos() / MobilityConstants.LIFETIME_UNIT);
        int granted = Math.min(bu.lifetime(), maxUnits);
        BindingCacheEntry e = new BindingCacheEntry(c.home(), careOf, bu.sequence(),
                now + granted * MobilityConstants.LIFETIME_UNIT, true);
        cache.put(e);
        LOG.debug("home registration {} -> {} for {} s", c.home().getHostAddress(), careOf.getHostAddress(), granted * 4);
        out.add(new MobilityAction.BindingAdded(e));
        ack(out, c, careOf, BindingAckStatus.ACCEPTED, bu.sequence(), granted);
        return out;
    }

    private void ack(List<MobilityAction> out, Client c, Inet6Address careOf, BindingAckStatus status, int seq,
            int lifetime) {
        BindingAcknowledgement ba = new BindingAcknowledgement(status, 0, seq, lifetime, MobilityOptions.aligned(6, List.of()));
        Ipv6Packet p = c.outbound().protect(address, careOf, null, careOf.equals(c.home()) ? null : c.home(), ba);
        out.add(new MobilityAction.Send(p, ba));
    }

    /** Expires home registrations. */
    public List<MobilityAction> onTimer(long nowNanos) {
        List<MobilityAction> out = new ArrayList<>(0);
        for (BindingCacheEntry e : cache.expire(nowNanos)) {
            out.add(new MobilityAction.BindingRemoved(e, MobilityAction.BindingRemoved.Cause.EXPIRED));
        }
        return out;
    }

    /** When {@link #onTimer} next has work, or {@link Long#MAX_VALUE}. */
    public long nextDeadline() {
        return cache.nextExpiry();
    }

    public BindingCache bindings() {
        return cache;
    }

    public long dropCount(DropReason reason) {
        return drops.getOrDefault(reason, 0L);
    }

    /**
     * Bindings (with remaining lifetimes) and SA pairs, for a backup home agent. Secret: it
     * holds the ESP keys.
     */
    public byte[] exportState(long nowNanos) {
        List<byte[]> parts = new ArrayList<>();
        int size = 4;
        for (Client c : byHome.values()) {
            BindingCacheEntry e = cache.get(c.home(), nowNanos);
            byte[] in = c.inbound().export();
            byte[] outSa = c.outbound().export();
            ByteBuffer b = ByteBuffer.allocate(16 + 1 + (e == null ? 0 : 16 + 2 + 8) + 4 + in.length + 4 + outSa.length);
            b.put(c.home().getAddress()).put((byte) (e == null ? 0 : 1));
            if (e != null) {
                b.put(e.careOfAddress().getAddress()).putShort((short) e.sequence()).putLong(e.remainingNanos(nowNanos));
            }
            b.putInt(in.length).put(in).putInt(outSa.length).put(outSa);
            parts.add(b.array());
            size += b.capacity();
        }
        ByteBuffer all = ByteBuffer.allocate(size).putInt(parts.size());
        parts.forEach(all::put);
        return all.array();
    }

    /**
     * Loads {@link #exportState} output into this (backup) home agent, emitting
     * {@link MobilityAction.BindingAdded} for each live binding so the data path can be set up.
     *
     * @param sequenceAdvance added to each outbound ESP counter (see {@link SecurityAssociation#importState})
     */
    public List<MobilityAction> importState(byte[] state, long sequenceAdvance, long nowNanos)
            throws MalformedMobilityHeaderException {
        return HomeAgentState.load(this, state, sequenceAdvance, nowNanos);
    }

    void restore(Inet6Address home, SecurityAssociation in, SecurityAssociation out, BindingCacheEntry e) {
        addMobileNode(home, in, out);
        if (e != null) {
            cache.put(e);
        }
    }

    private List<MobilityAction> drop(DropReason reason, Ipv6Packet p, String detail) {
        drops.merge(reason, 1L, Long::sum);
        LOG.debug("home agent dropped packet from {}: {} ({})", p.source().getHostAddress(), reason, detail);
        List<MobilityAction> out = new ArrayList<>(1);
        out.add(new MobilityAction.Dropped(reason, detail));
        return out;
    }
}
