package org.vanycast.core.internal.channel;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vanycast.core.internal.tls.NodeCredentials;
import org.vanycast.core.internal.wire.Done;
import org.vanycast.core.internal.wire.Init;
import org.vanycast.core.internal.wire.NodeMessage;

/**
 * Two group channels on this host's loopback, private to their user: a sender, and an answerer
 * that replies {@code Done} (sequence + 1, no phase times) to every {@code Init} over the link
 * the sender opened. The start-up warm-up ({@link ChannelWarmup}) and {@code vanycast bench
 * channel} run their exchanges over it: the real TLS 1.3 records, frame codec and reader loop.
 */
public final class EchoPair implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EchoPair.class);

    private final TlsNodeChannel sender;
    private final TlsNodeChannel answerer;
    private final String answererName;
    private final BlockingQueue<NodeMessage> answers = new LinkedBlockingQueue<>();

    private EchoPair(NodeCredentials senderCredentials, NodeCredentials answererCredentials, Duration timeout)
            throws GeneralSecurityException, IOException {
        InetSocketAddress[] answererAt = new InetSocketAddress[1];
        TlsNodeChannel[] echo = new TlsNodeChannel[1];
        this.answererName = answererCredentials.nodeName();
        this.sender = new TlsNodeChannel(senderCredentials, p -> Optional.ofNullable(answererAt[0]),
                (peer, m) -> answers.offer(m), timeout);
        try {
            this.answerer = new TlsNodeChannel(answererCredentials, p -> Optional.empty(),
                    (peer, m) -> answer(echo[0], peer, m), timeout);
        } catch (GeneralSecurityException | RuntimeException e) {
            sender.close();
            throw e;
        }
        echo[0] = answerer;
        try {
            answererAt[0] = answerer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * Opens the pair; the two credentials may be the same (a node's warm-up: each end then sees
     * the peer it expects, itself).
     */
    public static EchoPair open(NodeCredentials senderCredentials, NodeCredentials answererCredentials, Duration timeout)
            throws GeneralSecurityException, IOException {
        return new EchoPair(senderCredentials, answererCredentials, timeout);
    }

    /** Sends {@code m} from the sender to the answerer. */
    public void send(NodeMessage m) throws IOException {
        sender.send(answererName, m);
    }

    /** The next message the answerer sent back, or null after {@code timeoutMillis}. */
    public NodeMessage awaitAnswer(long timeoutMillis) throws InterruptedException {
        return answers.poll(timeoutMillis, TimeUnit.MILLISECONDS);
    }

    private static void answer(TlsNodeChannel echo, String peer, NodeMessage m) {
        if (m instanceof Init init) {
            try {
                echo.send(peer, new Done(init.handoffId(), (init.mipv6Sequence() + 1) & 0xFFFF, 0, 0, 0));
            } catch (IOException e) {
                LOG.debug("echo of Init {} not sent: {}", Long.toUnsignedString(init.handoffId(), 16), e.toString());
            }
        }
    }

    @Override
    public void close() {
        sender.close();
        if (answerer != null) {
            answerer.close();
        }
    }
}
