package org.vanycast.mipv6.api;

import java.net.Inet6Address;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Mobile-node half of return routability for one correspondent (RFC 6275 §5.2.5, §11.6):
 * sends HoTI/CoTI with fresh cookies, retransmits them with exponential back-off, and keeps
 * the keygen tokens with the time they arrived. Package-private helper of {@link MobileNodeSession}.
 */
final class ReturnRoutabilityClient {
    private final Inet6Address home;
    private final Inet6Address correspondent;
    private final RandomGenerator random;
    private final long initialTimeout;
    private final long maxTimeout;

    private Inet6Address careOf;
    private long homeCookie;
    private long careOfCookie;
    private boolean homePending;
    private boolean careOfPending;
    private long timeout;
    private long deadline = Long.MAX_VALUE;
    // Tokens: index < 0 means none.
    private int homeIndex = -1;
    private long homeToken;
    private long homeObtained;
    private int careOfIndex = -1;
    private long careOfToken;
    private long careOfObtained;
    private Inet6Address careOfTokenFor;

    ReturnRoutabilityClient(Inet6Address home, Inet6Address correspondent, RandomGenerator random,
            long initialTimeout, long maxTimeout) {
        this.home = home;
        this.correspondent = correspondent;
        this.random = random;
        this.initialTimeout = initialTimeout;
        this.maxTimeout = maxTimeout;
    }

    /**
     * Starts (or restarts) the tests needed for {@code newCareOf}; tokens still usable are kept
     * (§5.2.7: a home keygen token can be reused after movement). Returns the Init messages.
     */
    List<MobilityAction> start(Inet6Address newCareOf, long now, boolean forceFresh) {
        careOf = newCareOf;
        if (forceFresh) {
            homeIndex = -1;
            careOfIndex = -1;
        }
        homePending = !homeUsable(now);
        careOfPending = !newCareOf.equals(home) && !careOfUsable(newCareOf, now);
        timeout = initialTimeout;
        deadline = homePending || careOfPending ? now + timeout : Long.MAX_VALUE;
        return inits();
    }

    /** Installs tokens obtained elsewhere (Prepare on another node). */
    void install(ReturnRoutabilityResult r) {
        careOf = r.careOfAddress();
        homeIndex = r.homeNonceIndex();
        homeToken = r.homeKeygenToken();
        homeObtained = r.obtainedNanos();
        careOfIndex = r.careOfNonceIndex();
        careOfToken = r.careOfKeygenToken();
        careOfObtained = r.obtainedNanos();
        careOfTokenFor = r.careOfAddress();
        homePending = false;
        careOfPending = false;
        deadline = Long.MAX_VALUE;
    }

    /** Handles a Home Test; true if it completed an outstanding test. */
    boolean onHomeTest(HomeTest t, long now) {
        if (!homePending || t.homeInitCookie() != homeCookie) {
            return false;
        }
        homeIndex = t.homeNonceIndex();
        homeToken = t.homeKeygenToken();
        homeObtained = now;
        homePending = false;
        return true;
    }

    /** Handles a Care-of Test; true if it completed an outstanding test. */
    boolean onCareOfTest(CareOfTest t, long now) {
        if (!careOfPending || t.careOfInitCookie() != careOfCookie) {
            return false;
        }
        careOfIndex = t.careOfNonceIndex();
        careOfToken = t.careOfKeygenToken();
        careOfObtained = now;
        careOfTokenFor = careOf;
        careOfPending = false;
        return true;
    }

    boolean pending() {
        return homePending || careOfPending;
    }

    /** The tokens for the current care-of address if both are usable at {@code now}, else null. */
    ReturnRoutabilityResult result(long now) {
        if (careOf == null || !homeUsable(now)) {
            return null;
        }
        if (careOf.equals(home)) {
            return new ReturnRoutabilityResult(home, careOf, correspondent, homeIndex, homeToken, 0, 0, homeObtained);
        }
        if (!careOfUsable(careOf, now)) {
            return null;
        }
        return new ReturnRoutabilityResult(home, careOf, correspondent, homeIndex, homeToken, careOfIndex,
                careOfToken, Math.min(homeObtained, careOfObtained));
    }

    long deadline() {
        return pending() ? deadline : Long.MAX_VALUE;
    }

    /** Retransmits due Init messages; returns null when the back-off is exhausted (give up). */
    List<MobilityAction> onTimer(long now) {
        if (!pending() || now < deadline) {
            return List.of();
        }
        if (timeout * 2 > maxTimeout) {
            homePending = false;
            careOfPending = false;
            deadline = Long.MAX_VALUE;
            return null;
        }
        timeout *= 2;
        deadline = now + timeout;
        return inits();
    }

    private List<MobilityAction> inits() {
        List<MobilityAction> out = new java.util.ArrayList<>(2);
        if (homePending) {
            homeCookie = random.nextLong();
            HomeTestInit hoti = new HomeTestInit(homeCookie);
            // Sent from the home address (through the home agent / contact node), no Home Address option.
            out.add(new MobilityAction.Send(Ipv6Packet.mobility(home, correspondent, null, null, hoti), hoti));
        }
        if (careOfPending) {
            careOfCookie = random.nextLong();
            CareOfTestInit coti = new CareOfTestInit(careOfCookie);
            out.add(new MobilityAction.Send(Ipv6Packet.mobility(careOf, correspondent, null, null, coti), coti));
        }
        return out;
    }

    private boolean homeUsable(long now) {
        return homeIndex >= 0 && now - homeObtained < MobilityConstants.MAX_TOKEN_LIFETIME;
    }

    private boolean careOfUsable(Inet6Address c, long now) {
        return careOfIndex >= 0 && c.equals(careOfTokenFor) && now - careOfObtained < MobilityConstants.MAX_TOKEN_LIFETIME;
    }
}
