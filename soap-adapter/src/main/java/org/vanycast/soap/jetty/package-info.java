/**
 * The Jetty 9.4 connector (as embedded by Felix HTTP Jetty) that lets Vanycast hold, describe,
 * release and adopt the HTTP connections it serves. Give it to Jetty directly, or let the
 * {@code org.vanycast.soap} component publish it as a Felix HTTP {@code ConnectorFactory}.
 */
@Export
@Version("0.1.0")
package org.vanycast.soap.jetty;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
