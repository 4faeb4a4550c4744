package org.vanycast.core.internal.channel;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.util.function.Consumer;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vanycast.core.internal.wire.MalformedMessageException;
import org.vanycast.core.internal.wire.NodeMessage;
import org.vanycast.core.internal.wire.WireCodec;

/** One authenticated TLS connection to a peer node; both sides send and receive on it. */
final class PeerLink implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PeerLink.class);

    private final String peer;
    private final SSLSocket socket;
    private final OutputStream out;
    private volatile boolean closed;

    PeerLink(String peer, SSLSocket socket) throws IOException {
        this.peer = peer;
        this.socket = socket;
        this.out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
    }

    String peer() {
        return peer;
    }

    String protocol() {
        return socket.getSession().getProtocol();
    }

    boolean isOpen() {
        return !closed && !socket.isClosed();
    }

    synchronized void send(NodeMessage m) throws IOException {
        long t0 = System.nanoTime();
        byte[] frame = WireCodec.encode(m);
        long t1 = System.nanoTime();
        out.write(frame);
        out.flush();
        if (LOG.isDebugEnabled()) {
            // what a handoff's TRANSFER phase is made of on this side (encoding, then TLS + socket
            // write); monotonic times compare between the nodes' processes on one host (CLOCK_MONOTONIC)
            long t2 = System.nanoTime();
            LOG.debug("sent {} to {}: {} bytes, encode {} us, tls write {} us, from {} to {} us monotonic", m.type(), peer,
                    frame.length, (t1 - t0) / 1000, (t2 - t1) / 1000, t0 / 1000, t2 / 1000);
        }
    }

    /**
     * Reads frames until the connection ends. A frame whose body is malformed is dropped and
     * counted; a bad header means the framing is lost, so the link is closed.
     */
    void readLoop(NodeTransport.Inbound inbound, Runnable malformed, Consumer<PeerLink> onClose) {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 64 * 1024))) {
            byte[] header = new byte[WireCodec.HEADER_BYTES];
            while (!closed) {
                in.readFully(header);
                int length;
                try {
                    length = WireCodec.bodyLength(header);
                } catch (MalformedMessageException e) {
                    malformed.run();
                    LOG.debug("closing link to {}: {}", peer, e.getMessage());
                    return;
                }
                long t0 = System.nanoTime();
                byte[] frame = new byte[WireCodec.HEADER_BYTES + length];
                System.arraycopy(header, 0, frame, 0, header.length);
                in.readFully(frame, header.length, length);
                long t1 = System.nanoTime();
                NodeMessage m;
                try {
                    m = WireCodec.decode(frame);
                    if (LOG.isDebugEnabled()) {
                        long t2 = System.nanoTime();
                        LOG.debug("received {} from {}: {} bytes, body read {} us, decode {} us, header at {} to {} us"
                                + " monotonic", m.type(), peer, frame.length, (t1 - t0) / 1000, (t2 - t1) / 1000, t0 / 1000,
                                t2 / 1000);
                    }
                } catch (MalformedMessageException e) {
                    malformed.run();
                    LOG.debug("dropped malformed frame from {}: {}", peer, e.getMessage());
                    continue;
                }
                try {
                    inbound.onMessage(peer, m);
                } catch (RuntimeException e) {
                    LOG.warn("handler failed on {} from {}", m.type(), peer, e);
                }
            }
        } catch (EOFException e) {
            LOG.debug("link to {} closed by peer", peer);
        } catch (IOException e) {
            if (!closed) {
                LOG.debug("link to {} failed: {}", peer, e.toString());
            }
        } finally {
            close();
            onClose.accept(this);
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            socket.close();
        } catch (IOException e) {
            LOG.debug("closing link to {}: {}", peer, e.toString());
        }
    }
}
