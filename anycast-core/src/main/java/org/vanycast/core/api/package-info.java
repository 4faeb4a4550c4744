/**
 * Public API of Vanycast: anycast groups, logical addresses and the handoff calls of the
 * versatile-anycast paper ({@code client_handoff}, {@code client_receive}, {@code client_close}).
 */
@Export
@Version("0.3.0")
package org.vanycast.core.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
