package org.vanycast.mipv6.api;

import java.net.Inet6Address;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Correspondent node role (RFC 6275 §9): stateless Home Test / Care-of Test replies, Binding
 * Update validation, the binding cache and Binding Errors. Driven by {@link #receive} and
 * {@link #onTimer} with a caller-supplied monotonic clock; returns {@link MobilityAction}s.
 *
 * <p>Binding Update checks, in RFC order (§9.5.1): H bit → 131; Nonce Indices and Binding
 * Authorization Data present, else silently dropped; nonce indices still valid → else 136/137/138;
 * authenticator (Kbm from the two keygen tokens, or the home token alone when care-of = home)
 * → else silently dropped; Sequence # greater than the last accepted modulo 2^16 → else 135
 * (carrying the last accepted number); then lifetime 0 or care-of = home deletes, anything else
 * creates/refreshes the binding for at most MAX_RR_BINDING_LIFETIME. A Binding Acknowledgement
 * follows when A is set or the update was rejected, signed with Kbm when Kbm is known.
 *
 * <p>A packet that is not a Mobility Header but carries a Home Address option is accepted
 * (empty action list) only if a binding maps that home address to the packet's source;
 * otherwise it is dropped and a Binding Error status 1 goes to the source (rate-limited).
 * Not thread-safe: one agent thread drives it. Nothing but {@link MobilityAction.Dropped}
 * reports bad input; no exception escapes {@link #receive}.
 */
public final class CorrespondentNode {
    private static final Logger LOG = LoggerFactory.getLogger(CorrespondentNode.class);

    /**
     * Tunables.
     *
     * @param maxLifetimeNanos longest binding granted (MAX_RR_BINDING_LIFETIME by default)
     * @param capacity most bindings held
     * @param bindingErrorsPerSecond Binding Error rate limit (§9.3.3)
     */
    public record Config(long maxLifetimeNanos, int capacity, int bindingErrorsPerSecond) {
        public static Config defaults() {
            return new Config(MobilityConstants.MAX_RR_BINDING_LIFETIME, 100_000, 10);
        }
    }

    private final NonceTable nonces;
    private final Config config;
    private final BindingCache cache;
    private final Map<DropReason, Long> drops = new EnumMap<>(DropReason.class);
    private long errorWindowStart = Long.MIN_VALUE;
    private int errorsInWindow;

    public CorrespondentNode(NonceTable nonces, Config config) {
        this.nonces = nonces;
        this.config = config;
        // Deleted bindings' sequence numbers outlive every nonce that could authorize a replay.
        this.cache = new BindingCache(config.capacity(), MobilityConstants.MAX_NONCE_LIFETIME);
    }

    public CorrespondentNode(NonceTable nonces) {
        this(nonces, Config.defaults());
    }

    /** Handles one received packet addressed to this correspondent. */
    public List<MobilityAction> receive(Ipv6Packet packet, long nowNanos) {
        if (!packet.isMobilityHeader()) {
            return checkHomeAddressOption(packet, nowNanos);
        }
        if (!packet.mobilityChecksumValid()) {
            return drop(DropReason.BAD_CHECKSUM, packet, "checksum");
        }
        MobilityHeader mh;
        try {
            mh = packet.mobilityHeader();
        } catch (MalformedMobilityHeaderException e) {
            List<MobilityAction> out = drop(DropReason.MALFORMED, packet, e.getMessage());
            if (e.offset() == MobilityHeader.OFFSET_HEADER_LEN) {
                out.add(0, new MobilityAction.SendParameterProblem(packet, e.offset()));
            }
            return out;
        }
        if (mh.payloadProto() != MobilityHeader.IPPROTO_NONE) {
            List<MobilityAction> out = drop(DropReason.BAD_PAYLOAD_PROTO, packet, "Payload Proto " + mh.payloadProto());
            out.add(0, new MobilityAction.SendParameterProblem(packet, MobilityHeader.OFFSET_PAYLOAD_PROTO));
            return out;
        }
        MobilityMessage m = mh.message();
        if (m instanceof HomeTestInit h) {
            return homeTest(packet, h, nowNanos);
        } else if (m instanceof CareOfTestInit c) {
            return careOfTest(packet, c, nowNanos);
        } else if (m instanceof BindingUpdate u) {
            return new BindingUpdateValidator(this, packet, u, nowNanos).run();
        } else if (m instanceof UnknownMobilityMessage) {
            List<MobilityAction> out = new ArrayList<>(2);
            Inet6Address home = packet.homeAddress() != null ? packet.homeAddress() : unspecified();
            sendBindingError(out, packet, BindingErrorStatus.UNRECOGNIZED_MH_TYPE, home, nowNanos);
            out.addAll(drop(DropReason.UNEXPECTED_MESSAGE, packet, "unknown MH Type " + m.type().value()));
            return out;
        }
        return drop(DropReason.UNEXPECTED_MESSAGE, packet, m.type().name());
    }

    /** Expires bindings whose lifetime has passed. */
    public List<MobilityAction> onTimer(long nowNanos) {
        List<MobilityAction> out = new ArrayList<>(0);
        for (BindingCacheEntry e : cache.expire(nowNanos)) {
            LOG.debug("binding for {} expired", e.homeAddress().getHostAddress());
            out.add(new MobilityAction.BindingRemoved(e, MobilityAction.BindingRemoved.Cause.EXPIRED));
        }
        return out;
    }

    /** When {@link #onTimer} next has work, or {@link Long#MAX_VALUE}. */
    public long nextDeadline() {
        return cache.nextExpiry();
    }

    /** The binding cache (read it; change it only through this engine). */
    public BindingCache bindings() {
        return cache;
    }

    /** Packets dropped for {@code reason} so far. */
    public long dropCount(DropReason reason) {
        return drops.getOrDefault(reason, 0L);
    }

    private List<MobilityAction> homeTest(Ipv6Packet p, HomeTestInit h, long now) {
        if (p.homeAddress() != null) {
            return drop(DropReason.TEST_INIT_WITH_HOME_ADDRESS_OPTION, p, "HoTI");
        }
        NonceTable.Nonce n = nonces.current(now);
        long token = ReturnRoutabilityKeys.homeKeygenToken(nonces.kcn(), p.source(), n.value());
        HomeTest reply = new HomeTest(n.index(), h.homeInitCookie(), token);
        return send(p.destination(), p.source(), null, reply);
    }

    private List<MobilityAction> careOfTest(Ipv6Packet p, CareOfTestInit c, long now) {
        if (p.homeAddress() != null) {
            return drop(DropReason.TEST_INIT_WITH_HOME_ADDRESS_OPTION, p, "CoTI");
        }
        NonceTable.Nonce n = nonces.current(now);
        long token = ReturnRoutabilityKeys.careOfKeygenToken(nonces.kcn(), p.source(), n.value());
        CareOfTest reply = new CareOfTest(n.index(), c.careOfInitCookie(), token);
        return send(p.destination(), p.source(), null, reply);
    }

    private List<MobilityAction> checkHomeAddressOption(Ipv6Packet p, long now) {
        if (p.homeAddress() == null) {
            return new ArrayList<>(0);
        }
        BindingCacheEntry e = cache.get(p.homeAddress(), now);
        if (e != null && e.careOfAddress().equals(p.source())) {
            return new ArrayList<>(0);
        }
        List<MobilityAction> out = new ArrayList<>(2);
        sendBindingError(out, p, BindingErrorStatus.UNKNOWN_BINDING_FOR_HOME_ADDRESS_OPTION, p.homeAddress(), now);
        out.addAll(drop(DropReason.NO_BINDING, p, "Home Address option without binding"));
        return out;
    }

    private void sendBindingError(List<MobilityAction> out, Ipv6Packet p, BindingErrorStatus status,
            Inet6Address home, long now) {
        if (now - errorWindowStart >= TimeUnit.SECONDS.toNanos(1) || errorWindowStart == Long.MIN_VALUE) {
            errorWindowStart = now;
            errorsInWindow = 0;
        }
        if (++errorsInWindow > config.bindingErrorsPerSecond()) {
            count(DropReason.RATE_LIMITED);
            return;
        }
        out.addAll(send(p.destination(), p.source(), null, new BindingError(status, home, List.of())));
    }

    // ---- used by BindingUpdateValidator ----

    NonceTable nonces() {
        return nonces;
    }

    Config config() {
        return config;
    }

    OptionalInt lastSequence(Inet6Address home, long now) {
        return cache.lastSequence(home, now);
    }

    OptionalLong homeToken(Inet6Address home, int index, long now) {
        return nonces.homeKeygenToken(home, index, now);
    }

    List<MobilityAction> send(Inet6Address src, Inet6Address dst, Inet6Address rh2, MobilityMessage m) {
        List<MobilityAction> out = new ArrayList<>(2);
        out.add(new MobilityAction.Send(Ipv6Packet.mobility(src, dst, null, rh2, m), m));
        return out;
    }

    List<MobilityAction> drop(DropReason reason, Ipv6Packet p, String detail) {
        count(reason);
        LOG.debug("dropped packet from {}: {} ({})", p.source().getHostAddress(), reason, detail);
        List<MobilityAction> out = new ArrayList<>(2);
        out.add(new MobilityAction.Dropped(reason, detail));
        return out;
    }

    private void count(DropReason reason) {
        drops.merge(reason, 1L, Long::sum);
    }

    static Inet6Address unspecified() {
        return OptionCodec.address(new byte[16], 0);
    }
}
