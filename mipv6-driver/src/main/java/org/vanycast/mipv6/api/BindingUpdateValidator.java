package org.vanycast.mipv6.api;

import java.net.Inet6Address;
import java.util.List;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One Binding Update through the correspondent's checks (RFC 6275 §9.5.1); see {@link CorrespondentNode}. */
final class BindingUpdateValidator {
    private static final Logger LOG = LoggerFactory.getLogger(CorrespondentNode.class);

    private final CorrespondentNode cn;
    private final Ipv6Packet packet;
    private final BindingUpdate bu;
    private final long now;
    private final Inet6Address home;
    private final Inet6Address careOf;
    private final Inet6Address self;

    BindingUpdateValidator(CorrespondentNode cn, Ipv6Packet packet, BindingUpdate bu, long now) {
        this.cn = cn;
        this.packet = packet;
        this.bu = bu;
        this.now = now;
        this.home = packet.homeAddress() != null ? packet.homeAddress() : packet.source();
        this.careOf = bu.option(MobilityOption.AlternateCareOfAddress.class)
                .map(MobilityOption.AlternateCareOfAddress::address).orElse(packet.source());
        this.self = packet.destination();
    }

    List<MobilityAction> run() {
        if (bu.homeRegistration()) {
            return ack(BindingAckStatus.HOME_REGISTRATION_NOT_SUPPORTED, bu.sequence(), 0, null);
        }
        var ni = bu.option(MobilityOption.NonceIndices.class);
        if (ni.isEmpty() || bu.option(MobilityOption.BindingAuthorizationData.class).isEmpty()) {
            return cn.drop(DropReason.MISSING_OPTION, packet, "Binding Update without Nonce Indices or Binding Authorization Data");
        }
        boolean atHome = careOf.equals(home);
        OptionalLong homeToken = cn.homeToken(home, ni.get().homeNonceIndex(), now);
        OptionalLong careOfToken = atHome ? OptionalLong.of(0)
                : cn.nonces().careOfKeygenToken(careOf, ni.get().careOfNonceIndex(), now);
        if (homeToken.isEmpty() && careOfToken.isEmpty()) {
            return ack(BindingAckStatus.EXPIRED_NONCES, bu.sequence(), 0, null);
        } else if (homeToken.isEmpty()) {
            return ack(BindingAckStatus.EXPIRED_HOME_NONCE_INDEX, bu.sequence(), 0, null);
        } else if (careOfToken.isEmpty()) {
            return ack(BindingAckStatus.EXPIRED_CARE_OF_NONCE_INDEX, bu.sequence(), 0, null);
        }
        byte[] kbm = atHome ? ReturnRoutabilityKeys.kbmDeregistration(homeToken.getAsLong())
                : ReturnRoutabilityKeys.kbm(homeToken.getAsLong(), careOfToken.getAsLong());
        byte[] wire = packet.upperLayerNoCopy();
        if (!ReturnRoutabilityKeys.verify(kbm, careOf, self, wire, 0, wire.length)) {
            return cn.drop(DropReason.AUTHENTICATION_FAILED, packet, "Binding Update authenticator");
        }
        OptionalInt last = cn.lastSequence(home, now);
        if (last.isPresent() && !MobilityConstants.sequenceGreater(bu.sequence(), last.getAsInt())) {
            LOG.debug("Binding Update from {} with sequence {} not after {}", home.getHostAddress(),
                    bu.sequence(), last.getAsInt());
            return ack(BindingAckStatus.SEQUENCE_NUMBER_OUT_OF_WINDOW, last.getAsInt(), 0, kbm);
        }
        BindingCache cache = cn.bindings();
        if (atHome || bu.lifetime() == 0) {
            BindingCacheEntry removed = cache.remove(home, bu.sequence(), now);
            List<MobilityAction> out = bu.ack() ? ack(BindingAckStatus.ACCEPTED, bu.sequence(), 0, kbm)
                    : new java.util.ArrayList<>(1);
            if (removed != null) {
                out.add(0, new MobilityAction.BindingRemoved(removed, MobilityAction.BindingRemoved.Cause.DEREGISTERED));
            }
            return out;
        }
        if (!cache.hasRoomFor(home)) {
            return ack(BindingAckStatus.INSUFFICIENT_RESOURCES, bu.sequence(), 0, kbm);
        }
        int maxUnits = (int) Math.min(0xffff, cn.config().maxLifetimeNanos() / MobilityConstants.LIFETIME_UNIT);
        int granted = Math.min(bu.lifetime(), maxUnits);
        BindingCacheEntry entry = new BindingCacheEntry(home, careOf, bu.sequence(),
                now + granted * MobilityConstants.LIFETIME_UNIT, false);
        cache.put(entry);
        List<MobilityAction> out = bu.ack() ? ack(BindingAckStatus.ACCEPTED, bu.sequence(), granted, kbm)
                : new java.util.ArrayList<>(1);
        out.add(0, new MobilityAction.BindingAdded(entry));
        return out;
    }

    /** A Binding Acknowledgement to the care-of address, routed to the home address (§9.5.4). */
    private List<MobilityAction> ack(BindingAckStatus status, int sequence, int lifetime, byte[] kbm) {
        BindingAcknowledgement ba = new BindingAcknowledgement(status, 0, sequence, lifetime,
                MobilityOptions.aligned(6, List.of()));
        if (kbm != null) {
            ba = ReturnRoutabilityKeys.sign(ba, kbm, careOf, self);
        }
        return cn.send(self, careOf, careOf.equals(home) ? null : home, ba);
    }
}
