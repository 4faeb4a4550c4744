package org.vanycast.core.internal.channel;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vanycast.core.internal.tls.NodeCredentials;
import org.vanycast.core.internal.wire.Done;
import org.vanycast.core.internal.wire.Init;
import org.vanycast.core.internal.wire.MadeUpHandoff;
import org.vanycast.core.internal.wire.NodeMessage;
import org.vanycast.core.internal.wire.Prepare;
import org.vanycast.core.internal.wire.StateAhead;

/**
 * Warms the group channel up when a node starts. A node runs a handoff's messages a few hundred
 * times in its life, so without this they go through the interpreter and the first compiler
 * tier for most of it: measured with {@code vanycast bench channel} on the test machine, an Init
 * and its Done took 0.40 ms over loopback after 50 round trips, 0.30 ms after 300 and 0.08 ms
 * after 2000. This runs a handoff's exchange (Prepare, StateAhead, Init, Done, of the sizes a
 * download's handoff sends) {@code rounds} times between two channels of this node over the
 * loopback of the node's network namespace, with the node's own credentials: the same TLS 1.3
 * records, frame codec and reader loop as the real channel, before the first client is handed.
 *
 * <p>Nothing of it reaches the node's peers or its coordinator: the two channels are private
 * to the warm-up and closed at its end. Failures (no loopback, say) are logged and never leave
 * this class.
 */
public final class ChannelWarmup {
    private static final Logger LOG = LoggerFactory.getLogger(ChannelWarmup.class);
    /** A lost answer must not hold the warm-up's thread for long. */
    private static final long ANSWER_TIMEOUT_MS = 2000;

    /** What a warm-up did: {@code rounds} complete exchanges, or why it stopped. */
    public record Result(int requested, int rounds, long nanos, Optional<String> stopCause) {
        public boolean complete() {
            return rounds == requested && stopCause.isEmpty();
        }
    }

    private final NodeCredentials credentials;
    private final int rounds;
    private volatile boolean cancelled;

    public ChannelWarmup(NodeCredentials credentials, int rounds) {
        if (rounds < 0) {
            throw new IllegalArgumentException("negative warm-up rounds " + rounds);
        }
        this.credentials = credentials;
        this.rounds = rounds;
    }

    /** Starts the warm-up on a daemon thread (inheriting the caller's network namespace); null when off. */
    public Thread start() {
        if (rounds == 0) {
            LOG.debug("group channel warm-up off");
            return null;
        }
        Thread t = new Thread(this::run, "vanycast-channel-warmup-" + credentials.nodeName());
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Asks a running warm-up to stop after its exchange in progress. */
    public void cancel() {
        cancelled = true;
    }

    /** Runs the warm-up on the calling thread; logs one info line and never throws. */
    public Result run() {
        long t0 = System.nanoTime();
        Result r;
        try {
            r = exchange(t0);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            LOG.debug("group channel warm-up failed", e);
            r = new Result(rounds, 0, System.nanoTime() - t0, Optional.of(e.toString()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            r = new Result(rounds, 0, System.nanoTime() - t0, Optional.of("interrupted"));
        }
        long ms = TimeUnit.NANOSECONDS.toMillis(r.nanos());
        if (r.complete()) {
            LOG.info("group channel warmed: {} handoff exchanges over loopback in {} ms", r.rounds(), ms);
        } else {
            LOG.info("group channel warmed partly: {} of {} handoff exchanges in {} ms ({})", r.rounds(), r.requested(),
                    ms, r.stopCause().orElse("?"));
        }
        return r;
    }

    private Result exchange(long t0) throws IOException, GeneralSecurityException, InterruptedException {
        // both ends carry this node's certificate, so each sees the peer it expects: itself
        try (EchoPair pair = EchoPair.open(credentials, credentials, Duration.ofMillis(ANSWER_TIMEOUT_MS))) {
            byte[] appState = new byte[MadeUpHandoff.APP_STATE_BYTES];
            ThreadLocalRandom.current().nextBytes(appState);
            for (int i = 0; i < rounds; i++) {
                if (cancelled) {
                    return new Result(rounds, i, System.nanoTime() - t0, Optional.of("cancelled"));
                }
                long id = ThreadLocalRandom.current().nextLong();
                pair.send(new Prepare(id, MadeUpHandoff.LOGICAL, MadeUpHandoff.CLIENT, 10_000));
                pair.send(new StateAhead(id, List.of(new StateAhead.Entry(MadeUpHandoff.SERVICE.getPort(), appState))));
                byte[] nonce = new byte[Init.NONCE_BYTES];
                ThreadLocalRandom.current().nextBytes(nonce);
                pair.send(MadeUpHandoff.init(id, nonce, System.currentTimeMillis(), i & 0xFFFF, appState));
                NodeMessage m = pair.awaitAnswer(ANSWER_TIMEOUT_MS);
                if (!(m instanceof Done d) || d.handoffId() != id) {
                    return new Result(rounds, i, System.nanoTime() - t0,
                            Optional.of(m == null ? "no Done within " + ANSWER_TIMEOUT_MS + " ms" : "unexpected " + m.type()));
                }
            }
            return new Result(rounds, rounds, System.nanoTime() - t0, Optional.empty());
        }
    }
}
