package org.vanycast.tcp.internal;

import java.net.InetSocketAddress;
import java.util.Objects;
import org.vanycast.tcp.internal.kernel.TcpRepair;

/**
 * Everything needed to re-create one established TCP connection, as read in repair mode.
 *
 * @param sendSeq  sequence number of the first byte in the send queue (snd_una)
 * @param recvSeq  sequence number of the first byte in the receive queue (rcv_nxt minus queued)
 * @param timestamp the TCP timestamp clock at extraction, offset included
 * @param sndbuf   the donor's SO_SNDBUF, so the acceptor keeps the same throughput
 * @param unacked  sent and not yet acknowledged (restored in repair mode, retransmitted by the timer)
 * @param unsent   queued and never sent (written normally after activation)
 * @param received received and not yet read by the application
 */
public record TcpConnectionState(InetSocketAddress local, InetSocketAddress remote, int sendSeq, int recvSeq,
        int mss, TcpRepair.Options options, int timestamp, TcpRepair.Window window, int sndbuf,
        byte[] unacked, byte[] unsent, byte[] received) {

    public TcpConnectionState {
        Objects.requireNonNull(local, "local");
        Objects.requireNonNull(remote, "remote");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(window, "window");
        Objects.requireNonNull(unacked, "unacked");
        Objects.requireNonNull(unsent, "unsent");
        Objects.requireNonNull(received, "received");
    }

    public int queuedBytes() {
        return unacked.length + unsent.length + received.length;
    }

    @Override
    public String toString() {
        return "TcpConnectionState[" + remote + " -> " + local + ", snd " + Integer.toUnsignedString(sendSeq)
                + " rcv " + Integer.toUnsignedString(recvSeq) + ", mss " + mss + ", " + options + ", " + window
                + ", unacked " + unacked.length + " unsent " + unsent.length + " received " + received.length + "]";
    }
}
