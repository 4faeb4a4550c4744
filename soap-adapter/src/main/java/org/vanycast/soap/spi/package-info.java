/** What an HTTP server implements to take part in handoffs of the connections it serves. */
@Export
@Version("0.1.0")
package org.vanycast.soap.spi;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
