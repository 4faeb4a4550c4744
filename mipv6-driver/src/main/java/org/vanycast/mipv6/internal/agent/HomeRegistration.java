package org.vanycast.mipv6.internal.agent;

import java.io.IOException;
import java.net.Inet6Address;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.vanycast.mipv6.api.BindingAcknowledgement;
import org.vanycast.mipv6.api.BindingUpdate;
import org.vanycast.mipv6.api.Ipv6Packet;
import org.vanycast.mipv6.api.MalformedMobilityHeaderException;
import org.vanycast.mipv6.api.MobilityHeader;
import org.vanycast.mipv6.api.MobilityConstants;
import org.vanycast.mipv6.api.MobilityMessage;
import org.vanycast.mipv6.api.SecurityAssociation;

/**
 * Mobile-node side of home registration (RFC 6275 §11.7.1) protected by ESP (RFC 4877): the
 * Binding Update with H and A set and a Home Address option goes to the home agent inside
 * the SA towards it; the acknowledgement comes back in the reverse SA with a type 2 routing
 * header (queued to us because this kernel would drop it). Thread-safe.
 */
final class HomeRegistration {
    private final Inet6Address home;
    private final Inet6Address careOf;
    private final Inet6Address homeAgent;
    /** Replaced (not mutated) when a contact term starts; guarded by {@link #lock}. */
    private SecurityAssociation toHa;
    private final Object lock = new Object();
    private final SecurityAssociation fromHa;
    private final DropCounters counters;
    private final BlockingQueue<BindingAcknowledgement> acks = new LinkedBlockingQueue<>();
    private int sequence;

    HomeRegistration(Inet6Address home, Inet6Address careOf, Inet6Address homeAgent, byte[] secret, DropCounters counters) {
        this.home = home;
        this.careOf = careOf;
        this.homeAgent = homeAgent;
        this.toHa = HomeKeys.toHomeAgent(secret, home, homeAgent);
        this.fromHa = HomeKeys.fromHomeAgent(secret, home, homeAgent);
        this.counters = counters;
    }

    /** Whether {@code p} is ESP from our home agent (then {@link #onPacket} takes it). */
    boolean isFromHomeAgent(Ipv6Packet p) {
        return p.source().equals(homeAgent) && p.upperLayerProtocol() == SecurityAssociation.IPPROTO_ESP;
    }

    void onPacket(Ipv6Packet p) {
        SecurityAssociation.Opened opened;
        synchronized (fromHa) {
            opened = fromHa.unprotect(p.upperLayer());
        }
        if (!opened.ok() || opened.nextHeader() != MobilityHeader.IPPROTO_MH) {
            counters.count(opened.ok() ? "UNEXPECTED_MESSAGE" : opened.failure().name());
            return;
        }
        try {
            MobilityMessage m = new Ipv6Packet(0, 0, 64, p.source(), p.destination(), null, p.routingHomeAddress(),
                    MobilityHeader.IPPROTO_MH, opened.payload()).mobilityHeader().message();
            if (m instanceof BindingAcknowledgement ba) {
                acks.add(ba);
            } else {
                counters.count("UNEXPECTED_MESSAGE");
            }
        } catch (MalformedMobilityHeaderException e) {
            counters.count("MALFORMED");
        }
    }

    /** ESP packets one contact term may send to the home agent (registrations only: a handful). */
    static final long TERM_PACKETS = 1L << 16;
    /** Binding Update sequence numbers one contact term may use (16-bit serial space, RFC 6275 §9.5.1). */
    static final int TERM_UPDATES = 256;

    /**
     * Starts the counters of contact term {@code epoch}. Every node derives the same SA from
     * the group's secret, but only the contact node's counters advance: a backup taking X over
     * would reuse its predecessor's ESP sequence numbers, which the home agent drops as
     * replayed (RFC 4303 §3.4.3), and its Binding Update sequence, which it refuses (status
     * 135). Membership epochs only grow, so a term's counters start above any earlier term's.
     */
    void enterTerm(long epoch) throws MalformedMobilityHeaderException {
        long term = Math.max(0, Math.min(epoch, 0xffff_ffffL / TERM_PACKETS - 1));
        synchronized (lock) {
            long espBase = term * TERM_PACKETS;
            if (toHa.outboundSequence() < espBase) {
                toHa = SecurityAssociation.importState(toHa.export(), espBase - toHa.outboundSequence());
            }
            int updateBase = (int) ((term * TERM_UPDATES) & 0xffff);
            if (MobilityConstants.sequenceGreater(updateBase, sequence)) {
                sequence = updateBase;
            }
        }
    }

    /** A home Binding Update and its sequence number. */
    record Update(int sequence, Ipv6Packet packet) {
    }

    /** The next ESP-protected home Binding Update (sequence and ESP counter advanced). */
    Update nextUpdate(int lifetimeUnits) {
        synchronized (lock) {
            sequence = (sequence + 1) & 0xffff;
            BindingUpdate bu = new BindingUpdate(sequence, BindingUpdate.FLAG_ACK | BindingUpdate.FLAG_HOME_REGISTRATION,
                    lifetimeUnits, List.of());
            return new Update(sequence, toHa.protect(careOf, homeAgent, home, null, bu));
        }
    }

    /** Sends the registration through {@code sender} and waits for an accepting acknowledgement. */
    void register(PacketSender sender, int lifetimeUnits, Duration timeout) throws IOException, InterruptedException {
        Update u = nextUpdate(lifetimeUnits);
        int seq = u.sequence();
        sender.send(u.packet());
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            BindingAcknowledgement ba = left > 0 ? acks.poll(left, TimeUnit.NANOSECONDS) : null;
            if (ba == null) {
                throw new IOException("no Binding Acknowledgement from home agent " + Setup.a(homeAgent) + " within " + timeout);
            }
            if (ba.sequence() == seq) {
                if (!ba.status().isAccepted()) {
                    throw new IOException("home registration refused: " + ba.status());
                }
                return;
            }
        }
    }
}
