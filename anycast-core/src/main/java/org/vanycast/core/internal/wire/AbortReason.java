package org.vanycast.core.internal.wire;

/** Why a node aborted a handoff; an open enum like {@link MessageType}. */
public record AbortReason(int code, String name) {
    public static final AbortReason REPLAYED = new AbortReason(1, "replayed");
    public static final AbortReason UNKNOWN_HANDOFF = new AbortReason(2, "unknown-handoff");
    public static final AbortReason MALFORMED_STATE = new AbortReason(3, "malformed-state");
    public static final AbortReason RECREATE_FAILED = new AbortReason(4, "recreate-failed");
    public static final AbortReason REDIRECT_FAILED = new AbortReason(5, "redirect-failed");
    public static final AbortReason ACTIVATE_FAILED = new AbortReason(6, "activate-failed");
    public static final AbortReason NOT_AVAILABLE = new AbortReason(7, "not-available");
    public static final AbortReason TIMEOUT = new AbortReason(8, "timeout");
    public static final AbortReason DONOR_CANCELLED = new AbortReason(9, "donor-cancelled");
    /** The acceptor's service cannot continue the connection (e.g. its document is missing here). */
    public static final AbortReason SERVICE_REFUSED = new AbortReason(10, "service-refused");
    public static final AbortReason OTHER = new AbortReason(255, "other");

    private static final AbortReason[] KNOWN = {REPLAYED, UNKNOWN_HANDOFF, MALFORMED_STATE,
        RECREATE_FAILED, REDIRECT_FAILED, ACTIVATE_FAILED, NOT_AVAILABLE, TIMEOUT, DONOR_CANCELLED, SERVICE_REFUSED, OTHER};

    public static AbortReason valueOf(int code) {
        for (AbortReason r : KNOWN) {
            if (r.code == code) {
                return r;
            }
        }
        return new AbortReason(code, "unknown(" + code + ")");
    }

    @Override
    public String toString() {
        return name;
    }
}
