package org.vanycast.core.internal.channel;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vanycast.core.internal.tls.NodeCredentials;
import org.vanycast.core.internal.tls.TlsRecordRehearsal;
import org.vanycast.core.internal.wire.NodeMessage;

/**
 * The channel between the nodes of a group: mutually authenticated TLS 1.3 where both ends
 * must hold a certificate of the group CA. Application and socket state only ever travel
 * inside it. A peer's name is the CN of its certificate; a connection to a peer is refused
 * when the certificate names another node.
 */
public final class TlsNodeChannel implements NodeTransport, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TlsNodeChannel.class);
    private static final String[] PROTOCOLS = {NodeCredentials.PROTOCOL};
    static final int MAX_PENDING_HANDSHAKES = 32;

    private final String self;
    private final SSLContext context;
    private final Function<String, Optional<InetSocketAddress>> resolver;
    private final Inbound inbound;
    private final int timeoutMillis;
    private final Map<String, PeerLink> links = new ConcurrentHashMap<>();
    /** One lock per peer: a slow connect to a dead node must not hold up sends to the others. */
    private final Map<String, Object> connectLocks = new ConcurrentHashMap<>();
    /** Bounds the threads unauthenticated connections can occupy while their handshake runs. */
    private final java.util.concurrent.Semaphore handshakes = new java.util.concurrent.Semaphore(MAX_PENDING_HANDSHAKES);
    private final AtomicLong rejectedHandshakes = new AtomicLong();
    private final AtomicLong malformedFrames = new AtomicLong();
    /** Shared by the links: drops one whose write has not finished by its deadline. */
    private final ScheduledThreadPoolExecutor watchdog;
    private volatile ServerSocket server;
    private volatile boolean closed;
    /** What the links' readers do while a message is imminent; none until {@link #hotWait(HotWait)}. */
    private volatile HotWait hotWait = HotWait.NONE;

    public TlsNodeChannel(NodeCredentials credentials, Function<String, Optional<InetSocketAddress>> resolver,
            Inbound inbound, Duration timeout) throws GeneralSecurityException {
        this.self = credentials.nodeName();
        this.context = credentials.sslContext();
        this.resolver = resolver;
        this.inbound = inbound;
        this.timeoutMillis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        this.watchdog = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "vanycast-channel-watchdog-" + self);
            t.setDaemon(true);
            return t;
        });
        watchdog.setRemoveOnCancelPolicy(true);
    }

    /**
     * Starts accepting peers on {@code bind} (port 0 picks one). TLS is layered on plain TCP
     * sockets on both sides, so that a link can be dropped under a writer stuck on a peer that
     * stopped reading: closing the TLS socket would first try to send close_notify, which
     * waits for that very write.
     */
    public InetSocketAddress start(InetSocketAddress bind) throws IOException {
        // sockets made from channels, so a waiting reader can sleep on the descriptor (SocketReadiness)
        ServerSocket s = ServerSocketChannel.open().socket();
        s.setReuseAddress(true);
        s.bind(bind, 50);
        server = s;
        Thread t = new Thread(this::acceptLoop, "vanycast-channel-accept-" + self);
        t.setDaemon(true);
        t.start();
        LOG.debug("{} accepting group channel connections on {}", self, s.getLocalSocketAddress());
        ArrivalWait.unavailabilityCause().ifPresent(cause -> LOG.info(
                "{}: readers awaiting a handoff message poll every 50 us instead of sleeping on their socket: {}", self,
                cause));
        return (InetSocketAddress) s.getLocalSocketAddress();
    }

    /**
     * Has the links' readers poll instead of block while {@code h} expects a message from their
     * peer; their rehearsals then also seal and open a record like the awaited one's
     * ({@link TlsRecordRehearsal}), unless that cannot be set up (logged; the wait goes on without).
     */
    public void hotWait(HotWait h) {
        if (h == null || h == HotWait.NONE) {
            hotWait = HotWait.NONE;
            return;
        }
        TlsRecordRehearsal records;
        try {
            records = TlsRecordRehearsal.start(context);
        } catch (SSLException | RuntimeException e) {
            LOG.info("{}: hot waits go without rehearsing TLS records: {}", self, e.toString());
            hotWait = h;
            return;
        }
        hotWait = h.alsoRehearsing(records::rehearse);
    }

    public long rejectedHandshakes() {
        return rejectedHandshakes.get();
    }

    public long malformedFrames() {
        return malformedFrames.get();
    }

    /** Sends within the channel's timeout (the one for connecting and handshakes). */
    @Override
    public void send(String peer, NodeMessage message) throws IOException {
        send(peer, message, Duration.ofMillis(timeoutMillis));
    }

    @Override
    public void send(String peer, NodeMessage message, Duration writeTimeout) throws IOException {
        long now = System.nanoTime();
        long deadline = now + Math.min(writeTimeout.toNanos(), Long.MAX_VALUE / 4);
        if (closed) {
            throw new IOException("channel closed");
        }
        PeerLink link = links.get(peer);
        if (link == null || !link.isOpen()) {
            link = connect(peer, deadline);
        }
        try {
            link.send(message, deadline);
        } catch (IOException e) {
            link.close();
            links.remove(peer, link);
            String why = "sending " + message.type() + " to " + peer + " failed: " + e.getMessage();
            throw e instanceof WriteTimeoutException ? new WriteTimeoutException(why, e) : new IOException(why, e);
        }
    }

    @Override
    public void disconnect(String peer) {
        PeerLink link = links.remove(peer);
        if (link != null) {
            link.close();
        }
    }

    private PeerLink connect(String peer, long deadlineNanos) throws IOException {
        synchronized (connectLocks.computeIfAbsent(peer, p -> new Object())) {
            PeerLink existing = links.get(peer);
            if (existing != null && existing.isOpen()) {
                return existing;
            }
            return open(peer, deadlineNanos);
        }
    }

    /** Connects and handshakes within the channel's timeout, and by the sender's deadline. */
    private PeerLink open(String peer, long deadlineNanos) throws IOException {
        InetSocketAddress at = resolver.apply(peer)
                .orElseThrow(() -> new IOException("no channel address known for node '" + peer + "'"));
        long leftMillis = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
        if (leftMillis <= 0) {
            throw new WriteTimeoutException("no time left to connect to " + peer);
        }
        int timeout = (int) Math.min(timeoutMillis, leftMillis);
        Socket tcp = SocketChannel.open().socket();
        SSLSocket s = null;
        try {
            tcp.connect(at, timeout);
            tcp.setTcpNoDelay(true);
            tcp.setSoTimeout(timeout);
            s = (SSLSocket) context.getSocketFactory().createSocket(tcp, at.getHostString(), at.getPort(), true);
            s.setEnabledProtocols(PROTOCOLS);
            s.startHandshake();
            s.setSoTimeout(0);
            String presented = peerName(s);
            if (!presented.equals(peer)) {
                throw new SSLException("node at " + at + " presented the certificate of '" + presented + "', expected '" + peer + "'");
            }
        } catch (IOException e) {
            closeQuietly(s, tcp);
            throw new IOException("cannot open group channel to " + peer + " at " + at + ": " + e.getMessage(), e);
        }
        return adopt(peer, s, tcp);
    }

    private void acceptLoop() {
        while (!closed) {
            Socket s;
            try {
                s = server.accept();
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("{}: group channel accept failed: {}", self, e.toString());
                }
                return;
            }
            if (!handshakes.tryAcquire()) {
                rejectedHandshakes.incrementAndGet();
                LOG.debug("{}: too many pending handshakes, dropping {}", self, s.getRemoteSocketAddress());
                closeQuietly(null, s);
                continue;
            }
            Thread t = new Thread(() -> handshakeAndRead(s), "vanycast-channel-in-" + self);
            t.setDaemon(true);
            t.start();
        }
    }

    private void handshakeAndRead(Socket tcp) {
        String peer;
        SSLSocket s = null;
        try {
            tcp.setTcpNoDelay(true);
            tcp.setSoTimeout(timeoutMillis);
            s = (SSLSocket) context.getSocketFactory().createSocket(tcp, null, true);
            s.setUseClientMode(false);
            s.setEnabledProtocols(PROTOCOLS);
            s.setNeedClientAuth(true);
            s.startHandshake();
            s.setSoTimeout(0);
            peer = peerName(s);
        } catch (IOException | RuntimeException e) {
            rejectedHandshakes.incrementAndGet();
            LOG.debug("{}: rejected group channel connection from {}: {}", self, tcp.getRemoteSocketAddress(), e.toString());
            closeQuietly(s, tcp);
            return;
        } finally {
            handshakes.release();
        }
        try {
            PeerLink link = new PeerLink(peer, s, tcp, watchdog);
            PeerLink old = links.put(peer, link);
            if (old != null && old != link) {
                LOG.debug("{}: {} reconnected", self, peer);
            }
            link.readLoop(inbound, malformedFrames::incrementAndGet, l -> links.remove(l.peer(), l), () -> hotWait);
        } catch (IOException e) {
            closeQuietly(s, tcp);
        }
    }

    private PeerLink adopt(String peer, SSLSocket s, Socket tcp) throws IOException {
        PeerLink link = new PeerLink(peer, s, tcp, watchdog);
        links.put(peer, link);
        Thread t = new Thread(() -> link.readLoop(inbound, malformedFrames::incrementAndGet,
                l -> links.remove(l.peer(), l), () -> hotWait), "vanycast-channel-out-" + self + "-" + peer);
        t.setDaemon(true);
        t.start();
        return link;
    }

    private static String peerName(SSLSocket s) throws SSLException {
        var certs = s.getSession().getPeerCertificates();
        if (certs.length == 0 || !(certs[0] instanceof java.security.cert.X509Certificate x)) {
            throw new SSLException("peer presented no X.509 certificate");
        }
        return NodeCredentials.commonName(x.getSubjectX500Principal());
    }

    /** Closes the TLS socket (may be null) and the TCP socket under it. */
    private static void closeQuietly(SSLSocket s, Socket tcp) {
        try {
            if (s != null) {
                s.close();
            }
        } catch (IOException ignored) {
            // nothing more to do with a socket we are discarding
        }
        try {
            tcp.close();
        } catch (IOException ignored) {
            // as above
        }
    }

    @Override
    public void close() {
        closed = true;
        ServerSocket s = server;
        if (s != null) {
            try {
                s.close();
            } catch (IOException | RuntimeException e) {
                LOG.debug("closing server socket: {}", e.toString());
            }
        }
        links.values().forEach(PeerLink::close);
        links.clear();
        watchdog.shutdownNow();
    }

    /** For tests: the protocol negotiated with a connected peer. */
    Optional<String> protocolWith(String peer) {
        return Optional.ofNullable(links.get(peer)).map(PeerLink::protocol);
    }

    Optional<String> cipherSuiteWith(String peer) {
        return Optional.ofNullable(links.get(peer)).map(PeerLink::cipherSuite);
    }
}
