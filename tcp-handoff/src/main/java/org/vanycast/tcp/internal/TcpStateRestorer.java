package org.vanycast.tcp.internal;

import java.io.IOException;
import org.vanycast.tcp.internal.kernel.SocketFilter;
import org.vanycast.tcp.internal.kernel.TcpRepair;

/** Acceptor side: builds a frozen socket from a state, in the order KERNEL-NOTES.md records as working. */
final class TcpStateRestorer {
    private TcpStateRestorer() {
    }

    /**
     * Returns the fd of an ESTABLISHED socket in repair mode with a drop-all filter attached
     * and the freeze mark set, so it neither accepts nor sends anything until activation. On
     * failure nothing is left.
     */
    static int restore(TcpConnectionState s) throws IOException {
        return restore(s, -1);
    }

    /**
     * As {@link #restore(TcpConnectionState)}, on {@code spare} when it is not -1: a socket of
     * {@link #openSpare()}, which this call owns from now on (closed on failure).
     */
    static int restore(TcpConnectionState s, int spare) throws IOException {
        int fd = spare < 0 ? openSpare() : spare;
        try {
            TcpRepair.bindRepairSocket(fd, s.local());
            TcpRepair.selectQueue(fd, TcpRepair.SEND_QUEUE);
            TcpRepair.setQueueSeq(fd, s.sendSeq());
            TcpRepair.selectQueue(fd, TcpRepair.RECV_QUEUE);
            TcpRepair.setQueueSeq(fd, s.recvSeq());
            TcpRepair.connect(fd, s.remote());
            // after connect (which needs a route): from now on the socket's own timers cannot
            // put anything on the wire until activation clears the mark
            SocketFilter.setMark(fd, FreezeMark.MARK);
            TcpRepair.setOptions(fd, s.mss(), s.options());
            if (s.options().timestamps()) {
                TcpRepair.setTimestamp(fd, s.timestamp());
            }
            int sendBytes = s.unacked().length + s.unsent().length;
            // the kernel doubles the value; the queue's skb overhead needs the margin
            TcpRepair.forceSndbuf(fd, Math.max(s.sndbuf() / 2, 2 * sendBytes + 65536));
            if (s.received().length > 0) {
                if (s.received().length > 32 * 1024) {
                    TcpRepair.forceRcvbuf(fd, 2 * s.received().length + 65536);
                }
                TcpRepair.selectQueue(fd, TcpRepair.RECV_QUEUE);
                TcpRepair.writeQueue(fd, s.received(), "receive");
            }
            if (s.unacked().length > 0) {
                TcpRepair.selectQueue(fd, TcpRepair.SEND_QUEUE);
                TcpRepair.writeQueue(fd, s.unacked(), "send");
            }
            TcpRepair.selectQueue(fd, TcpRepair.NO_QUEUE);
            TcpRepair.setWindow(fd, s.window());
            return fd;
        } catch (IOException | RuntimeException e) {
            TcpRepair.closeQuietly(fd); // still in repair mode: nothing goes on the wire
            throw e;
        }
    }

    /**
     * The first steps of {@link #restore}, which need no state: a socket in repair mode, not
     * bound, with the drop-all filter attached. Closing it unused sends nothing.
     */
    static int openSpare() throws IOException {
        int fd = TcpRepair.openUnboundRepairSocket();
        try {
            SocketFilter.attachDropAll(fd);
            return fd;
        } catch (IOException | RuntimeException e) {
            TcpRepair.closeQuietly(fd);
            throw e;
        }
    }
}
