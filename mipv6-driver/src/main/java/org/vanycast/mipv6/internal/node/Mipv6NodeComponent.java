package org.vanycast.mipv6.internal.node;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vanycast.core.spi.HomeAgentRegistrar;
import org.vanycast.core.spi.NetworkRedirector;
import org.vanycast.mipv6.api.Ipv6Packet;
import org.vanycast.mipv6.api.ReturnRoutabilityResult;
import org.vanycast.mipv6.internal.agent.MobileNodeDataPath;

/**
 * The Mobile IPv6 data path of a node container, offered to the anycast coordinator as its
 * {@link NetworkRedirector} (route optimization towards a client: return routability on
 * {@code Prepare}, Binding Update and node-side translation on commit) and its
 * {@link HomeAgentRegistrar} (home registration of X while this node is the contact node).
 * The container runs inside the node's namespace, so the data path is set up in the caller's.
 */
@Component(configurationPid = NodeSettings.PID, configurationPolicy = ConfigurationPolicy.REQUIRE, immediate = true,
        service = {NetworkRedirector.class, HomeAgentRegistrar.class}, property = "vanycast.redirector=mipv6-ro")
@Designate(ocd = Mipv6NodeConfig.class)
public final class Mipv6NodeComponent implements NetworkRedirector, HomeAgentRegistrar {
    private static final Logger LOG = LoggerFactory.getLogger(Mipv6NodeComponent.class);

