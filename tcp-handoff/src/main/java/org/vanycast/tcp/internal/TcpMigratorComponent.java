package org.vanycast.tcp.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Optional;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.vanycast.core.spi.ConnectionMigrator;
import org.vanycast.core.spi.SocketState;
import org.vanycast.tcp.api.FreezeMode;

/** Registers the TCP_REPAIR migrator as the node's {@link ConnectionMigrator} service. */
@Component(service = ConnectionMigrator.class, configurationPid = TcpMigratorComponent.PID,
        property = "vanycast.migrator=tcp-repair")
@Designate(ocd = TcpMigratorComponent.Config.class)
public final class TcpMigratorComponent implements ConnectionMigrator {
    static final String PID = "org.vanycast.tcp.migrator";

    @ObjectClassDefinition(name = "Vanycast TCP migrator", description = "Live TCP handoff over Linux TCP_REPAIR")
    public @interface Config {
        @AttributeDefinition(description = "How a donor freezes a connection: SOCKET_FILTER (drop-all BPF filter"
                + " and a blackholed socket mark) or NFTABLES (4-tuple in a pre-installed nftables drop set)")
        FreezeMode freezeMode() default FreezeMode.SOCKET_FILTER;

        @AttributeDefinition(description = "How long a released donor socket stays frozen, in milliseconds,"
                + " so stray client segments after the switch draw no RST")
        long releaseGraceMillis() default 2000;

        @AttributeDefinition(description = "How many loopback migrations over [::1] warm the handoff path up"
                + " (class loading, JNA binding, JIT) on a background thread when the migrator starts, so the"
                + " node's first real handoff is not the slow one; 0 turns the warm-up off")
        int warmupMigrations() default 300;
    }

    /** How long deactivation waits for a cancelled warm-up to finish its migration in progress. */
    private static final long WARMUP_STOP_MILLIS = 3000;

    private final TcpConnectionMigrator migrator;
    private final HandoffWarmup warmup;
    private final Thread warmupThread;

    @Activate
    public TcpMigratorComponent(Config config) throws IOException {
        migrator = new TcpConnectionMigrator(config.freezeMode(), Duration.ofMillis(config.releaseGraceMillis()));
        // after the migrator is complete: real handoffs may run beside the warm-up from now on
        warmup = new HandoffWarmup(migrator, Math.max(0, config.warmupMigrations()));
        warmupThread = warmup.start();
    }

    @Deactivate
    void deactivate() {
        stopWarmup();
        migrator.close();
    }

    /** The warm-up's thread, {@code null} when the warm-up is off (for tests). */
    Thread warmupThread() {
        return warmupThread;
    }

    private void stopWarmup() {
        if (warmupThread == null) {
            return;
        }
        warmup.cancel();
        try {
            warmupThread.join(WARMUP_STOP_MILLIS); // its migration in progress ends within its step timeout
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public Optional<String> unavailabilityCause() {
        return migrator.unavailabilityCause();
    }

    @Override
    public long drain(SocketChannel connection, Duration timeout) throws IOException {
        return migrator.drain(connection, timeout);
    }

    @Override
    public FrozenConnection freeze(SocketChannel connection) throws IOException {
        return migrator.freeze(connection);
    }

    @Override
    public RecreatedConnection recreate(SocketState state) throws IOException {
        return migrator.recreate(state);
    }

    @Override
    public void rehearse() {
        migrator.rehearse();
    }

    @Override
    public void expect(InetAddress logical, InetSocketAddress client) {
        migrator.expect(logical, client);
    }

    /** The migrator behind the service (for tests). */
    TcpConnectionMigrator migrator() {
        return migrator;
    }
}
