/**
 * The seams between the anycast core and its drivers. Drivers (mipv6-driver, tcp-handoff,
 * soap-adapter) implement these interfaces and register them as OSGi services; the core
 * finds them at run time, so a driver bundle can be updated while the node runs.
 */
@Export
@Version("0.6.0")
package org.vanycast.core.spi;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
