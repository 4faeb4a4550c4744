package org.vanycast.soap.it;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.vanycast.core.spi.ConnectionMigrator.FrozenConnection;
import org.vanycast.core.spi.ConnectionMigrator.RecreatedConnection;
import org.vanycast.core.spi.SocketState;
import org.vanycast.soap.api.HandoffSettings;
import org.vanycast.soap.internal.TrackedConnection;
import org.vanycast.soap.testutil.Await;
import org.vanycast.tcp.api.FreezeMode;
import org.vanycast.tcp.api.TcpMigration;
import org.vanycast.tcp.api.TcpMigrator;
import org.vanycast.tcp.internal.kernel.NetNamespace;
import org.vanycast.tcp.internal.testbed.Testbed;

/**
 * Two Jetty + CXF nodes in the node namespaces of tcp-handoff's {@link Testbed}, both on
 * [X]:{@value #PORT}, each with a TCP_REPAIR migrator made in its namespace, and a
 * {@link RawClient} connected from the client namespace (served by node 1, where the route to
 * X points first). Made before each test, removed after it even when it fails; skipped where
 * the kernel lacks namespaces or TCP repair. Register as an instance field:
 * {@code @RegisterExtension final RepairBed bed = new RepairBed();}
 */
final class RepairBed implements BeforeEachCallback, AfterEachCallback {
    static final int PORT = 8090;

    private Testbed testbed;
    private final TcpMigrator[] migrators = new TcpMigrator[3];
    private final TestNode[] nodes = new TestNode[3];
    private RawClient client;

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        Assumptions.assumeTrue(NetNamespace.unavailabilityCause().isEmpty(),
                () -> "network namespaces: " + NetNamespace.unavailabilityCause().orElse(""));
        testbed = Testbed.create();
        // Longer than the migrators' release grace: the donor's server never closes a socket
        // the migrator still holds.
        HandoffSettings settings = HandoffSettings.defaults().withForgetDelay(Duration.ofMillis(800));
        for (int n = 1; n <= 2; n++) {
            int node = n;
            migrators[n] = testbed.node(n).call(() -> TcpMigration.create(FreezeMode.SOCKET_FILTER,
                    Duration.ofMillis(400)));
            Assumptions.assumeTrue(migrators[n].isAvailable(),
                    () -> "TCP migration: " + migrators[node].unavailabilityCause().orElse(""));
            nodes[n] = testbed.node(n).call(() -> new TestNode("node-" + node, Testbed.X.getHostAddress(), PORT,
                    settings, true));
        }
        client = testbed.client().call(() -> new RawClient(new InetSocketAddress(Testbed.X, PORT), 1 << 20));
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        closeClient();
        for (int n = 1; n <= 2; n++) {
            if (nodes[n] != null) {
                nodes[n].close();
                nodes[n] = null;
            }
            if (migrators[n] != null) {
                migrators[n].close();
                migrators[n] = null;
            }
        }
        if (testbed != null) {
            testbed.close();
            testbed = null;
        }
    }

    Testbed testbed() {
        return testbed;
    }

    TestNode node(int n) {
        return nodes[n];
    }

    TcpMigrator migrator(int n) {
        return migrators[n];
    }

    RawClient client() {
        return client;
    }

    /** For a test that brings its own client: the bed's one goes away now. */
    void closeClient() throws IOException {
        if (client != null) {
            client.close();
            client = null;
        }
    }

    /** The node's connection that it still serves (handed-off ones linger, held, until forgotten). */
    SocketChannel served(int node) {
        SocketChannel[] found = new SocketChannel[1];
        Await.until("node " + node + " serves a connection", () -> (found[0] = servedNow(node)) != null);
        return found[0];
    }

    private SocketChannel servedNow(int node) {
        for (SocketChannel ch : nodes[node].connector.openConnections()) {
            TrackedConnection t = nodes[node].trackedOrNull(ch);
            if (t != null && t.handoff() == TrackedConnection.Handoff.NONE) {
                return ch;
            }
        }
        return null;
    }

    /**
     * One handoff as the coordinator performs it, application state and TCP state together.
     *
     * @param tellReleased false: a coordinator that never calls {@code released} (the donor notices the close)
     * @return completes when the acceptor has finished what the donor left of the response
     */
    CompletableFuture<Void> handOff(int from, SocketChannel ch, boolean tellReleased) throws Exception {
        int to = 3 - from;
        byte[] app = nodes[from].codec().capture(ch, Await.TIMEOUT).orElseThrow();
        FrozenConnection frozen = migrators[from].freeze(ch);
        SocketState tcp = frozen.extract();
        nodes[to].codec().validate(app);
        RecreatedConnection recreated = testbed.node(to).call(() -> migrators[to].recreate(tcp));
        testbed.switchTo(to);
        SocketChannel activated = recreated.activate();
        CompletableFuture<Void> continued = testbed.node(to).call(() -> nodes[to].codec().restoreAsync(activated, app));
        frozen.release();
        if (tellReleased) {
            nodes[from].codec().released(ch);
        }
        return continued;
    }
}
