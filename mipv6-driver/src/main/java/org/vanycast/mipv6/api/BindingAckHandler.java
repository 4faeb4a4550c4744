package org.vanycast.mipv6.api;

import java.util.List;

/** A Binding Acknowledgement at the mobile node (RFC 6275 §11.7.3); see {@link MobileNodeSession}. */
final class BindingAckHandler {
    private final MobileNodeSession s;

    BindingAckHandler(MobileNodeSession session) {
        this.s = session;
    }

    void handle(Ipv6Packet packet, BindingAcknowledgement ba, long now, List<MobilityAction> out) {
        BindingUpdate bu = s.outstanding();
        if (bu == null) {
            s.dropped(out, DropReason.UNEXPECTED_MESSAGE, "Binding Acknowledgement without outstanding update");
            return;
        }
        int status = ba.status().value();
        boolean nonceStatus = status >= 136 && status <= 138;
        boolean sequenceStatus = ba.status().equals(BindingAckStatus.SEQUENCE_NUMBER_OUT_OF_WINDOW);
        if (!sequenceStatus && ba.sequence() != bu.sequence()) {
            s.dropped(out, DropReason.UNEXPECTED_MESSAGE, "Binding Acknowledgement for sequence " + ba.sequence());
            return;
        }
        byte[] wire = packet.upperLayerNoCopy();
        boolean signed = ReturnRoutabilityKeys.verify(s.outstandingKbm(), s.careOf(), s.correspondent(), wire, 0,
                wire.length);
        // Only answers that merely make us redo work may come unauthenticated: the correspondent
        // has no Kbm when nonces expired (136-138) or when it refuses home registration (131).
        if (!signed && !nonceStatus && !ba.status().equals(BindingAckStatus.HOME_REGISTRATION_NOT_SUPPORTED)) {
            s.dropped(out, DropReason.AUTHENTICATION_FAILED, "Binding Acknowledgement authenticator");
            return;
        }
        if (ba.status().isAccepted()) {
            long requested = bu.lifetime() * MobilityConstants.LIFETIME_UNIT;
            long granted = Math.min(requested, ba.lifetime() * MobilityConstants.LIFETIME_UNIT);
            boolean deregistration = bu.lifetime() == 0;
            s.acknowledged(now, granted);
            out.add(new MobilityAction.BindingStateChanged(s.correspondent(), s.home(), s.careOf(), bu.sequence(),
                    deregistration ? MobilityAction.BindingStateChanged.State.DEREGISTERED
                            : MobilityAction.BindingStateChanged.State.ACKNOWLEDGED, ba.status(), granted));
        } else if (sequenceStatus) {
            s.resynchronize(ba.sequence());
            s.sendUpdate(out, now, false);
        } else if (nonceStatus) {
            out.addAll(s.restartTests(now, true));
            s.completeIfReadyFor(out, now);
        } else {
            out.add(s.failed(ba.status(), now));
        }
    }
}
