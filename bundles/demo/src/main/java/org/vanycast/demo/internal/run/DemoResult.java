package org.vanycast.demo.internal.run;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything a demo run verified and measured.
 *
 * @param handoffs       one entry per requested handoff, in order
 * @param curlExit       curl's exit status
 * @param expectedSha256 checksum of the document on the nodes
 * @param receivedSha256 checksum of what curl wrote
 * @param resets         TCP resets on the connection seen on the client's interface
 * @param retransmissions data segments to the client below the highest sequence seen
 * @param bindingCareOf  where the client's binding cache maps X at the end (empty: no binding)
 * @param expectedCareOf the last acceptor's address
 * @param bytesBySender  payload bytes the client received, by sender name as seen on its wire
 * @param timeline       client-side (ms since first data, cumulative bytes, sender name) samples
 * @param events         group events during the download (contact leave, contact failover, new client), in order
 * @param problems       what went wrong, empty when everything was verified
 */
record DemoResult(List<Handoff> handoffs, int curlExit, String expectedSha256, String receivedSha256, int resets,
                  int retransmissions, String bindingCareOf, String expectedCareOf, Map<String, Long> bytesBySender,
                  List<Sample> timeline, List<Event> events, List<String> problems) {

    /** One handoff: who, when, the coordinator's outcome and phases, and the client-perceived gap. */
    record Handoff(String donor, String acceptor, long atBytes, boolean completed, String outcome,
                   Map<String, Long> phaseMicros, double gapMillis, String detail) {
    }

    record Sample(double millis, long bytes, String sender) {
    }

    /**
     * A group event while the client downloads.
     *
     * @param kind     {@link #LEAVE}, {@link #CONTACT_MOVED}, {@link #KILL}, {@link #FAILOVER} or {@link #NEW_CLIENT}
     * @param node     the node it concerns (who leaves, who is killed, who took X over, who answered)
     * @param atBytes  bytes the main download had received when it started
     * @param atMillis when it started, ms since the client's first data byte (same clock as the timeline)
     * @param millis   how long it took (see each kind); -1 when it never finished
     * @param ok       whether it did what it should
     * @param detail   one readable line
     */
    record Event(String kind, String node, long atBytes, double atMillis, double millis, boolean ok, String detail) {
        /** The contact node asked to leave; millis: request → the node's reply (it left the group). */
        static final String LEAVE = "leave";
        /** millis: the leave request → the home agent's binding for X names the new contact node. */
        static final String CONTACT_MOVED = "contact-moved";
        /** {@code kill -9} of the contact node's JVM; millis: signal → process gone. */
        static final String KILL = "kill-9";
        /** millis: the kill → the home agent's binding for X names a surviving node. */
        static final String FAILOVER = "failover";
        /** A new client connection to X after the failover; millis: curl's run time. */
        static final String NEW_CLIENT = "new-client";
    }

    boolean verified() {
        return problems.isEmpty();
    }

    boolean checksumOk() {
        return expectedSha256.equals(receivedSha256);
    }

    Optional<Event> event(String kind) {
        return events.stream().filter(e -> e.kind().equals(kind)).findFirst();
    }
}