    private final NodeSettings settings;
    private final MobileNodeDataPath dataPath;
    private final HomeTestRelay relay;
    private final ExecutorService rr = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "mipv6-rr");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean contact;
    private volatile boolean rrInAdvance;

    @Activate
    public Mipv6NodeComponent(Mipv6NodeConfig config) throws Exception {
        settings = NodeSettings.of(config);
        rrInAdvance = settings.rrInAdvance();
        dataPath = MobileNodeDataPath.start(null, settings.logicalAddress(), settings.careOf(), settings.homeAgent(),
                settings.device(), settings.secret(), settings.queue(), settings.table());
        try {
            relay = HomeTestRelay.start(settings.relayListen(), settings.secret(), settings.relayPeers(), new Relayed(),
                    System::currentTimeMillis);
        } catch (IOException e) {
            dataPath.close();
            throw e;
        }
        relayThroughContact(true);
        LOG.info("mipv6 data path up: X {} care-of {} home agent {}", settings.logicalAddress().getHostAddress(),
                settings.careOf().getHostAddress(), settings.homeAgent().getHostAddress());
    }

    /** Only {@code rr.in.advance} applies at run time; the data path keeps its addresses until restarted. */
    @Modified
    void modified(Mipv6NodeConfig config) {
        NodeSettings next = NodeSettings.of(config);
        rrInAdvance = next.rrInAdvance();
        if (!next.logicalAddress().equals(settings.logicalAddress()) || !next.careOf().equals(settings.careOf())
                || !next.homeAgent().equals(settings.homeAgent())) {
            LOG.warn("{}: address changes apply when the bundle restarts", NodeSettings.PID);
        }
        LOG.info("return routability in advance: {}", rrInAdvance);
    }

    @Deactivate
    void deactivate() {
        rr.shutdownNow();
        relay.close();
        dataPath.close();
    }

    private void relayThroughContact(boolean on) {
        dataPath.relayHomeTestInitsThrough(on ? hoti -> {
            try {
                relay.sendHomeTestInit(hoti);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        } : null);
    }

    @Override
    public String name() {
        return "mipv6-ro";
    }

    @Override
    public Preparation prepare(InetAddress logicalAddress, InetAddress client) throws IOException {
        checkLogical(logicalAddress);
        java.net.Inet6Address c = v6(client);
        // the translation goes on now, off the handoff's critical path (see installTranslation)
        CompletableFuture<Boolean> translation = CompletableFuture.supplyAsync(() -> {
            try {
                return dataPath.installTranslation(c);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, rr);
        return new RoPreparation(c, translation, rrInAdvance ? startReturnRoutability(c) : null);
    }

    private CompletableFuture<ReturnRoutabilityResult> startReturnRoutability(java.net.Inet6Address c) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return dataPath.prepare(c, settings.timeout());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }, rr);
    }

    @Override
    public void release(InetAddress logicalAddress, InetAddress client) throws IOException {
        checkLogical(logicalAddress);
        java.net.Inet6Address c = v6(client);
        try {
            dataPath.deregister(c, settings.timeout());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while deregistering " + client.getHostAddress(), e);
        } finally {
            dataPath.forget(c);
        }
    }

    @Override
    public byte[] takeOver(InetAddress logicalAddress, Optional<byte[]> replicated, long epoch) throws IOException {
        checkLogical(logicalAddress);
        try {
            dataPath.registerHome(settings.homeLifetimeUnits(), settings.timeout(), epoch);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted during home registration", e);
        }
        contact = true;
        relayThroughContact(false);
        LOG.info("contact node for {} (epoch {}): registered at home agent {}", logicalAddress.getHostAddress(), epoch,
                settings.homeAgent().getHostAddress());
        // Every node reads the same secret from its configuration; what travels is only who holds X since when.
        return ByteBuffer.allocate(16 + 8).put(settings.careOf().getAddress()).putLong(epoch).array();
    }

    @Override
    public void relinquish(InetAddress logicalAddress) {
        contact = false;
        relayThroughContact(true);
        LOG.info("no longer the contact node for {}", logicalAddress.getHostAddress());
    }

    /** Relay and data-path drop counters, for diagnostics. */
    public Map<String, Long> relayCounters() {
        return relay.counters();
    }

    private void checkLogical(InetAddress logicalAddress) {
        if (!settings.logicalAddress().equals(logicalAddress)) {
            throw new IllegalArgumentException("this data path serves " + settings.logicalAddress().getHostAddress()
                    + ", not " + logicalAddress.getHostAddress());
        }
    }

    private static java.net.Inet6Address v6(InetAddress a) {
        if (a instanceof java.net.Inet6Address v) {
            return v;
        }
        throw new IllegalArgumentException("Mobile IPv6 needs an IPv6 client, not " + a.getHostAddress());
    }

    private final class RoPreparation implements Preparation {
        private final java.net.Inet6Address client;
        private final CompletableFuture<Boolean> translation;
        private volatile CompletableFuture<ReturnRoutabilityResult> tokens;
        private volatile boolean committed;
        /** The sequence of the binding the client confirmed (after confirm), or -1. */
        private volatile int confirmed = -1;

        /** @param tokens return routability started on Prepare, or null to run it at commit */
        RoPreparation(java.net.Inet6Address client, CompletableFuture<Boolean> translation,
                CompletableFuture<ReturnRoutabilityResult> tokens) {
            this.client = client;
            this.translation = translation;
            this.tokens = tokens;
        }

        @Override
        public int commit(int sequence, Duration timeout) throws IOException {
            long t0 = System.nanoTime();
            long deadline = t0 + timeout.toNanos();
            if (tokens == null) {
                tokens = startReturnRoutability(client);
            }
            get(translation, "switching the translation on for", deadline);
            long t1 = System.nanoTime();
            ReturnRoutabilityResult rr = get(tokens, "return routability with", deadline);
            long t2 = System.nanoTime();
            // data may follow at once: the client's cn-agent holds what overtakes the update
            dataPath.sendHandoff(client, (sequence - 1) & 0xFFFF, rr);
            committed = true;
            long t3 = System.nanoTime();
            int used = dataPath.sequence(client);
            if (LOG.isDebugEnabled()) {
                LOG.debug("commit to {}: translation wait {} us, tokens wait {} us, Binding Update {} us, sequence {} us",
                        client.getHostAddress(), (t1 - t0) / 1000, (t2 - t1) / 1000, (t3 - t2) / 1000,
                        (System.nanoTime() - t3) / 1000);
            }
            return used;
        }

        /** Translation switched on and return routability done on Prepare: commit only sends the update. */
        @Override
        public boolean readyToCommit() {
            CompletableFuture<ReturnRoutabilityResult> t = tokens;
            return translation.isDone() && !translation.isCompletedExceptionally()
                    && t != null && t.isDone() && !t.isCompletedExceptionally();
        }

        /** Builds and drops a Binding Update for a made-up client, as commit will build the real one. */
        @Override
        public void rehearse() {
            dataPath.rehearseHandoff();
        }

        @Override
        public java.util.OptionalInt confirmedSequence() {
            int s = confirmed;
            return s < 0 ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(s);
        }

        @Override
        public void confirm(Duration timeout) throws IOException {
            long deadline = System.nanoTime() + timeout.toNanos();
            try {
                try {
                    dataPath.awaitBinding(client, timeout);
                    confirmed = dataPath.sequence(client);
                    return;
                } catch (IOException first) {
                    // lost or refused (e.g. its nonces expired meanwhile): once more from scratch
                    LOG.warn("binding at {} not confirmed ({}); running return routability and the binding again",
                            client.getHostAddress(), first.getMessage());
                }
                Duration left = Duration.ofNanos(Math.max(1, deadline - System.nanoTime()));
                dataPath.bind(client, Math.max(0, dataPath.sequence(client)), left.plus(timeout));
                confirmed = dataPath.sequence(client); // newer than the commit's
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }

        private <T> T get(CompletableFuture<T> f, String what, long deadlineNanos) throws IOException {
            try {
                return f.get(Math.max(1, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                throw new IOException(what + " " + client.getHostAddress() + " not done in time");
            } catch (ExecutionException e) {
                throw new IOException(what + " " + client.getHostAddress() + " failed: " + e.getCause().getMessage(),
                        e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }

        @Override
        public void close() {
            CompletableFuture<ReturnRoutabilityResult> t = tokens;
            if (t != null) {
                t.cancel(true);
            }
            if (!committed) {
                // only what this preparation switched on: a node already translating serves the client
                translation.thenAcceptAsync(added -> {
                    if (Boolean.TRUE.equals(added)) {
                        try {
                            dataPath.removeTranslation(client);
                        } catch (IOException e) {
                            LOG.warn("could not switch the translation for {} off: {}", client.getHostAddress(),
                                    e.getMessage());
                        }
                    }
                }, rr);
            }
        }
    }

    private final class Relayed implements HomeTestRelay.Handler {
        @Override
        public void onHomeTestInit(Ipv6Packet hoti, InetSocketAddress from) throws IOException {
            if (!contact) {
                throw new IOException("not the contact node");
            }
            dataPath.relayHomeTestInit(hoti, hot -> {
                try {
                    relay.sendHomeTest(hot, from);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }

        @Override
        public void onHomeTest(Ipv6Packet hot) throws IOException {
            dataPath.deliverRelayed(hot);
        }
    }
}
