/**
 * What services and containers use: the CXF {@link org.vanycast.soap.api.HandoffFeature},
 * the {@link org.vanycast.soap.api.ResumableResponse} declaration for responses that can be
 * continued from a byte offset on another node, and the {@link org.vanycast.soap.api.SoapHandoff}
 * facade that owns the per-connection state.
 */
@Export
@Version("0.1.0")
package org.vanycast.soap.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
