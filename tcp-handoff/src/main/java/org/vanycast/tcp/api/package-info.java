/**
 * TCP connection migration over Linux {@code TCP_REPAIR}: create a {@link org.vanycast.tcp.api.TcpMigrator}
 * with {@link org.vanycast.tcp.api.TcpMigration#create}. In an OSGi framework the bundle also
 * registers one as a {@code ConnectionMigrator} service (configuration PID
 * {@code org.vanycast.tcp.migrator}).
 */
@Export
@Version("0.1.0")
package org.vanycast.tcp.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
