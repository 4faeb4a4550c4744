package org.vanycast.core.api;

/**
 * The phases of one handoff, in order. Where a phase matches a row of the paper's Table I
 * ("Handoff time decomposition") {@link #paperRow()} names it; 0 marks phases the paper did
 * not time separately.
 */
public enum HandoffPhase {
    /** Donor: Prepare sent so the acceptor runs return routability in advance (§5.4). */
    PREPARE(0, "Prepare"),
    /** Donor: waiting until the client acknowledged the send queue (§5.3). */
    DRAIN(0, "Drain"),
    /** Donor: freeze and extract the socket (Table I row 1). */
    EXTRACT(1, "Socket extraction"),
    /** Init and Done on the wire between the nodes: round trip minus acceptor work (row 2). */
    TRANSFER(2, "State transfer"),
    /** Acceptor: re-create the frozen socket (row 3). */
    RECREATE(3, "Socket re-creation"),
    /** Acceptor: finish return routability, build and send the binding (rows 4-6); data may follow at once. */
    REDIRECT(4, "Return routability + binding"),
    /** Acceptor: leave repair mode (row 7) and hand the live connections to the service. */
    ACTIVATE(7, "Socket activation"),
    /** Donor: close the frozen copy without FIN or RST. */
    RELEASE(0, "Release"),
    /**
     * Acceptor, after Done and while it already serves the client: until the client confirmed
     * the binding (its Binding Acknowledgement). Not part of the client's wait; the paper's
     * implementation waited for it before activating the socket.
     */
    CONFIRM(0, "Binding acknowledged");

    private final int paperRow;
    private final String label;

    HandoffPhase(int paperRow, String label) {
        this.paperRow = paperRow;
        this.label = label;
    }

    public int paperRow() {
        return paperRow;
    }

    public String label() {
        return label;
    }
}
