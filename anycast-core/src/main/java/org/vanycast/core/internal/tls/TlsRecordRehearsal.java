package org.vanycast.core.internal.tls;

import java.nio.ByteBuffer;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;

/**
 * Seals and opens one TLS 1.3 record of an Init's size between two engines of this node that
 * talk only to each other, in memory, so that the record layer and its AES-GCM are still in
 * the CPU's caches when a real Init's record arrives on the group channel (a waiting
 * acceptor's reader rehearses with it, see {@code HotWait}). Nothing is sent anywhere.
 *
 * <p>Thread-safe: a rehearsal that finds another one running skips (it would warm nothing more).
 * The first failure is thrown; the engines may then be out of step, so every later rehearsal
 * does nothing.
 */
public final class TlsRecordRehearsal {
    /** About a drained download's Init. */
    static final int RECORD_BYTES = 512;
    private static final int MAX_HANDSHAKE_STEPS = 100;

    private final SSLEngine sealer;
    private final SSLEngine opener;
    private final ByteBuffer plain;
    private final ByteBuffer sealed;
    private final ByteBuffer opened;
    private final ReentrantLock lock = new ReentrantLock();
    private long rehearsals;
    /** Set by a failed rehearsal: the engines are not used again. */
    private boolean broken;

    private TlsRecordRehearsal(SSLEngine sealer, SSLEngine opener) {
        this.sealer = sealer;
        this.opener = opener;
        this.plain = ByteBuffer.allocate(RECORD_BYTES);
        this.sealed = ByteBuffer.allocate(sealer.getSession().getPacketBufferSize());
        this.opened = ByteBuffer.allocate(opener.getSession().getApplicationBufferSize());
    }

    /** Two engines of {@code context} (this node presenting itself to itself), their handshake done in memory. */
    public static TlsRecordRehearsal start(SSLContext context) throws SSLException {
        SSLEngine client = context.createSSLEngine("rehearsal", 0);
        client.setUseClientMode(true);
        client.setEnabledProtocols(new String[] {NodeCredentials.PROTOCOL});
        SSLEngine server = context.createSSLEngine();
        server.setUseClientMode(false);
        server.setNeedClientAuth(true);
        server.setEnabledProtocols(new String[] {NodeCredentials.PROTOCOL});
        handshake(client, server);
        return new TlsRecordRehearsal(server, client);
    }

    private static void handshake(SSLEngine client, SSLEngine server) throws SSLException {
        int packet = Math.max(client.getSession().getPacketBufferSize(), server.getSession().getPacketBufferSize());
        int app = Math.max(client.getSession().getApplicationBufferSize(), server.getSession().getApplicationBufferSize());
        ByteBuffer toServer = ByteBuffer.allocate(packet);
        ByteBuffer toClient = ByteBuffer.allocate(packet);
        ByteBuffer sink = ByteBuffer.allocate(app);
        ByteBuffer empty = ByteBuffer.allocate(0);
        client.beginHandshake();
        server.beginHandshake();
        for (int i = 0; i < MAX_HANDSHAKE_STEPS; i++) {
            boolean moved = step(client, toServer, toClient, empty, sink) | step(server, toClient, toServer, empty, sink);
            if (done(client) && done(server) && toServer.position() == 0 && toClient.position() == 0) {
                return;
            }
            if (!moved) {
                break;
            }
        }
        throw new SSLException("in-memory rehearsal handshake did not finish (client " + client.getHandshakeStatus()
                + ", server " + server.getHandshakeStatus() + ")");
    }

    private static boolean done(SSLEngine e) {
        HandshakeStatus s = e.getHandshakeStatus();
        return s == HandshakeStatus.NOT_HANDSHAKING || s == HandshakeStatus.FINISHED;
    }

    /** One step of {@code e}: writes what it has to {@code out}, reads what waits in {@code in}; @return whether anything moved */
    private static boolean step(SSLEngine e, ByteBuffer out, ByteBuffer in, ByteBuffer empty, ByteBuffer sink)
            throws SSLException {
        boolean moved = false;
        HandshakeStatus s = e.getHandshakeStatus();
        if (s == HandshakeStatus.NEED_TASK) {
            for (Runnable task = e.getDelegatedTask(); task != null; task = e.getDelegatedTask()) {
                task.run();
            }
            moved = true;
            s = e.getHandshakeStatus();
        }
        if (s == HandshakeStatus.NEED_WRAP) {
            SSLEngineResult r = e.wrap(empty, out);
            moved |= r.bytesProduced() > 0 || r.getHandshakeStatus() != HandshakeStatus.NEED_WRAP;
        }
        if (in.position() > 0) {
            in.flip();
            sink.clear();
            SSLEngineResult r = e.unwrap(in, sink);
            in.compact();
            moved |= r.bytesConsumed() > 0;
        }
        return moved;
    }

    /** Seals and opens one record; returns at once when another thread is rehearsing. */
    public void rehearse() {
        if (!lock.tryLock()) {
            return;
        }
        try {
            if (broken) {
                return;
            }
            broken = true; // until this rehearsal has come through
            plain.clear();
            plain.putLong(0, rehearsals++);
            sealed.clear();
            // a record the engines still owe each other (none is expected after the handshake)
            // goes first, at most a few
            for (int i = 0; plain.hasRemaining() && i < 4; i++) {
                SSLEngineResult r = sealer.wrap(plain, sealed);
                if (r.getStatus() != SSLEngineResult.Status.OK) {
                    throw new IllegalStateException("rehearsal record not sealed: " + r);
                }
            }
            sealed.flip();
            opened.clear();
            for (int i = 0; sealed.hasRemaining() && i < 4; i++) {
                SSLEngineResult r = opener.unwrap(sealed, opened);
                if (r.getStatus() != SSLEngineResult.Status.OK) {
                    throw new IllegalStateException("rehearsal record not opened: " + r);
                }
            }
            if (opened.position() != RECORD_BYTES || opened.getLong(0) != rehearsals - 1) {
                throw new IllegalStateException("rehearsal record opened to " + opened.position() + " bytes");
            }
            broken = false;
        } catch (SSLException e) {
            throw new IllegalStateException("rehearsal record: " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    /** Closes the sealing engine, as a fault would leave it (for tests). */
    void closeSealer() {
        lock.lock();
        try {
            sealer.closeOutbound();
        } finally {
            lock.unlock();
        }
    }

    /** Records sealed and opened so far (attempts included). */
    public long rehearsals() {
        lock.lock();
        try {
            return rehearsals;
        } finally {
            lock.unlock();
        }
    }
}
