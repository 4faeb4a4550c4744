package org.vanycast.core.internal.node;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.vanycast.core.api.HandoffListener;
import org.vanycast.core.internal.handoff.Drivers;
import org.vanycast.core.spi.AcceptorPolicy;
import org.vanycast.core.spi.AppStateCodec;
import org.vanycast.core.spi.ConnectionMigrator;
import org.vanycast.core.spi.HomeAgentRegistrar;
import org.vanycast.core.spi.NetworkRedirector;

/** The driver services currently bound; DS (or a test) sets them, the coordinator reads them. */
public final class ServiceDrivers implements Drivers {
    public volatile ConnectionMigrator migrator;
    public volatile NetworkRedirector redirector;
    public volatile AcceptorPolicy policy;
    public volatile HomeAgentRegistrar registrar;
    public final List<AppStateCodec> codecs = new CopyOnWriteArrayList<>();
    public final List<HandoffListener> listeners = new CopyOnWriteArrayList<>();
    volatile Supplier<List<AcceptorPolicy.Candidate>> candidates = List::of;

    @Override
    public Optional<ConnectionMigrator> migrator() {
        return Optional.ofNullable(migrator);
    }

    @Override
    public Optional<NetworkRedirector> redirector() {
        return Optional.ofNullable(redirector);
    }

    @Override
    public Optional<AppStateCodec> codecFor(int localPort) {
        return codecs.stream().filter(c -> c.handles(localPort)).findFirst();
    }

    @Override
    public Optional<AcceptorPolicy> policy() {
        return Optional.ofNullable(policy);
    }

    @Override
    public List<AcceptorPolicy.Candidate> candidates(InetSocketAddress client) {
        return candidates.get();
    }

    @Override
    public List<HandoffListener> listeners() {
        return listeners;
    }
}
