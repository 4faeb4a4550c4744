package org.vanycast.demo.internal.run;

import java.util.List;
import java.util.Map;

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
 * @param problems       what went wrong, empty when everything was verified
 */
record DemoResult(List<Handoff> handoffs, int curlExit, String expectedSha256, String receivedSha256, int resets,
                  int retransmissions, String bindingCareOf, String expectedCareOf, Map<String, Long> bytesBySender,
                  List<Sample> timeline, List<String> problems) {

    /** One handoff: who, when, the coordinator's outcome and phases, and the client-perceived gap. */
    record Handoff(String donor, String acceptor, long atBytes, boolean completed, String outcome,
                   Map<String, Long> phaseMicros, double gapMillis, String detail) {
    }

    record Sample(double millis, long bytes, String sender) {
    }

    boolean verified() {
        return problems.isEmpty();
    }

    boolean checksumOk() {
        return expectedSha256.equals(receivedSha256);
    }
}
