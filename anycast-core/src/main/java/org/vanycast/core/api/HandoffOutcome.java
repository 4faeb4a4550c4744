package org.vanycast.core.api;

/** How a handoff ended. */
public enum HandoffOutcome {
    /** The acceptor serves the client; the donor released its frozen socket. */
    COMPLETED,
    /** Something failed; the donor serves the client again, the acceptor kept nothing. */
    ROLLED_BACK,
    /** The acceptor refused the request (replay, unknown handoff, corrupt state) before acting. */
    REJECTED
}
