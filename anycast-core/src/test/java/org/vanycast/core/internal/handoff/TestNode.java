package org.vanycast.core.internal.handoff;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.vanycast.core.api.AnycastGroup;
import org.vanycast.core.api.HandoffEvent;
import org.vanycast.core.api.HandoffListener;
import org.vanycast.core.internal.channel.NodeTransport;
import org.vanycast.core.internal.policy.LeastLoadedPolicy;
import org.vanycast.core.spi.AcceptorPolicy;
import org.vanycast.core.spi.AppStateCodec;
import org.vanycast.core.spi.ConnectionMigrator;
import org.vanycast.core.spi.NetworkRedirector;

/** One node under test: a coordinator with in-memory drivers. */
final class TestNode implements Drivers, AutoCloseable {
    static final AnycastGroup GROUP = new AnycastGroup("test", InetAddress.getLoopbackAddress());

    final String name;
    final FakeMigrator migrator;
    final FakeRedirector redirector;
    final List<HandoffEvent> events = new CopyOnWriteArrayList<>();
    volatile AppStateCodec codec;
    volatile List<AcceptorPolicy.Candidate> candidates = List.of();
    final HandoffCoordinator coordinator;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "test-coordinator");
        t.setDaemon(true);
        return t;
    });

    TestNode(String name, Loopback loopback, ClientBindings bindings, NodeTransport transport, HandoffConfig config,
            HandoffClock clock) {
        this.name = name;
        this.migrator = new FakeMigrator(loopback);
        this.redirector = new FakeRedirector(name, bindings);
        this.coordinator = new HandoffCoordinator(name, GROUP, transport, this, config, clock, executor);
    }

    static AcceptorPolicy.Candidate candidate(String node, double load) {
        return new AcceptorPolicy.Candidate(node, Map.of("load", load));
    }

    @Override
    public Optional<ConnectionMigrator> migrator() {
        return Optional.of(migrator);
    }

    @Override
    public Optional<NetworkRedirector> redirector() {
        return Optional.of(redirector);
    }

    @Override
    public Optional<AppStateCodec> codecFor(int localPort) {
        return Optional.ofNullable(codec).filter(c -> c.handles(localPort));
    }

    @Override
    public Optional<AcceptorPolicy> policy() {
        return Optional.of(new LeastLoadedPolicy());
    }

    @Override
    public List<AcceptorPolicy.Candidate> candidates(InetSocketAddress client) {
        return candidates;
    }

    @Override
    public List<HandoffListener> listeners() {
        return List.of(events::add);
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
