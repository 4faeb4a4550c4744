package org.vanycast.core.internal.node;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.SynchronousBundleListener;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.vanycast.core.api.AnycastGroup;
import org.vanycast.core.api.AnycastNode;
import org.vanycast.core.api.HandoffEvent;
import org.vanycast.core.api.HandoffListener;
import org.vanycast.core.api.MemberInfo;
import org.vanycast.core.api.NodeRole;
import org.vanycast.core.api.ReceivedClient;
import org.vanycast.core.spi.AcceptorPolicy;
import org.vanycast.core.spi.AppStateCodec;
import org.vanycast.core.spi.ConnectionMigrator;
import org.vanycast.core.spi.HomeAgentRegistrar;
import org.vanycast.core.spi.NetworkRedirector;

/**
 * The node as a DS component: configured through ConfigAdmin (PID
 * {@code org.vanycast.core.node}), finds its drivers as services. Every driver reference is
 * dynamic and greedy, so a driver bundle can be updated (or a better-ranked one installed)
 * while the node runs; a handoff uses whatever is bound when it starts. Immediate: the node
 * must join its group and take its role at start, not when someone first asks for the service.
 */
@Component(name = "org.vanycast.core.node", configurationPolicy = ConfigurationPolicy.REQUIRE, service = AnycastNode.class,
        immediate = true)
@Designate(ocd = NodeConfig.class)
public class AnycastNodeComponent implements AnycastNode {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(AnycastNodeComponent.class);
    private final ServiceDrivers drivers = new ServiceDrivers();
    private volatile AnycastNodeImpl node;
    private BundleContext context;
    private SynchronousBundleListener frameworkStopping;

    @Activate
    void activate(BundleContext context, NodeConfig config) throws Exception {
        AnycastNodeImpl n;
        try {
            n = new AnycastNodeImpl(NodeConfigs.settings(config), drivers);
        } catch (IllegalArgumentException e) {
            // SCR's own log may go nowhere visible: say once, clearly, what is wrong
            LOG.error("configuration org.vanycast.core.node rejected: {}", e.getMessage());
            throw e;
        }
        try {
            n.start();
        } catch (Exception e) {
            LOG.error("node {} could not start: {}", config.node_name(), e.toString());
            n.close();
            throw e;
        }
        node = n;
        this.context = context;
        // The framework stops bundles in reverse start order, so the service bundles (deployed
        // after this one) would close every client connection before this component's
        // deactivation could hand them off: when the framework starts stopping (SIGTERM to the
        // node container), leave first, while the service's connectors still run.
        frameworkStopping = e -> {
            if (e.getType() == BundleEvent.STOPPING && e.getBundle().getBundleId() == 0) {
                LOG.info("node {}: framework stopping, leaving the group first", n.nodeName());
                deactivate();
            }
        };
        context.addBundleListener(frameworkStopping);
    }

    /**
     * Stopping the bundle or removing the configuration is a graceful leave: the clients are
     * handed to other members first (bounded in time); only what cannot be handed off is dropped.
     */
    @Deactivate
    synchronized void deactivate() {
        AnycastNodeImpl n = node;
        node = null;
        if (n == null) {
            return;
        }
        try {
            context.removeBundleListener(frameworkStopping);
        } catch (IllegalStateException e) {
            // the bundle context is already invalid: nothing left to remove
        }
        try {
            n.leave(false).get(60, java.util.concurrent.TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            LOG.warn("node {} stops without handing off every client: {}", n.nodeName(), e.getCause().getMessage());
        } catch (java.util.concurrent.TimeoutException e) {
            LOG.warn("node {} stops: handing off its clients took longer than 60 s", n.nodeName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            n.close();
        }
    }

    // DS wants a bind/unbind pair per reference; the optional drivers share one rule, in unbind().
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void bindMigrator(ConnectionMigrator m) {
        drivers.migrator = m;
    }

    void unbindMigrator(ConnectionMigrator m) {
        unbind(m, drivers.migrator, () -> drivers.migrator = null);
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void bindRedirector(NetworkRedirector r) {
        drivers.redirector = r;
    }

    void unbindRedirector(NetworkRedirector r) {
        unbind(r, drivers.redirector, () -> drivers.redirector = null);
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void bindPolicy(AcceptorPolicy p) {
        drivers.policy = p;
    }

    void unbindPolicy(AcceptorPolicy p) {
        unbind(p, drivers.policy, () -> drivers.policy = null);
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void bindRegistrar(HomeAgentRegistrar r) {
        r.replicateWith(bytes -> {
            AnycastNodeImpl n = node;
            if (n != null) {
                n.replicateIfContact(bytes);
            }
        });
        drivers.registrar = r;
        AnycastNodeImpl n = node;
        if (n != null) {
            n.takeOverIfPossible(n.epoch());
        }
    }

    void unbindRegistrar(HomeAgentRegistrar r) {
        unbind(r, drivers.registrar, () -> drivers.registrar = null);
    }

    /**
     * With the greedy policy DS binds a better-ranked driver before it unbinds the one it
     * replaces: clear the slot only while it still holds the departing service.
     */
    private static void unbind(Object departing, Object bound, Runnable clear) {
        if (bound == departing) {
            clear.run();
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void bindCodec(AppStateCodec c) {
        drivers.codecs.add(c);
    }

    void unbindCodec(AppStateCodec c) {
        drivers.codecs.remove(c);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void bindListener(HandoffListener l) {
        drivers.listeners.add(l);
    }

    void unbindListener(HandoffListener l) {
        drivers.listeners.remove(l);
    }

    private AnycastNodeImpl node() {
        AnycastNodeImpl n = node;
        if (n == null) {
            throw new IllegalStateException("the node is not running");
        }
        return n;
    }

    @Override
    public String nodeName() {
        return node().nodeName();
    }

    @Override
    public AnycastGroup group() {
        return node().group();
    }

    @Override
    public NodeRole role() {
        return node().role();
    }

    @Override
    public List<MemberInfo> members() {
        return node().members();
    }

    @Override
    public CompletableFuture<HandoffEvent> clientHandoff(SocketChannel connection, String acceptor, byte[] appState) {
        return node().clientHandoff(connection, acceptor, appState);
    }

    @Override
    public Optional<ReceivedClient> clientReceive(Duration timeout) throws InterruptedException {
        return node().clientReceive(timeout);
    }

    @Override
    public void clientClose(SocketChannel connection) throws IOException {
        node().clientClose(connection);
    }

    @Override
    public void track(SocketChannel connection) {
        node().track(connection);
    }

    @Override
    public CompletableFuture<HandoffEvent> handoff(InetSocketAddress client, Optional<String> acceptor) {
        return node().handoff(client, acceptor);
    }

    @Override
    public CompletableFuture<Void> leave(boolean force) {
        return node().leave(force);
    }
}
