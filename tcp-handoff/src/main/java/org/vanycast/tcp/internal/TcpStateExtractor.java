package org.vanycast.tcp.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import org.vanycast.tcp.internal.kernel.TcpRepair;

/** Donor side: reads a frozen socket's state, in the order KERNEL-NOTES.md records as working. */
final class TcpStateExtractor {
    private static final int TCP_ESTABLISHED = 1;

    private TcpStateExtractor() {
    }

    /** The socket must already be frozen and in repair mode. */
    static TcpConnectionState extract(int fd, InetSocketAddress local, InetSocketAddress remote) throws IOException {
        int state = TcpRepair.state(fd);
        if (state != TCP_ESTABLISHED) {
            throw new IOException("only ESTABLISHED connections migrate; " + remote + " is in TCP state " + state);
        }
        int outq = TcpRepair.outq(fd);
        int notSent = TcpRepair.outqNotSent(fd);
        int inq = TcpRepair.inq(fd);
        if (notSent > outq || outq < 0 || inq < 0) {
            throw new IOException("inconsistent queue sizes: outq " + outq + ", not sent " + notSent + ", inq " + inq);
        }
        TcpRepair.selectQueue(fd, TcpRepair.SEND_QUEUE);
        int sendEnd = TcpRepair.queueSeq(fd);
        byte[] send = TcpRepair.peekQueue(fd, outq, "send");
        TcpRepair.selectQueue(fd, TcpRepair.RECV_QUEUE);
        int recvEnd = TcpRepair.queueSeq(fd);
        byte[] received = TcpRepair.peekQueue(fd, inq, "receive");
        TcpRepair.selectQueue(fd, TcpRepair.NO_QUEUE);
        TcpRepair.Options options = TcpRepair.options(fd);
        int mss = TcpRepair.mss(fd);
        int timestamp = options.timestamps() ? TcpRepair.timestamp(fd) : 0;
        TcpRepair.Window window = TcpRepair.window(fd);
        int sndbuf = TcpRepair.sndbuf(fd);
        int unackedLen = outq - notSent;
        byte[] unacked = java.util.Arrays.copyOfRange(send, 0, unackedLen);
        byte[] unsent = java.util.Arrays.copyOfRange(send, unackedLen, outq);
        return new TcpConnectionState(local, remote, sendEnd - outq, recvEnd - inq, mss, options, timestamp, window,
                sndbuf, unacked, unsent, received);
    }
}
