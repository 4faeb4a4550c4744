package org.vanycast.tcp.api;

import org.osgi.annotation.versioning.ProviderType;
import org.vanycast.core.spi.ConnectionMigrator;

/** A {@link ConnectionMigrator} over {@code TCP_REPAIR} that owns a worker thread and kernel objects. */
@ProviderType
public interface TcpMigrator extends ConnectionMigrator, AutoCloseable {

    FreezeMode freezeMode();

    /** Performs pending delayed releases now and frees the worker thread and the nftables context. */
    @Override
    void close();
}
